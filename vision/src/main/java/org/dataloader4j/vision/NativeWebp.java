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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import org.dataloader4j.vision.internal.NativeAccess;

/**
 * The native WebP path: the system's libwebp ({@code libwebp.so.7}) and, when installed, its demuxer
 * ({@code libwebpdemux.so.2}), called directly through {@code java.lang.foreign} (no C code of ours). It decodes WebP
 * files as PIL 9.4 does, so the pixels are PIL's:
 * <ul>
 *   <li>the mode comes from {@code WebPGetFeatures}: RGBA if the file declares alpha, RGB otherwise;</li>
 *   <li>with libwebpdemux (PIL's own sequence, used for every file): the first frame of a {@code WebPAnimDecoder}
 *       created with default options (RGBA output, fancy upsampling, no threads), composed on a canvas cleared to
 *       transparent black. For a still image that is the image itself; for an animation the first frame placed at
 *       its offset;</li>
 *   <li>without it: still images through {@code WebPDecodeRGBAInto} / {@code WebPDecodeRGBInto} with the same
 *       default options straight into the image's memory (the same pixels, checked by the tests against the first
 *       route on the fixtures and on damaged files); animations are left to the pure-Java reader ({@link #decode}
 *       returns null).</li>
 * </ul>
 * PIL's {@code convert("RGB")} drops the alpha channel, which {@link Image#convert} does too.
 *
 * <p>Loaded once, on first use. If libwebp is missing, older than 0.5, fails a one-pixel self-test, native access is
 * denied, or the {@code dataloader4j.vision.nativeWebp} system property is {@code false}, {@link #available()} is
 * false, {@link #status()} says why, and WebP files are decoded by the pure-Java ImageIO plugin instead
 * ({@code still} leaves only libwebpdemux out).
 * Package-private.
 */
final class NativeWebp {
    /**
     * Set to {@code false} to keep the native path off, or to {@code still} to leave libwebpdemux out (still images
     * through libwebp, animations through the pure-Java reader, as on a system without libwebpdemux).
     */
    static final String PROPERTY = "dataloader4j.vision.nativeWebp";

    /** The major ABI versions this class was written against (decode.h 0x0209 and demux.h 0x0107). */
    private static final int DECODER_ABI = 0x0209;
    private static final int DEMUX_ABI = 0x0107;

    /** WebPBitstreamFeatures: width, height, has_alpha, has_animation, format, then 5 ints of padding. */
    private static final long FEATURES_SIZE = 40;
    /** WebPAnimInfo: canvas_width, canvas_height, loop_count, bgcolor, frame_count, then 4 ints of padding. */
    private static final long ANIM_INFO_SIZE = 36;
    /** WebPData: a pointer and a size_t. */
    private static final long WEBP_DATA_SIZE = 16;

    private static final int NOT_ENOUGH_DATA = 7;
    private static final List<String> STATUS = List.of("VP8_STATUS_OK", "VP8_STATUS_OUT_OF_MEMORY",
            "VP8_STATUS_INVALID_PARAM", "VP8_STATUS_BITSTREAM_ERROR", "VP8_STATUS_UNSUPPORTED_FEATURE",
            "VP8_STATUS_SUSPENDED", "VP8_STATUS_USER_ABORT", "VP8_STATUS_NOT_ENOUGH_DATA");

    /** A lossless 1x1 WebP of the colour (200, 100, 50), written by PIL, for the self-test at load. */
    private static final byte[] SELF_TEST = HexFormat.of().parseHex(
            "524946461e000000574542505650384c110000002f000000000750b22257a6ff8188e87f0000");

    private static final Loaded LOADED = load();

    private record Loaded(MethodHandle features, MethodHandle rgbInto, MethodHandle rgbaInto, Animation animation,
                          String status) {
    }

    /** libwebpdemux's WebPAnimDecoder calls, and the library's name. */
    private record Animation(MethodHandle create, MethodHandle info, MethodHandle next, MethodHandle delete,
                             String library) {
    }

    private NativeWebp() {
    }

    /** True if libwebp is loaded and passed the self-test. */
    static boolean available() {
        return LOADED.rgbaInto != null;
    }

    /** True if libwebpdemux is loaded too, so that every file, animations included, is decoded as PIL does it. */
    static boolean animationAvailable() {
        return available() && LOADED.animation != null;
    }

    /** The libraries and libwebp's version, or why the native path is not available. */
    static String status() {
        return LOADED.status;
    }

