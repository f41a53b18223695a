package org.dataloader4j.vision;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.dataloader4j.vision.internal.NativeAccess;
import org.dataloader4j.vision.internal.NativeKernels;
import org.dataloader4j.vision.internal.NativeLibrary;
import org.dataloader4j.vision.internal.ResampleTables;
import org.dataloader4j.vision.internal.ResamplingChooser;

/**
 * The native JPEG path: {@code libdl4jjpeg.so} (built from {@code src/main/c/dl4j_jpeg.c} when the libjpeg headers
 * and a C compiler are present) over the system's libjpeg-turbo, called through {@code java.lang.foreign}. Loaded
 * once, on first use; if anything is missing (the library was not built, libjpeg.so.62 is absent, native access is
 * denied, or the {@code dataloader4j.vision.nativeJpeg} system property is {@code false}) {@link #available()} is
 * false and {@link #status()} says why, and callers use the pure-Java decoders.
 *
 * <p>The C side validates the region and the buffer size before writing, turns libjpeg's fatal errors into a code
 * and a message (it never exits or crashes on corrupt input), and judges damaged data as PIL does: data that runs
 * out before the last row is refused as truncated; corrupt data that libjpeg repairs (the entropy-coded data ends
 * at a marker early, "premature end of data segment", and the like) gives libjpeg's repaired pixels, as PIL does,
 * unless {@code strict} asks for a refusal. A region decode reads the whole file as a full decode does, so the
 * verdict never depends on the region, except for a file already seen to decode cleanly ({@link CleanJpegFiles}),
 * whose rows below the region are left unread. Package-private.
 */
final class NativeJpeg {
    /** Set to {@code false} to keep the native path off. */
    static final String PROPERTY = NativeLibrary.PROPERTY;

    private static final int OK = 0;
    private static final int ERROR = -1;
    private static final int TRUNCATED = -2;
    private static final int BAD_ARGS = -3;
    private static final int SMALL_BUFFER = -4;
    private static final int UNSUPPORTED = -5;
    private static final int WARNED = 1;
    /** dl4j_jpeg_decode's flag: the file decoded cleanly before, rows below the region may stay unread. */
    private static final int STOP_AT_REGION = 1;
    private static final int MSG_LEN = 256;
    /**
     * The most scratch memory a resampled decode may take from libjpeg's pool (its intermediate rows: the rows read
     * times the output width). libjpeg reports a failed allocation, and any block over 10^9 bytes, as a fatal error
     * that would read like a corrupt file; beyond this limit the region is decoded and resampled apart, where a
     * failed allocation is an {@link OutOfMemoryError}. 64 MiB is 30 times what a 224-pixel output of a
     * 10,000-row crop needs.
     */
    static final long RESAMPLED_SCRATCH_LIMIT = 64L << 20;

    /** libjpeg's J_COLOR_SPACE values that this path decodes: gray, RGB and YCbCr. */
    private static final int JCS_GRAYSCALE = 1;
    private static final int JCS_RGB = 2;
    private static final int JCS_YCBCR = 3;

    private static final Loaded LOADED = load();

    /** decodeResampled: dl4j_jpeg_decode_resampled, null when the library lacks it. */
    private record Loaded(MethodHandle header, MethodHandle decode, MethodHandle decodeResampled, String status,
                          SymbolLookup library) {
    }

    private NativeJpeg() {
    }

    /** True if the native library is loaded and usable. */
    /**
     * Calls each native entry point once with arguments it refuses at once (no data), so that the JVM links the
     * calls now rather than inside the first batch. Does nothing when the library is not loaded.
     */
    static void warmUp() {
        if (!available()) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msg = arena.allocate(MSG_LEN);
            MemorySegment info = arena.allocate(ValueLayout.JAVA_INT, 5);
            int header = (int) LOADED.header.invokeExact(MemorySegment.NULL, 0L, info, msg, MSG_LEN);
            int decode = (int) LOADED.decode.invokeExact(MemorySegment.NULL, 0L, 8, 0, 0, 0, 0, 0, MemorySegment.NULL,
                    0L, info, msg, MSG_LEN);
            if (header != BAD_ARGS || decode != BAD_ARGS) {
                throw new IllegalStateException("the native JPEG library accepted a call without data");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native JPEG warm-up failed: " + t, t);
        }
    }

    static boolean available() {
        return LOADED.decode != null;
    }

    /** Where the library was loaded from, or why it is not available. */
    static String status() {
        return LOADED.status;
    }

