package org.dataloader4j.vision.internal;

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

/**
 * Internal, not an API: the vision module's own native library, {@code libdl4jjpeg.so} (built from
 * {@code src/main/c/dl4j_jpeg.c} and {@code dl4j_pixels.c} when the libjpeg headers and a C compiler are present),
 * loaded once on first use, for the native JPEG decoder and the {@link NativeKernels}. When it cannot be loaded (not
 * in this build, turned off with {@code -Ddataloader4j.vision.nativeJpeg=false}, native access denied)
 * {@link #lookup()} is null and {@link #status()} says why.
 *
 * <pre>{@code
 * SymbolLookup lib = NativeLibrary.lookup();
 * if (lib == null) {
 *     log.info("pure Java: " + NativeLibrary.status());
 * }
 * }</pre>
 */
public final class NativeLibrary {
    /** Set to {@code false} to keep the native library, and so the native JPEG path and kernels, off. */
    public static final String PROPERTY = "dataloader4j.vision.nativeJpeg";

    private static final Loaded LOADED = load();

    private record Loaded(SymbolLookup lookup, String status) {
    }

    private NativeLibrary() {
    }

    /** The loaded library, or null when it is not available ({@link #status()} says why). */
    public static SymbolLookup lookup() {
        return LOADED.lookup;
    }

    /** Where the library was loaded from, or why it is not available. */
    public static String status() {
        return LOADED.status;
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            arch = "aarch64";
        }
        return (os.contains("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    private static Loaded load() {
        NativeAccess.enabled();   // notes the module's native access before its first restricted call
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
            return new Loaded(null, "turned off by -D" + PROPERTY + "=false");
        }
        String resource = "native/" + platform() + "/libdl4jjpeg.so";
        URL url = NativeLibrary.class.getClassLoader().getResource(resource);
        if (url == null) {
            return new Loaded(null, resource + " is not in this build (it is compiled when gcc and the libjpeg"
                    + " headers are present: apt-get install gcc libjpeg62-turbo-dev, then rebuild)");
        }
        try {
            Path lib = libraryFile(url);
            return new Loaded(SymbolLookup.libraryLookup(lib, Arena.global()), "loaded " + lib);
        } catch (IllegalCallerException e) {
            return new Loaded(null, NativeAccess.denied(e));
        } catch (IOException | RuntimeException | LinkageError e) {
            return new Loaded(null, "could not load " + resource + ": " + e);
        }
    }

    /** The library as a file: directly from target/classes, or copied out of the jar into a temporary file. */
    private static Path libraryFile(URL url) throws IOException {
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        Path tmp = Files.createTempFile("libdl4jjpeg", ".so");
        tmp.toFile().deleteOnExit();
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