    private static Loaded load() {
        NativeAccess.enabled();   // notes the module's native access before its first restricted call
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
            return unavailable("turned off by -D" + PROPERTY + "=false");
        }
        Linker linker = Linker.nativeLinker();
        String step = "libwebp";
        try {
            Library webp = open("libwebp.so.7", "libwebp.so");
            step = "the libwebp symbols";
            MethodHandle version = linker.downcallHandle(webp.lookup().findOrThrow("WebPGetDecoderVersion"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            MethodHandle features = linker.downcallHandle(webp.lookup().findOrThrow("WebPGetFeaturesInternal"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            FunctionDescriptor into = FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
            MethodHandle rgbInto = linker.downcallHandle(webp.lookup().findOrThrow("WebPDecodeRGBInto"), into);
            MethodHandle rgbaInto = linker.downcallHandle(webp.lookup().findOrThrow("WebPDecodeRGBAInto"), into);
            int v = (int) version.invokeExact();
            String versionText = (v >>> 16) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
            if (v < 0x000500) {
                return unavailable("libwebp " + versionText + " (" + webp.name() + ") is older than 0.5.0");
            }
            step = "the self-test";
            Loaded still = new Loaded(features, rgbInto, rgbaInto, null, "");
            String wrong = selfTest(still, false);
            if (wrong != null) {
                return unavailable("libwebp " + versionText + " (" + webp.name() + ") " + wrong);
            }
            String why;
            try {
                if ("still".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
                    throw new IllegalArgumentException("left out by -D" + PROPERTY + "=still");
                }
                Animation animation = animation(linker);
                Loaded full = new Loaded(features, rgbInto, rgbaInto, animation, "libwebp " + versionText + " ("
                        + webp.name() + ", " + animation.library() + "), every file through WebPAnimDecoder as PIL");
                why = selfTest(full, true);
                if (why == null) {
                    return full;
                }
            } catch (RuntimeException | LinkageError e) {
                why = "not loaded: " + e.getMessage();
            }
            return new Loaded(features, rgbInto, rgbaInto, null, "libwebp " + versionText + " (" + webp.name()
                    + "), still images through WebPDecodeRGB(A)Into; libwebpdemux " + why
                    + ", so animations go to the pure-Java reader");
        } catch (IllegalCallerException e) {
            return unavailable(NativeAccess.denied(e));
        } catch (RuntimeException | LinkageError e) {
            return unavailable("could not load " + step + ": " + e);
        } catch (Throwable t) {
            return unavailable("could not call " + step + ": " + t);
        }
    }

    /** libwebpdemux's animation decoder calls. */
    private static Animation animation(Linker linker) {
        Library demux = open("libwebpdemux.so.2", "libwebpdemux.so");
        SymbolLookup l = demux.lookup();
        return new Animation(
                linker.downcallHandle(l.findOrThrow("WebPAnimDecoderNewInternal"), FunctionDescriptor.of(
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT)),
                linker.downcallHandle(l.findOrThrow("WebPAnimDecoderGetInfo"), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)),
                linker.downcallHandle(l.findOrThrow("WebPAnimDecoderGetNext"), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS)),
                linker.downcallHandle(l.findOrThrow("WebPAnimDecoderDelete"),
                        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)),
                demux.name());
    }

    /** Decodes the 1x1 self-test image by one route; null if it gives (200, 100, 50), otherwise what went wrong. */
    private static String selfTest(Loaded lib, boolean viaAnimationDecoder) {
        try (Image img = decode(SELF_TEST, Origin.named("the self-test image"), 1, lib, viaAnimationDecoder)) {
            byte[] px = img.toByteArray();
            if (img.mode() != Image.Mode.RGB || px.length != 3 || (px[0] & 0xFF) != 200 || (px[1] & 0xFF) != 100
                    || (px[2] & 0xFF) != 50) {
                return "decoded the 1x1 self-test image to " + img.mode() + " " + HexFormat.of().formatHex(px)
                        + " instead of RGB c86432";
            }
            return null;
        } catch (RuntimeException e) {
            return "failed the self-test: " + e.getMessage();
        }
    }

    private static Loaded unavailable(String why) {
        return new Loaded(null, null, null, null, why);
    }

    private record Library(SymbolLookup lookup, String name) {
    }

    /** The first of {@code names} that the dynamic linker finds. */
    private static Library open(String... names) {
        IllegalArgumentException last = null;
        for (String name : names) {
            try {
                return new Library(SymbolLookup.libraryLookup(name, Arena.global()), name);
            } catch (IllegalArgumentException e) {
                last = e;
            }
        }
        throw new IllegalArgumentException("none of " + String.join(", ", names) + " is installed"
                + " (Debian: apt-get install libwebp7 libwebpdemux2)", last);
    }

