package org.dataloader4j.vision.internal;

import java.lang.foreign.SymbolLookup;
import org.dataloader4j.internal.BundledLibrary;

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

    private static Loaded load() {
        NativeAccess.enabled();   // notes the module's native access before its first restricted call
        BundledLibrary library = BundledLibrary.load(NativeLibrary.class, "libdl4jjpeg.so", PROPERTY,
                "it is compiled when gcc and the libjpeg headers are present: apt-get install gcc"
                        + " libjpeg62-turbo-dev, then rebuild", NativeAccess::denied);
        return new Loaded(library.lookup(), library.status());
    }
}
