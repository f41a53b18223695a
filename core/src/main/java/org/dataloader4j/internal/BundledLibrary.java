package org.dataloader4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.function.Function;

/**
 * Internal, not an API: a native library that a module's build compiles into its jar (under
 * {@code native/<os>-<arch>/}, from the module's {@code src/main/c}), loaded through {@code java.lang.foreign}: straight
 * from {@code target/classes}, or copied out of the jar into a temporary file. When it cannot be loaded (not in this
 * build, turned off by its system property, native access refused), {@link #lookup()} is null and {@link #status()}
 * says why, so the caller falls back to Java and can report it.
 *
 * <pre>{@code
 * BundledLibrary rows = BundledLibrary.load(RowGather.class, "libdl4jrows.so", "dataloader4j.nativeRows",
 *         "apt-get install gcc, then rebuild", e -> "native access denied: " + e.getMessage());
 * if (rows.lookup() == null) {
 *     log.info("rows copied in Java: " + rows.status());
 * }
 * }</pre>
 *
 * @param lookup the library's symbols, or null when it is not loaded
 * @param status where it was loaded from, or why it is not available
 */
public record BundledLibrary(SymbolLookup lookup, String status) {

    /** {@return the resource folder of this platform's libraries, e.g. {@code linux-x86_64}} */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            arch = "aarch64";
        }
        return (os.contains("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    /**
     * Loads {@code native/<platform>/<fileName>} from {@code anchor}'s class loader, for the life of the JVM.
     *
     * @param anchor    a class of the module whose jar holds the library
     * @param fileName  the library's file name, e.g. {@code libdl4jrows.so}
     * @param property  the system property that turns it off when set to {@code false}
     * @param buildHint what builds it, for the status when the library is not in this build
     * @param denied    the status to report when the JVM refuses native access (and whatever the caller records)
     * @return the library, or its absence with the reason
     */
    public static BundledLibrary load(Class<?> anchor, String fileName, String property, String buildHint,
                                      Function<IllegalCallerException, String> denied) {
        if ("false".equalsIgnoreCase(System.getProperty(property, "true"))) {
            return new BundledLibrary(null, "turned off by -D" + property + "=false");
        }
        String resource = "native/" + platform() + "/" + fileName;
        ClassLoader loader = anchor.getClassLoader();
        URL url = loader == null ? null : loader.getResource(resource);
        if (url == null) {
            return new BundledLibrary(null, resource + " is not in this build (" + buildHint + ")");
        }
        try {
            Path file = libraryFile(url, fileName);
            return new BundledLibrary(SymbolLookup.libraryLookup(file, Arena.global()), "loaded " + file);
        } catch (IllegalCallerException e) {
            return new BundledLibrary(null, denied.apply(e));
        } catch (IOException | RuntimeException | LinkageError e) {
            return new BundledLibrary(null, "could not load " + resource + ": " + e);
        }
    }

    /** The library as a file: directly from target/classes, or copied out of the jar into a temporary file. */
    private static Path libraryFile(URL url, String fileName) throws IOException {
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        String stem = fileName.endsWith(".so") ? fileName.substring(0, fileName.length() - 3) : fileName;
        Path tmp = Files.createTempFile(stem, ".so");
        tmp.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