    /**
     * Decodes the WebP file at {@code path} as PIL does (see the class comment): RGB, or RGBA when the file declares
     * alpha; null for an animation when libwebpdemux is not loaded (the caller decodes it in pure Java).
     *
     * @throws ImageDecodeException naming the file if libwebp cannot decode it or it exceeds {@code maxPixels}
     */
    static Image decode(Path path, long maxPixels) throws IOException {
        Origin origin = Origin.of(path);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            checkSize(origin, size);
            MemorySegment data = arena.allocate(size);
            java.nio.ByteBuffer buf = data.asByteBuffer();
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read to the end
            }
            return decode(arena, data.asSlice(0, buf.position()), origin, maxPixels, LOADED,
                    LOADED.animation != null);
        }
    }

    /** As {@link #decode(Path, long)}, for a WebP file held in {@code bytes}; errors name {@code origin}. */
    static Image decode(byte[] bytes, Origin origin, long maxPixels) {
        return decode(bytes, origin, maxPixels, LOADED, LOADED.animation != null);
    }

    /**
     * As {@link #decode(byte[], Origin, long)} by the route chosen: PIL's animation decoder ({@code true}; needs
     * {@link #animationAvailable()}), or the still-image calls ({@code false}, null for an animation). For tests
     * that compare the two routes.
     */
    static Image decode(byte[] bytes, Origin origin, long maxPixels, boolean viaAnimationDecoder) {
        return decode(bytes, origin, maxPixels, LOADED, viaAnimationDecoder);
    }

    private static Image decode(byte[] bytes, Origin origin, long maxPixels, Loaded lib, boolean viaAnimationDecoder) {
        checkSize(origin, bytes.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return decode(arena, data, origin, maxPixels, lib, viaAnimationDecoder);
        }
    }

    /**
     * What the WebP file in {@code in} declares, as PIL's {@code Image.open} sees it (the canvas of an animation, RGBA
     * when the file declares alpha), from {@code WebPGetFeatures} on the start of the file; null if {@code in} does
     * not hold a WebP file. The stream is left at its start.
     *
     * @throws ImageDecodeException naming {@code origin} if libwebp cannot read the header, or the image exceeds
     *                              {@code maxPixels}
     */
    static ImageHeader header(Origin origin, javax.imageio.stream.ImageInputStream in, long maxPixels)
            throws IOException {
        try {
            in.seek(0);
            byte[] head = new byte[12];
            int n = in.read(head);
            if (!FormatSniffer.isWebp(head, Math.max(n, 0))) {
                return null;
            }
            long length = in.length();
            int take = (int) (length < 0 ? 1 << 16 : Math.min(length, 1 << 16));
            for (int attempt = 0; ; attempt++) {
                byte[] bytes = new byte[take];
                in.seek(0);
                int got = 0;
                for (int r; got < take && (r = in.read(bytes, got, take - got)) > 0; ) {
                    got += r;
                }
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment data = arena.allocate(got);
                    MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, got);
                    MemorySegment features = arena.allocate(FEATURES_SIZE, 8);
                    int status = (int) LOADED.features.invokeExact(data, (long) got, features, DECODER_ABI);
                    if (status == NOT_ENOUGH_DATA && attempt == 0 && length > take && length <= Integer.MAX_VALUE - 8) {
                        take = (int) length;   // large metadata chunks before the image: read the whole file once
                        continue;
                    }
                    if (status != 0) {
                        throw origin.error("corrupt or unsupported WEBP data: libwebp cannot read its header ("
                                + statusName(status) + ")");
                    }
                    int width = features.get(ValueLayout.JAVA_INT, 0);
                    int height = features.get(ValueLayout.JAVA_INT, 4);
                    PixelLimit.check(origin, width, height, maxPixels);
                    boolean alpha = features.get(ValueLayout.JAVA_INT, 8) != 0;
                    return new ImageHeader("WEBP", ImageHeader.modeName(alpha ? 4 : 3), width, height);
                }
            }
        } catch (RuntimeException | Error | IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native WebP call failed", t);
        } finally {
            in.seek(0);
        }
    }

    private static void checkSize(Origin origin, long size) {
        if (size <= 0) {
            throw origin.error("the file is empty");
        }
    }

    /**
     * The features (mode, size, animation), the pixel limit, then the image by the chosen route; null for an
     * animation on the still-image route.
     */
    private static Image decode(Arena arena, MemorySegment data, Origin origin, long maxPixels, Loaded lib,
                                boolean viaAnimationDecoder) {
        if (lib.rgbaInto == null || (viaAnimationDecoder && lib.animation == null)) {
            throw new IllegalStateException("the native WebP path is not available: " + lib.status);
        }
        try {
            MemorySegment features = arena.allocate(FEATURES_SIZE, 8);
            int status = (int) lib.features.invokeExact(data, data.byteSize(), features, DECODER_ABI);
            if (status != 0) {
                throw origin.error("corrupt or unsupported WEBP data: libwebp cannot read its header ("
                        + statusName(status) + ")");
            }
            int width = features.get(ValueLayout.JAVA_INT, 0);
            int height = features.get(ValueLayout.JAVA_INT, 4);
            boolean alpha = features.get(ValueLayout.JAVA_INT, 8) != 0;
            boolean animated = features.get(ValueLayout.JAVA_INT, 12) != 0;
            PixelLimit.check(origin, width, height, maxPixels);   // before libwebp allocates anything
            if (viaAnimationDecoder) {
                return firstFrame(arena, data, origin, lib.animation, width, height, alpha, animated);
            }
            if (animated) {
                return null;
            }
            Image image = Image.empty(alpha ? Image.Mode.RGBA : Image.Mode.RGB, width, height);
            MemorySegment out = image.data();
            MethodHandle into = alpha ? lib.rgbaInto : lib.rgbInto;
            MemorySegment written = (MemorySegment) into.invokeExact(data, data.byteSize(), out, out.byteSize(),
                    width * image.channels());
            if (written.equals(MemorySegment.NULL)) {
                image.close();
                throw origin.error("corrupt or truncated WEBP data: libwebp cannot decode the image");
            }
            return image;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native WebP call failed", t);
        }
    }

    /** PIL's route: the first frame of a WebPAnimDecoder with default options, on its RGBA canvas. */
    private static Image firstFrame(Arena arena, MemorySegment data, Origin origin, Animation lib, int width,
                                    int height, boolean alpha, boolean animated) throws Throwable {
        MemorySegment webpData = arena.allocate(WEBP_DATA_SIZE, 8);
        webpData.set(ValueLayout.ADDRESS, 0, data);
        webpData.set(ValueLayout.JAVA_LONG, 8, data.byteSize());
        MemorySegment decoder = (MemorySegment) lib.create.invokeExact(webpData, MemorySegment.NULL, DEMUX_ABI);
        if (decoder.equals(MemorySegment.NULL)) {
            throw origin.error("corrupt or truncated WEBP data: libwebp's demuxer cannot read the file"
                    + (animated ? " (an animation)" : ""));
        }
        try {
            MemorySegment info = arena.allocate(ANIM_INFO_SIZE, 4);
            if ((int) lib.info.invokeExact(decoder, info) == 0) {
                throw origin.error("corrupt WEBP data: libwebp cannot describe the file");
            }
            int canvasWidth = info.get(ValueLayout.JAVA_INT, 0);
            int canvasHeight = info.get(ValueLayout.JAVA_INT, 4);
            if (canvasWidth != width || canvasHeight != height) {
                throw origin.error("inconsistent WEBP file: the header says " + width + "x" + height
                        + " but the demuxer's canvas is " + Integer.toUnsignedString(canvasWidth) + "x"
                        + Integer.toUnsignedString(canvasHeight));
            }
            MemorySegment frame = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment timestamp = arena.allocate(ValueLayout.JAVA_INT);
            if ((int) lib.next.invokeExact(decoder, frame, timestamp) == 0) {
                throw origin.error("corrupt or truncated WEBP data: libwebp cannot decode the "
                        + (animated ? "first frame" : "image"));
            }
            MemorySegment canvas = frame.get(ValueLayout.ADDRESS, 0).reinterpret((long) width * height * 4);
            return fromCanvas(canvas, width, height, alpha);
        } finally {
            lib.delete.invokeExact(decoder);
        }
    }

    /** The RGBA canvas as an RGBA image, or as RGB when the file declares no alpha (PIL's "RGBX" raw mode). */
    private static Image fromCanvas(MemorySegment canvas, int width, int height, boolean alpha) {
        if (alpha) {
            Image image = Image.empty(Image.Mode.RGBA, width, height);
            MemorySegment.copy(canvas, 0, image.data(), 0, canvas.byteSize());
            return image;
        }
        Image image = Image.empty(Image.Mode.RGB, width, height);
        MemorySegment out = image.data();
        byte[] row = new byte[width * 4];
        byte[] rgb = new byte[width * 3];
        for (int y = 0; y < height; y++) {
            MemorySegment.copy(canvas, ValueLayout.JAVA_BYTE, (long) y * width * 4, row, 0, row.length);
            for (int x = 0, i = 0, o = 0; x < width; x++, i += 4, o += 3) {
                rgb[o] = row[i];
                rgb[o + 1] = row[i + 1];
                rgb[o + 2] = row[i + 2];
            }
            MemorySegment.copy(rgb, 0, out, ValueLayout.JAVA_BYTE, (long) y * width * 3, rgb.length);
        }
        return image;
    }

    private static String statusName(int status) {
        return status >= 0 && status < STATUS.size() ? STATUS.get(status) : "status " + status;
    }
}