    /** The loaded native library (it also holds the resample kernels of {@link NativeKernels}), or null. */
    static SymbolLookup library() {
        return LOADED.library;
    }

    private static Loaded load() {
        SymbolLookup lookup = NativeLibrary.lookup();
        if (lookup == null) {
            return new Loaded(null, null, null, NativeLibrary.status(), null);
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle header = linker.downcallHandle(lookup.findOrThrow("dl4j_jpeg_header"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle decode = linker.downcallHandle(lookup.findOrThrow("dl4j_jpeg_decode"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle decodeResampled = lookup.find("dl4j_jpeg_decode_resampled").map(symbol ->
                    linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_INT))).orElse(null);
            return new Loaded(header, decode, decodeResampled, NativeLibrary.status(), lookup);
        } catch (IllegalCallerException e) {
            return new Loaded(null, null, null, NativeAccess.denied(e), null);
        } catch (RuntimeException | LinkageError e) {
            return new Loaded(null, null, null, "could not bind the JPEG calls of the native library: " + e, null);
        }
    }

    /**
     * Decodes the JPEG file at {@code path} at scale {@code scaleNum}/8, the whole image or the region
     * ({@code left}, {@code top}, {@code width}, {@code height}) in scaled pixels ({@code width} 0 for all): L for
     * gray files, RGB otherwise. Returns null for files this path does not handle (not a JPEG; CMYK, YCCK, other
     * colour spaces), which the caller then decodes in Java.
     *
     * @throws ImageDecodeException naming the file for corrupt or truncated data, a region outside the image, or
     *                              an image over {@code maxPixels}, or, when {@code strict}, for corrupt
     *                              data that libjpeg repairs
     */
    static Image decode(Path path, long maxPixels, boolean strict, int scaleNum, int left, int top, int width,
                        int height) throws IOException {
        Region fixed = width > 0 ? new Region(top, left, height, width) : null;
        return decode(path, maxPixels, strict, scaleNum, (w, h) -> fixed);
    }

    /**
     * As {@link #decode(Path, long, int, int, int, int, int)}, the region chosen by {@code chooser} from the scaled
     * size in the header (null from the chooser: the whole image).
     */
    static Image decode(Path path, long maxPixels, boolean strict, int scaleNum, RegionChooser chooser)
            throws IOException {
        if (scaleNum < 1 || scaleNum > 8) {
            throw new IllegalArgumentException("scale must be 1/8 .. 8/8, but got " + scaleNum + "/8");
        }
        return decode(path, maxPixels, strict, (w, h) -> {
            int sw = (int) (((long) w * scaleNum + 7) / 8);
            int sh = (int) (((long) h * scaleNum + 7) / 8);
            return Plan.chosen(scaleNum, chooser, sw, sh);
        });
    }

    /**
     * What to decode: the scale {@code scaleNum}/8 and the region in scaled pixels (null: the whole scaled image);
     * {@code resampler}, when not null, may take the region's resampled pixels instead of the region's (see
     * {@link ResamplingChooser}).
     */
    record Plan(int scaleNum, Region region, ResamplingChooser resampler) {
        Plan(int scaleNum, Region region) {
            this(scaleNum, region, null);
        }

        /** The plan for the region {@code chooser} picks from the {@code width × height} (scaled) image. */
        static Plan chosen(int scaleNum, RegionChooser chooser, int width, int height) {
            Region region = chooser.choose(width, height);
            return new Plan(scaleNum, region, chooser instanceof ResamplingChooser r ? r : null);
        }
    }

    /** Picks the {@link Plan} from the full (unscaled) size in the header. */
    @FunctionalInterface
    interface Planner {
        Plan plan(int width, int height);
    }

    /** The scaled size of a {@code size}-pixel side at {@code scaleNum}/8, as libjpeg computes it (rounded up). */
    static long scaled(long size, int scaleNum) {
        return (size * scaleNum + 7) / 8;
    }

    /**
     * As {@link #decode(Path, long, boolean, int, RegionChooser)}, the scale and region planned by {@code planner}
     * from the full size in the header. The planner is called at most once, and not at all for files this path
     * does not handle (null is returned before), so a planner that draws random numbers draws them once.
     */
    static Image decode(Path path, long maxPixels, boolean strict, Planner planner) throws IOException {
        Origin origin = Origin.of(path);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            checkSize(origin, size);
            MemorySegment data = arena.allocate(size);
            java.nio.ByteBuffer buf = data.asByteBuffer();
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            int read = buf.position();
            long fingerprint = CleanJpegFiles.fingerprint(path, size,
                    Files.getLastModifiedTime(path).to(java.util.concurrent.TimeUnit.NANOSECONDS));
            byte[] head = new byte[3];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, head, 0, Math.min(3, read));
            if (!FormatSniffer.isJpeg(head, Math.min(3, read))) {
                return null;   // not a JPEG: the caller decodes it another way
            }
            return decode(arena, data, read, origin, maxPixels, strict, planner, read == size ? fingerprint : 0);
        }
    }

