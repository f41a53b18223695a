package org.dataloader4j.vision.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Internal, not an API: the native pixel kernels ({@code src/main/c/dl4j_pixels.c}, in the {@link NativeLibrary}
 * of the native JPEG decoder) that the transforms call instead of their Java kernels when the library is loaded: the RGB
 * resample and ToTensor + Normalize. They compute the same bytes and floats (the same fixed-point sums, the same
 * float32 operations; SIMD where the processor has AVX2 or AVX-512, with VBMI and VNNI where it has them); tests
 * compare the two. Turned off with {@code -Ddataloader4j.vision.nativeKernels=false}.
 *
 * <pre>{@code
 * if (NativeKernels.available()) {
 *     NativeKernels.resampleRgb(src, inW, inH, tables, dst);   // tables: a ResampleTables
 * }
 * }</pre>
 */
public final class NativeKernels {
    static final String PROPERTY = "dataloader4j.vision.nativeKernels";
    private static final int OK = 0;
    private static final int NO_MEMORY = -6;
    private static final MethodHandle RESAMPLE = bind("dl4j_resample_rgb", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle TO_PLANES = bind("dl4j_to_planes", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG));

    private NativeKernels() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        SymbolLookup library = NativeLibrary.lookup();
        if (library == null || "false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
            return null;
        }
        return library.find(name).map(symbol -> Linker.nativeLinker().downcallHandle(symbol, descriptor,
                Linker.Option.critical(true))).orElse(null);
    }

    private static final MethodHandle SIMD_LEVEL = bind("dl4j_simd_level", FunctionDescriptor.of(ValueLayout.JAVA_INT));

    /**
     * Calls each kernel once with arguments it refuses at once, so that the JVM links the calls now (a few ms each)
     * rather than inside the first batch. Does nothing when the kernels are not loaded.
     */
    public static void warmUp() {
        if (!available()) {
            return;
        }
        int[] none = new int[1];
        float[] one = {1f};
        try {
            int resample = (int) RESAMPLE.invokeExact(MemorySegment.NULL, 0L, 0, 0, MemorySegment.ofArray(none),
                    MemorySegment.ofArray(none), 0, 0, MemorySegment.ofArray(none), MemorySegment.ofArray(none),
                    MemorySegment.ofArray(none), 0, 0, 0, 0, MemorySegment.NULL, 0L);
            int planes = (int) TO_PLANES.invokeExact(MemorySegment.NULL, 0L, 0, 0, 0, MemorySegment.ofArray(one),
                    MemorySegment.ofArray(one), 0, 0, MemorySegment.NULL, 0L);
            if (resample == OK || planes == OK) {
                throw new IllegalStateException("a native kernel accepted a call without data");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native kernel warm-up failed: " + t, t);
        }
    }

    /** {@return whether the native kernels are loaded} */
    public static boolean available() {
        return RESAMPLE != null && TO_PLANES != null;
    }

    /** {@return one line: whether the kernels are in use and with which instructions, or why not} */
    public static String describe() {
        if (!available()) {
            return "not in use (" + (NativeLibrary.lookup() == null ? NativeLibrary.status() : "-D" + PROPERTY + "=false")
                    + "), the Java kernels compute the same values";
        }
        int level;
        try {
            level = SIMD_LEVEL == null ? -1 : (int) SIMD_LEVEL.invokeExact();
        } catch (Throwable t) {
            level = -1;
        }
        return "in use for RGB resampling and ToTensor/Normalize (" + switch (level) {
            case 3 -> "AVX-512 with VBMI and VNNI";
            case 2 -> "AVX-512";
            case 1 -> "AVX2";
            case 0 -> "scalar C";
            default -> "unknown instruction set";
        } + ")";
    }

    /**
     * Resamples the {@code inW × inH} RGB image in {@code src} to {@code outW × outH} in {@code dst}: the horizontal
     * pass with the padded table ({@code hTaps} weights per output, each reading {@code hTaps} pixels from
     * {@code hStart}), then the vertical pass ({@code vCount} weights in {@code vKsize} slots per output row, rows
     * from {@code vStart}); only rows {@code vFirst .. vLast - 1} are read.
     *
     * @param src the RGB image, 3 bytes per pixel
     * @param inW the input width
     * @param inH the input height
     * @param hStart the first input column of each output column
     * @param hWeights the horizontal weights, {@code hTaps} per output column, fixed point
     * @param hTaps the horizontal weights per output column
     * @param outW the output width
     * @param vStart the first input row of each output row
     * @param vCount the number of vertical weights of each output row
     * @param vWeights the vertical weights, {@code vKsize} slots per output row, fixed point
     * @param vKsize the vertical weight slots per output row
     * @param vFirst the first input row read
     * @param vLast the row after the last input row read
     * @param outH the output height
     * @param dst receives the resampled RGB image
     * @throws IllegalArgumentException when a table reads outside the image or a segment is too small
     * @throws OutOfMemoryError         when the native intermediate rows cannot be allocated
     * @throws IllegalStateException    when the kernels are not {@link #available()}
     */
    public static void resampleRgb(MemorySegment src, int inW, int inH, int[] hStart, int[] hWeights, int hTaps,
                                   int outW, int[] vStart, int[] vCount, int[] vWeights, int vKsize, int vFirst,
                                   int vLast, int outH, MemorySegment dst) {
        if (RESAMPLE == null) {
            throw new IllegalStateException("the native kernels are not loaded: " + NativeLibrary.status());
        }
        if (hStart.length < outW || hWeights.length < (long) outW * hTaps || vStart.length < outH
                || vCount.length < outH || vWeights.length < (long) outH * vKsize) {
            throw new IllegalArgumentException("resample tables shorter than the output: " + outW + "x" + outH);
        }
        int rc;
        try {
            rc = (int) RESAMPLE.invokeExact(src, src.byteSize(), inW, inH, MemorySegment.ofArray(hStart),
                    MemorySegment.ofArray(hWeights), hTaps, outW, MemorySegment.ofArray(vStart),
                    MemorySegment.ofArray(vCount), MemorySegment.ofArray(vWeights), vKsize, vFirst, vLast, outH, dst,
                    dst.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("native resample failed: " + t, t);
        }
        if (rc == NO_MEMORY) {
            throw new OutOfMemoryError("native resample could not allocate its rows for " + inW + "x" + inH + " -> "
                    + outW + "x" + outH);
        }
        if (rc != OK) {
            throw new IllegalArgumentException("native resample refused " + inW + "x" + inH + " -> " + outW + "x"
                    + outH + " (a table reads outside the image, or a buffer is too small)");
        }
    }

    /**
     * {@link #resampleRgb(MemorySegment, int, int, int[], int[], int, int, int[], int[], int[], int, int, int, int,
     * MemorySegment)} with the tables and the output size of {@code tables}.
     *
     * @param src the RGB image, 3 bytes per pixel
     * @param inW the input width
     * @param inH the input height
     * @param tables the horizontal and vertical tables
     * @param dst receives the resampled RGB image, {@code tables.outW() × tables.outH()}
     */
    public static void resampleRgb(MemorySegment src, int inW, int inH, ResampleTables tables, MemorySegment dst) {
        resampleRgb(src, inW, inH, tables.hStart(), tables.hWeights(), tables.hTaps(), tables.outW(), tables.vStart(),
                tables.vCount(), tables.vWeights(), tables.vKsize(), tables.vFirst(), tables.vLast(), tables.outH(),
                dst);
    }

    /**
     * Writes the {@code height × width} image in {@code src} ({@code channels} interleaved bytes per pixel) as
     * {@code channels} float32 planes into {@code dst}: {@code ((byte / 255f) - mean[k]) / std[k]} per channel
     * {@code k}, rows read right to left when {@code mirror}.
     *
     * @param src the image, interleaved bytes
     * @param width the width in pixels
     * @param height the height in pixels
     * @param channels bytes per pixel
     * @param mean the mean of each channel
     * @param std the standard deviation of each channel
     * @param mirror whether each row is read right to left
     * @param streaming whether {@code dst} may be written past the caches (it is read later, as a loader's batch);
     *                  the values are the same either way
     * @param dst receives the float32 planes
     * @throws IllegalArgumentException when {@code mean} or {@code std} has fewer than {@code channels} values or a
     *                                  segment is too small
     * @throws IllegalStateException    when the kernels are not {@link #available()}
     */
    public static void toPlanes(MemorySegment src, int width, int height, int channels, float[] mean, float[] std,
                                boolean mirror, boolean streaming, MemorySegment dst) {
        if (TO_PLANES == null) {
            throw new IllegalStateException("the native kernels are not loaded: " + NativeLibrary.status());
        }
        if (mean.length < channels || std.length < channels) {
            throw new IllegalArgumentException("need " + channels + " means and stds, but got " + mean.length
                    + " and " + std.length);
        }
        int rc;
        try {
            rc = (int) TO_PLANES.invokeExact(src, src.byteSize(), width, height, channels, MemorySegment.ofArray(mean),
                    MemorySegment.ofArray(std), mirror ? 1 : 0, streaming ? 1 : 0, dst, dst.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("native toPlanes failed: " + t, t);
        }
        if (rc == NO_MEMORY) {
            throw new OutOfMemoryError("native toPlanes could not allocate a row of " + width + " pixels");
        }
        if (rc != OK) {
            throw new IllegalArgumentException("native toPlanes refused a " + width + "x" + height + "x" + channels
                    + " image (a segment is too small)");
        }
    }
}
