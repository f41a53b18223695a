package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modules as a modular application sees them: a small application module ({@code modcheck}) is compiled
 * against the built {@code org.dataloader4j.core} and {@code org.dataloader4j.vision} on a module path and run in a
 * JVM of its own, which loads an {@code ImageFolder} through a {@code DataLoader}. It checks that the exported
 * packages are enough for that, that an internal package is neither visible to the compiler nor accessible by
 * reflection, and what native access does: enabled (the native decoder in use, no warning), not enabled (JDK 25's
 * restricted-method warning, and {@code Decoders.describe()} says so) and denied (the pure-Java decoders, and
 * {@code describe()} names the reason); denied on the class path too, where the flag to name is {@code ALL-UNNAMED}.
 */
class ModulePathTest {
    private static final String MODULE_INFO = """
            module modcheck {
                requires org.dataloader4j.vision;
            }
            """;

    /** Decodes two photographs through ImageFolder + DataLoader and reports what it saw, one fact per line. */
    private static final String MAIN = """
            package modcheck;

            import java.nio.file.Path;
            import org.dataloader4j.collate.Batch;
            import org.dataloader4j.loader.DataLoader;
            import org.dataloader4j.tensor.DType;
            import org.dataloader4j.tensor.Shape;
            import org.dataloader4j.vision.Decoders;
            import org.dataloader4j.vision.ImageFolder;
            import org.dataloader4j.vision.transforms.ToTensor;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    var dataset = ImageFolder.builder(Path.of(args[0])).transform(new ToTensor()).build();
                    try (var loader = DataLoader.builder(dataset).batchSize(2).build();
                         Batch batch = loader.iterator().next()) {
                        System.out.println("shape=" + batch.tensor(0).shape());
                        System.out.println("targets=" + java.util.Arrays.toString(batch.tensor(1).toLongArray()));
                    }
                    System.out.println("module=" + Decoders.class.getModule().getName());
                    System.out.println("describe=" + Decoders.describe());
                    Class<?> internal = Class.forName("org.dataloader4j.collate.internal.BatchMemory");
                    System.out.println("internalExported="
                            + internal.getModule().isExported(internal.getPackageName(), Main.class.getModule()));
                    try {
                        internal.getMethod("allocate", DType.class, Shape.class)
                                .invoke(null, DType.FLOAT32, Shape.of(1)).getClass();
                        System.out.println("internalCall=allowed");
                    } catch (IllegalAccessException e) {
                        System.out.println("internalCall=refused");
                    }
                }
            }
            """;

    /** Uses a type of a package the core exports only to the vision module: must not compile. */
    private static final String USES_INTERNAL = """
            package modcheck;

            final class UsesInternal {
                Object memory = org.dataloader4j.collate.internal.BatchMemory.class;
            }
            """;

    @TempDir
    static Path work;
    private static String modulePath;
    private static Path classes;
    private static Path images;