    /**
     * As {@link #decode(Path, long, boolean, int, int, int, int, int)} for the whole image at full scale, from the JPEG held
     * in {@code bytes} (copied into native memory, as the file's bytes are read into it); errors name
     * {@code origin}. Returns null for colour spaces this path does not handle.
     */
    static Image decode(byte[] bytes, Origin origin, long maxPixels, boolean strict) {
        return decode(bytes, origin, maxPixels, strict, (w, h) -> new Plan(8, null));
    }

    /**
     * As {@link #decode(Path, long, boolean, Planner)}, from the JPEG held in {@code bytes} (copied into native
     * memory, as the file's bytes are read into it); errors name {@code origin}. Bytes are remembered in
     * {@link CleanJpegFiles} by a hash of their content: the first region decode of some bytes reads the whole scan,
     * so the verdict is that of the whole decode, and a later one of the same bytes stops below the region. Returns
     * null for data that is not a JPEG and for colour spaces this path does not handle, without calling the planner.
     */
    static Image decode(byte[] bytes, Origin origin, long maxPixels, boolean strict, Planner planner) {
        checkSize(origin, bytes.length);
        if (!FormatSniffer.isJpeg(bytes, Math.min(3, bytes.length))) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return decode(arena, data, bytes.length, origin, maxPixels, strict, planner,
                    CleanJpegFiles.fingerprint(data, bytes.length));
        }
    }

    /**
     * The tables of the resample that {@code plan}'s resampler asks for, when the {@code width × height} region
     * ({@code width} > 0) of a colour image can be decoded resampled: the native kernels are in use (the same switch
     * as for a separate resample), the library has the call and the resample's rows fit in
     * {@link #RESAMPLED_SCRATCH_LIMIT}; null otherwise, and the region is decoded as asked.
     *
     * @throws IllegalStateException when the tables read outside the region (a defect of the stage that made them)
     */
    private static ResampleTables resampling(Plan plan, Image.Mode mode, int width, int height) {
        if (plan.resampler() == null || width <= 0 || mode != Image.Mode.RGB || LOADED.decodeResampled == null
                || !NativeKernels.available()) {
            return null;
        }
        ResampleTables tables = plan.resampler().resampling();
        if (tables == null) {
            return null;
        }
        if (!tables.readsInside(width, height)) {
            throw new IllegalStateException("the resample tables of " + plan.resampler() + " read outside the "
                    + width + "x" + height + " region they are for");
        }
        // see RESAMPLED_SCRATCH_LIMIT: a very large resample is done apart from the decode
        return (long) (tables.vLast() - tables.vFirst()) * tables.outW() * 3 > RESAMPLED_SCRATCH_LIMIT ? null : tables;
    }

    /** {@code values} copied into {@code arena}: the decode call reads them from native memory. */
    private static MemorySegment ints(Arena arena, int[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, values);
    }

    private static void checkSize(Origin origin, long size) {
        if (size <= 0) {
            throw origin.error("the file is empty");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw origin.error("a JPEG file of " + size + " bytes is too large");
        }
    }

    /**
     * Decodes the {@code read} bytes of JPEG data in {@code data}, allocating its scratch memory in {@code arena}.
     * {@code fingerprint} identifies the file (or the bytes) in {@link CleanJpegFiles} (0: not remembered): a
     * region of a file seen to decode cleanly before is decoded without reading the scan below it; any other decode
     * reads the whole file, and a clean one is remembered.
     */
    private static Image decode(Arena arena, MemorySegment data, long read, Origin origin, long maxPixels,
                                boolean strict, Planner planner, long fingerprint) {
        try {
            MemorySegment msg = arena.allocate(MSG_LEN);
            MemorySegment info = arena.allocate(ValueLayout.JAVA_INT, 5);
            int rc = (int) LOADED.header.invokeExact(data, read, info, msg, MSG_LEN);
            if (rc != OK) {
                throw origin.error("corrupt JPEG header: " + msg.getString(0));
            }
            int w = info.getAtIndex(ValueLayout.JAVA_INT, 0);
            int h = info.getAtIndex(ValueLayout.JAVA_INT, 1);
            int space = info.getAtIndex(ValueLayout.JAVA_INT, 3);
            if (space != JCS_GRAYSCALE && space != JCS_RGB && space != JCS_YCBCR) {
                return null;
            }
            PixelLimit.check(origin, w, h, maxPixels);
            Plan plan = planner.plan(w, h);
            int scaleNum = plan.scaleNum();
            if (scaleNum < 1 || scaleNum > 8) {
                throw new IllegalArgumentException("scale must be 1/8 .. 8/8, but got " + scaleNum + "/8");
            }
            long sw = scaled(w, scaleNum);
            long sh = scaled(h, scaleNum);
            Region region = plan.region();
            int left = region == null ? 0 : region.left();
            int top = region == null ? 0 : region.top();
            int width = region == null ? 0 : region.width();
            int height = region == null ? 0 : region.height();
            int rw = width > 0 ? width : (int) sw;
            int rh = width > 0 ? height : (int) sh;
            if (width > 0 && (left < 0 || top < 0 || height <= 0 || (long) left + width > sw || (long) top + height > sh)) {
                throw origin.error("region " + width + "x" + height + " at (" + left + ", " + top
                        + ") is outside the " + sw + "x" + sh + " image");
            }
            Image.Mode mode = space == JCS_GRAYSCALE ? Image.Mode.L : Image.Mode.RGB;
            ResampleTables tables = resampling(plan, mode, width, rh);
            Image image = tables != null ? Image.empty(mode, tables.outW(), tables.outH())
                    : Image.empty(mode, rw, rh);   // the decoder writes every byte
            MemorySegment out = image.data();
            MemorySegment outInfo = arena.allocate(ValueLayout.JAVA_INT, 5);
            int flags = fingerprint != 0 && width > 0 && CleanJpegFiles.shared().contains(fingerprint)
                    ? STOP_AT_REGION : 0;
            if (tables == null) {
                rc = (int) LOADED.decode.invokeExact(data, read, scaleNum, left, top, width > 0 ? rw : 0,
                        width > 0 ? rh : 0, flags, out, out.byteSize(), outInfo, msg, MSG_LEN);
            } else {
                rc = (int) LOADED.decodeResampled.invokeExact(data, read, scaleNum, left, top, rw, rh, flags,
                        ints(arena, tables.hStart()), ints(arena, tables.hWeights()), ints(arena, tables.vStart()),
                        ints(arena, tables.vCount()), ints(arena, tables.vWeights()),
                        ints(arena, new int[] {tables.hTaps(), tables.outW(), tables.vKsize(), tables.vFirst(),
                                tables.vLast(), tables.outH()}), out, out.byteSize(), outInfo, msg, MSG_LEN);
            }
            if (rc == OK && flags == 0 && fingerprint != 0) {
                CleanJpegFiles.shared().add(fingerprint);
            }
            if (rc == OK || rc == WARNED) {
                int gotW = outInfo.getAtIndex(ValueLayout.JAVA_INT, 2);
                int gotH = outInfo.getAtIndex(ValueLayout.JAVA_INT, 3);
                if (gotW == rw && gotH == rh && outInfo.getAtIndex(ValueLayout.JAVA_INT, 4) == mode.channels()) {
                    if (rc == WARNED && strict) {
                        image.close();
                        throw origin.error(JpegRepairs.strictRefusal("JPEG", msg.getString(0)));
                    }
                    if (tables != null) {
                        plan.resampler().resampled();
                    }
                    return image;
                }
                image.close();
                throw origin.error("the native decoder returned " + gotW + "x" + gotH
                        + " pixels instead of " + rw + "x" + rh);
            }
            image.close();
            if (rc == UNSUPPORTED) {
                return null;
            }
            String m = msg.getString(0);
            throw switch (rc) {
                case TRUNCATED -> origin.error("truncated or corrupt JPEG data: " + m);
                case ERROR -> origin.error("corrupt or truncated JPEG data: " + m);
                case BAD_ARGS, SMALL_BUFFER -> origin.error("native JPEG decoder refused the request: "
                        + m + " (image " + outInfo.getAtIndex(ValueLayout.JAVA_INT, 0) + "x"
                        + outInfo.getAtIndex(ValueLayout.JAVA_INT, 1) + ")");
                default -> origin.error("native JPEG decoder failed with code " + rc + ": " + m);
            };
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native JPEG call failed", t);
        }
    }
}
