package org.dataloader4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dataloader4j.djl.LoaderDataset;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * What a user of the installed artifacts gets: the jars from the local repository (not the reactor's classes),
 * the native JPEG library inside the vision jar when the build compiled one, and module descriptors that match
 * the modules' sources.
 */
class PackagingTest {
    private static final Pattern MODULE = Pattern.compile("\\bmodule\\s+([\\w.]+)\\s*\\{");
    private static final Pattern EXPORTS = Pattern.compile("\\bexports\\s+([\\w.]+)\\s*;");

    /** A library module, one of its classes, and its artifact's name. */
    record Artifact(String module, Class<?> type) {
        String artifactId() {
            return "dataloader4j-" + module;
        }

        Path jar() throws URISyntaxException {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        }

        @Override
        public String toString() {
            return artifactId();
        }
    }

    static List<Artifact> artifacts() {
        return List.of(new Artifact("core", Tensor.class), new Artifact("vision", Decoders.class),
                new Artifact("djl", LoaderDataset.class));
    }

    @ParameterizedTest
    @MethodSource("artifacts")
    void classesComeFromTheInstalledJarNotFromTheBuildFolder(Artifact artifact) throws URISyntaxException {
        Path jar = artifact.jar();
        assertTrue(Files.isRegularFile(jar) && jar.getFileName().toString().startsWith(artifact.artifactId() + "-")
                        && jar.getFileName().toString().endsWith(".jar"),
                () -> artifact + " should come from its installed jar, but its classes come from " + jar);
    }

    @Test
    void theVisionJarCarriesTheNativeJpegLibraryTheBuildCompiled() {
        Path built = Repository.root().resolve("vision/target/classes/native");
        boolean compiled;
        try (Stream<Path> files = Files.exists(built) ? Files.walk(built) : Stream.empty()) {
            compiled = files.anyMatch(p -> p.getFileName().toString().equals("libdl4jjpeg.so"));
        } catch (IOException e) {
            throw new AssertionError("cannot look into " + built, e);
        }
        assumeTrue(compiled, "this build compiled no native JPEG library (no gcc or no libjpeg headers), so the"
                + " vision jar rightly has none");
        assertTrue(Decoders.standard().usesNativeJpeg(), () -> "the build compiled " + built
                + "/.../libdl4jjpeg.so, but the installed vision jar does not load it: " + Decoders.describe());
    }

    @Test
    void theCoreJarCarriesTheNativeRowLibraryTheBuildCompiled() throws IOException, URISyntaxException {
        Path built = Repository.root().resolve("core/target/classes/native");
        String entry;
        try (Stream<Path> files = Files.exists(built) ? Files.walk(built) : Stream.empty()) {
            entry = files.filter(p -> p.getFileName().toString().equals("libdl4jrows.so")).findFirst()
                    .map(p -> "native/" + built.relativize(p).toString().replace('\\', '/')).orElse(null);
        }
        assumeTrue(entry != null, "this build compiled no native row gather (no C compiler), so the core jar rightly"
                + " has none");
        Path jar = new Artifact("core", Tensor.class).jar();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertTrue(zip.getEntry(entry) != null, () -> "the build compiled " + entry + ", but the installed core jar "
                    + jar + " does not hold it");
        }
    }

    @ParameterizedTest
    @MethodSource("artifacts")
    void theJarDeclaresTheModuleItsSourcesDeclare(Artifact artifact) throws IOException, URISyntaxException {
        Path source = Repository.root().resolve(artifact.module()).resolve("src/main/java/module-info.java");
        assumeTrue(Files.exists(source), () -> source + " does not exist: " + artifact + " is not a named module yet");
        String text = Files.readString(source).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Matcher name = MODULE.matcher(text);
        assertTrue(name.find(), () -> source + " declares no module");
        Set<String> exports = new TreeSet<>();
        for (Matcher m = EXPORTS.matcher(text); m.find(); ) {
            exports.add(m.group(1));
        }

        Path jar = artifact.jar();
        List<ModuleReference> found = List.copyOf(ModuleFinder.of(jar).findAll());
        assertEquals(1, found.size(), () -> jar + " should hold one module");
        ModuleDescriptor descriptor = found.getFirst().descriptor();
        assertFalse(descriptor.isAutomatic(), () -> jar + " has no module-info.class, but " + source
                + " declares module " + name.group(1));
        assertEquals(name.group(1), descriptor.name(), () -> "the module name in " + jar);
        Set<String> jarExports = descriptor.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(exports, jarExports, () -> "the packages " + jar + " exports to everyone");
    }
}