    @BeforeAll
    static void compileTheApplication() throws Exception {
        modulePath = Stream.concat(Stream.of(location(Tensor.class), location(Decoders.class)), twelveMonkeys())
                .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        Path src = work.resolve("src");
        Files.createDirectories(src.resolve("modcheck"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("modcheck/Main.java"), MAIN);
        classes = work.resolve("classes");
        CompileResult ok = compile(classes, src.resolve("module-info.java"), src.resolve("modcheck/Main.java"));
        assertEquals(0, ok.exitCode, "the application does not compile against the exported packages:\n" + ok.log);

        images = work.resolve("images");
        for (String c : new String[] {"cat", "dog"}) {
            Files.createDirectories(images.resolve(c));
            Fixtures.photo(images.resolve(c), c + ".jpg", 32, 24, false, c.charAt(0));
        }
    }

    @Test
    void internalPackageDoesNotCompileOnTheModulePath() throws Exception {
        Path src = work.resolve("src-internal");
        Files.createDirectories(src.resolve("modcheck"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("modcheck/UsesInternal.java"), USES_INTERNAL);
        CompileResult result = compile(work.resolve("classes-internal"), src.resolve("module-info.java"),
                src.resolve("modcheck/UsesInternal.java"));
        assertNotEquals(0, result.exitCode, "a non-exported package compiled:\n" + result.log);
        assertTrue(result.log.contains("org.dataloader4j.collate.internal") && result.log.contains("not visible"),
                "expected 'package org.dataloader4j.collate.internal is not visible', got:\n" + result.log);
    }

    @Test
    void loadsImagesWithNativeAccessEnabledAndNoWarning() throws Exception {
        Run run = run("--enable-native-access=org.dataloader4j.core,org.dataloader4j.vision");
        assertLoadedTheBatch(run);
        assertFalse(run.stderr.contains("restricted method"), "restricted-method warning with native access enabled:\n"
                + run.stderr);
        assertTrue(run.line("describe").contains("native access: enabled for module org.dataloader4j.vision"),
                run.line("describe"));
        if (NativeJpeg.available()) {   // the library was built here, so the module must use it too
            assertTrue(run.line("describe").contains("native libjpeg-turbo path: in use"), run.line("describe"));
        }
    }

    @Test
    void withoutTheFlagTheJvmWarnsAndDescribeSaysHowToEnable() throws Exception {
        Run run = run();
        assertLoadedTheBatch(run);
        if (NativeJpeg.available()) {
            assertTrue(run.stderr.contains("restricted method"), "expected JDK 25's warning:\n" + run.stderr);
        }
        assertTrue(run.line("describe").contains("native access: not enabled for module org.dataloader4j.vision")
                && run.line("describe").contains("--enable-native-access=org.dataloader4j.vision"),
                run.line("describe"));
    }

    @Test
    void deniedNativeAccessFallsBackToJavaAndDescribeSaysWhy() throws Exception {
        Run run = run("--illegal-native-access=deny");
        assertLoadedTheBatch(run);
        String describe = run.line("describe");
        assertTrue(describe.contains("native libjpeg-turbo path: not available"), describe);
        assertTrue(describe.contains("native access denied")
                && describe.contains("--enable-native-access=org.dataloader4j.vision"), describe);
        assertFalse(run.stderr.contains("restricted method"), run.stderr);
    }

    @Test
    void onTheClassPathDeniedAccessNamesTheFlagForTheUnnamedModule() throws Exception {
        Run run = runOnClassPath("--illegal-native-access=deny");
        assertEquals("[2, 3, 24, 32]", run.line("shape"), run.stdout);
        assertEquals("[0, 1]", run.line("targets"), run.stdout);
        String describe = run.line("describe");
        assertTrue(describe.contains("native access: denied for the class path (unnamed module)")
                && describe.contains("--enable-native-access=ALL-UNNAMED"), describe);
        assertTrue(describe.contains("native libjpeg-turbo path: not available"), describe);
    }

    private static void assertLoadedTheBatch(Run run) {
        assertEquals("[2, 3, 24, 32]", run.line("shape"), run.stdout);
        assertEquals("[0, 1]", run.line("targets"), run.stdout);
        assertEquals("org.dataloader4j.vision", run.line("module"), "not loaded as a named module");
        assertEquals("false", run.line("internalExported"));
        assertEquals("refused", run.line("internalCall"), "reflection reached a non-exported package");
    }

    private record CompileResult(int exitCode, String log) {
    }

    private static CompileResult compile(Path out, Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--module-path", modulePath, "-d", out.toString()));
        for (Path s : sources) {
            args.add(s.toString());
        }
        int rc = javac.run(null, log, log, args.toArray(String[]::new));
        return new CompileResult(rc, log.toString(StandardCharsets.UTF_8));
    }

    private record Run(String stdout, String stderr) {
        String line(String key) {
            return stdout.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError("no '" + key + "=' in:\n" + stdout
                            + "\nstderr:\n" + stderr));
        }
    }

    private static Run run(String... jvmOptions) throws IOException, InterruptedException {
        return start(List.of(jvmOptions), List.of("--module-path", modulePath + File.pathSeparator + classes,
                "--module", "modcheck/modcheck.Main"));
    }

    /** The same application on the class path (its module-info.class is then ignored). */
    private static Run runOnClassPath(String... jvmOptions) throws IOException, InterruptedException {
        return start(List.of(jvmOptions), List.of("-cp", modulePath + File.pathSeparator + classes, "modcheck.Main"));
    }

    private static Run start(List<String> jvmOptions, List<String> launch) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Xmx256m");
        command.addAll(launch);
        command.add(images.toString());
        Path out = Files.createTempFile(work, "stdout", ".txt");
        Path err = Files.createTempFile(work, "stderr", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 120 s: " + command);
        }
        Run run = new Run(Files.readString(out), Files.readString(err));
        assertEquals(0, p.exitValue(), "the child JVM failed: " + command + "\nstdout:\n" + run.stdout
                + "\nstderr:\n" + run.stderr);
        return run;
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The TwelveMonkeys jars (the plugins and what they need) from this test's class path. */
    private static Stream<Path> twelveMonkeys() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> jars = Stream.of(cp.split(File.pathSeparator)).filter(e -> e.contains("twelvemonkeys"))
                .map(Path::of).toList();
        assertFalse(jars.isEmpty(), "no TwelveMonkeys jar on the test class path: " + cp);
        return jars.stream();
    }
}
