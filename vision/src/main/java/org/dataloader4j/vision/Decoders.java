package org.dataloader4j.vision;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.dataloader4j.vision.internal.NativeAccess;
import org.dataloader4j.vision.internal.NativeKernels;

/**
 * Decodes image files, or image bytes held in memory ({@link #decode(byte[], String)}), into {@link Image}s with
 * pure Java: {@code javax.imageio} for JPEG (baseline and
 * progressive), PNG (8 and 16 bit, gray, palette, alpha), BMP and TIFF; the TwelveMonkeys ImageIO plugins for
 * CMYK/YCCK JPEG and WebP; and a small reader of binary PGM/PPM (P5, P6, any maxval). The format is recognised
 * from the file's content, not its name. Pixels come out as PIL opens them (see {@link #decode(Path)}).
 *
 * <p>Gray, RGB and YCbCr JPEGs go through a native fast path instead when it is available: a small C library
 * ({@code src/main/c/dl4j_jpeg.c}, built with the module when gcc and the libjpeg-turbo headers are installed)
 * over the system's libjpeg-turbo, called through {@code java.lang.foreign}. It gives the same pixels as PIL (which
 * uses libjpeg-turbo too) and can decode just a region ({@link #decodeRegion}). {@link #describe()} says whether
 * it is in use and, if not, why.
 *
 * <p>WebP files go through the system's libwebp when it is installed ({@code libwebp.so.7} and
 * {@code libwebpdemux.so.2}, called through {@code java.lang.foreign} with the same calls PIL makes), so lossy WebP
 * gives PIL's pixels too; without it, or with {@link #withNativeWebp withNativeWebp(false)}, the pure-Java plugin
 * decodes them.
 *
 * <p>Damaged JPEGs load or fail as PIL loads them: data that runs out before the last row is refused as truncated;
 * corrupt data that libjpeg repairs (entropy-coded data that ends early before a marker, "premature end of data
 * segment", and the like) is kept with libjpeg's repair, PIL's pixels, unless {@link #withStrictJpeg} asks for a
 * refusal. Whole, region and scaled decodes of a file give the same verdict. The pure-Java path refuses a damaged
 * progressive JPEG, whose repair it cannot reproduce (see the module's README).
 *
 * <p>Every failure is an {@link ImageDecodeException} naming the file and what was wrong: missing or unreadable
 * file, empty file, unknown format, corrupt or truncated data (including a PNG chunk before the image data whose
 * CRC is wrong, which PIL refuses too: see {@code PngChunkCheck}), or an image larger than the pixel limit. The limit
 * is checked against the size in the file's header before any pixel memory is allocated; the default is PIL's
 * decompression-bomb error threshold, {@code 2 × 89,478,485} pixels.
 *
 * <p>Instances are immutable and safe to share between threads. This class holds the options and picks the decoder
 * for each file; the work is done by {@code FormatSniffer} (the format from the magic bytes), {@code NativeJpeg},
 * {@code NativeWebp}, {@code PnmReader} and {@code ImageIODecoding} (the pure-Java path), with the results and
 * requests as top-level values: {@link ImageHeader}, {@link Region}, {@link RegionChooser}, {@link ScaledRequest},
 * {@link ScaledChooser} and {@link ScaledRegion}.
 *
 * <pre>{@code
 * try (Image img = Decoders.standard().decode(Path.of("cat.jpg"), Image.Mode.RGB)) { ... }
 * try (Image img = Decoders.standard().decode(bytes, "shard-000.tar:cat.jpg", Image.Mode.RGB)) { ... }
 * Decoders small = Decoders.standard().withMaxPixels(10_000_000);
 * System.out.println(Decoders.describe());
 * }</pre>
 */
public final class Decoders {
    /** PIL's {@code Image.MAX_IMAGE_PIXELS} (89,478,485) times two: above this PIL raises DecompressionBombError. */
    public static final long DEFAULT_MAX_PIXELS = 2L * 89_478_485L;

    private static final Decoders STANDARD = new Decoders(DEFAULT_MAX_PIXELS, true, false, true, false);

    static {
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;
    private final boolean nativeJpeg;
    private final boolean dctScaling;
    private final boolean nativeWebp;
    private final boolean strictJpeg;

    private Decoders(long maxPixels, boolean nativeJpeg, boolean dctScaling, boolean nativeWebp, boolean strictJpeg) {
        this.maxPixels = maxPixels;
        this.nativeJpeg = nativeJpeg;
        this.dctScaling = dctScaling;
        this.nativeWebp = nativeWebp;
        this.strictJpeg = strictJpeg;
    }

    /**
     * The decoder with the default pixel limit.
     *
     * @return the shared standard decoder
     */
    public static Decoders standard() {
        return STANDARD;
    }

    /**
     * A decoder that refuses images of more than {@code maxPixels} pixels (width × height).
     *
     * @param maxPixels the largest number of pixels to accept
     * @return a decoder with this option set and the others as in this one
     * @throws IllegalArgumentException if {@code maxPixels} is not positive
     */
    public Decoders withMaxPixels(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, but got maxPixels=" + maxPixels);
        }
        return new Decoders(maxPixels, nativeJpeg, dctScaling, nativeWebp, strictJpeg);
    }

    /**
     * A decoder that uses the native libjpeg-turbo path for JPEG files when it is available ({@code true}, the
     * default) or always the pure-Java decoders ({@code false}). Both give PIL's pixels for gray and colour JPEGs.
     *
     * @param enabled whether the native JPEG path may be used
     * @return a decoder with this option set and the others as in this one
     */
    public Decoders withNativeJpeg(boolean enabled) {
        return new Decoders(maxPixels, enabled, dctScaling, nativeWebp, strictJpeg);
    }

    /**
     * A decoder whose fused decode-and-resize paths ({@link #decodeScaled}, and through it
     * {@code RandomResizedCrop.decoding(decoders)} and {@code Resize.decoding(decoders)}) may decode a JPEG at a
     * reduced DCT scale {@code n/8} ({@code true}), or always at full size ({@code false}, the default).
     *
     * <p><b>Off by default because the pixels differ</b>: libjpeg's scaled inverse DCT is a different downscaling
     * filter from PIL's antialiased resize, so the output is close to, but not the same as, torchvision's (measured
     * in the module's README: for {@code RandomResizedCrop(224)} on ImageNet-like photos, on the images it scales,
     * a mean absolute difference of about 0.9 uint8 steps, at most 37). The random parameters (crop boxes) are the
     * same either way. Plain {@link #decode} and
     * {@link #decodeRegion} are never scaled. Without the native JPEG path (or for files it does not handle:
     * PNG, CMYK JPEG, ...) the option has no effect and the exact path is used.
     *
     * <pre>{@code
     * Decoders fast = Decoders.standard().withDctScaling(true);
     * SampleTransform<Path, Image> crop = new RandomResizedCrop(224).decoding(fast);
     * }</pre>
     *
     * @param enabled whether fused decode-and-resize paths may decode at a reduced DCT scale
     * @return a decoder with this option set and the others as in this one
     */
    public Decoders withDctScaling(boolean enabled) {
        return new Decoders(maxPixels, nativeJpeg, enabled, nativeWebp, strictJpeg);
    }

    /**
     * A decoder that refuses JPEGs with corrupt data that libjpeg repairs ({@code true}), or loads them with
     * libjpeg's repair as PIL does ({@code false}, the default). The typical case is a file whose entropy-coded data
     * ends early but that still has an end marker ("Corrupt JPEG data: premature end of data segment"): libjpeg
     * fills the missing blocks with flat gray, and PIL (torchvision's loader) opens the file with those pixels; so
     * do the default decoders, with the same pixels. Other repaired damage (extraneous bytes before a marker, a bad
     * Huffman code, data ending after the last row) is treated alike. Either way, a JPEG cut off before its last
     * row is refused as truncated, as PIL refuses it, and every way of decoding a file (whole, a region, a
     * {@linkplain #withDctScaling scaled} region) gives the same verdict. {@code dataloader4j info --full} lists
     * the files this option refuses.
     *
     * <pre>{@code
     * DatasetFolder<Image> clean = ImageFolder.builder(root, Decoders.standard().withStrictJpeg(true)).build();
     * }</pre>
     *
     * @param enabled whether JPEGs that libjpeg repairs are refused
     * @return a decoder with this option set and the others as in this one
     */
    public Decoders withStrictJpeg(boolean enabled) {
        return new Decoders(maxPixels, nativeJpeg, dctScaling, nativeWebp, enabled);
    }

    /**
     * True if JPEGs with corrupt data that libjpeg repairs are refused (see {@link #withStrictJpeg}).
     *
     * @return whether strict JPEG decoding is on
     */
    public boolean strictJpeg() {
        return strictJpeg;
    }

    /**
     * True if fused decode-and-resize paths may decode at a reduced DCT scale (see {@link #withDctScaling}).
     *
     * @return whether DCT scaling is on
     */
    public boolean dctScaling() {
        return dctScaling;
    }

    /**
     * True if this decoder decodes gray, RGB and YCbCr JPEGs natively: enabled and the library is loaded.
     *
     * @return whether JPEGs go through libjpeg-turbo
     */
    public boolean usesNativeJpeg() {
        return nativeJpeg && NativeJpeg.available();
    }

    /**
     * A decoder that decodes WebP files with the system's libwebp when it is available ({@code true}, the default:
     * PIL's pixels, also for lossy files and the first frame of animations), or always with the pure-Java ImageIO
     * plugin ({@code false}: lossless files give PIL's pixels, lossy ones differ by a few levels on average).
     *
     * @param enabled whether libwebp may be used
     * @return a decoder with this option set and the others as in this one
     */
    public Decoders withNativeWebp(boolean enabled) {
        return new Decoders(maxPixels, nativeJpeg, dctScaling, enabled, strictJpeg);
    }

    /**
     * True if this decoder decodes WebP files with libwebp: enabled and the library is loaded.
     *
     * @return whether WebP files go through libwebp
     */
    public boolean usesNativeWebp() {
        return nativeWebp && NativeWebp.available();
    }

    /**
     * The largest number of pixels this decoder accepts.
     *
     * @return the pixel limit
     */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes with the {@linkplain #standard() standard decoder} and converts to RGB, like torchvision's
     * {@code pil_loader}.
     *
     * @param path the image file
     * @return the image in RGB mode
     */
    public static Image decodeRGB(Path path) {
        return STANDARD.decode(path, Image.Mode.RGB);
    }

    /**
     * Decodes {@code path} into the mode closest to what PIL opens: L for gray, RGB, or RGBA when the file has an
     * alpha channel or a palette with transparency (gray with alpha becomes RGBA). 16-bit RGB keeps the high byte of
     * each sample; 16-bit gray PNG/TIFF and PGM with maxval above 255 are clipped at 255, as PIL's conversion of
     * its 32-bit mode to 8 bits does; CMYK and YCCK JPEGs are converted to RGB with PIL's formula.
     *
     * @param path the image file
     * @return the decoded image, in the mode PIL opens
     * @throws ImageDecodeException naming the file and the problem
     */
    public Image decode(Path path) {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            throw new ImageDecodeException(path, "it is a directory, not a file");
        }
        try (ImageInputStream in = new FileImageInputStream(path.toFile())) {
            return decode(Origin.of(path), in, null, path);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ImageDecodeException(path, "no such file or it cannot be opened (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ImageDecodeException(path, "cannot read the file: " + e, e);
        }
    }

    /**
     * Reads only what {@code path}'s header says (format, pixel mode and size, see {@link ImageHeader}), with the
     * same checks before any pixel as {@link #decode(Path)} (empty file, corrupt header, invalid size, the pixel
     * limit); a truncated file with an intact header passes. Files ImageIO cannot describe (PGM/PPM, or not an
     * image) are decoded in full, so the verdict is the decoder's.
     *
     * @param path the image file
     * @return what the file's header declares
     * @throws ImageDecodeException naming the file and the problem
     */
    public ImageHeader header(Path path) {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            throw new ImageDecodeException(path, "it is a directory, not a file");
        }
        Origin origin = Origin.of(path);
        try (ImageInputStream in = new FileImageInputStream(path.toFile())) {
            if (in.length() == 0) {
                throw origin.error("the file is empty");
            }
            PngChunkCheck.check(origin, in);
            if (!usesNativeWebp() || !NativeWebp.animationAvailable()) {
                WebpFallbackCheck.check(origin, in);   // what decode refuses before the pure-Java reader
            }
            ImageHeader webp = usesNativeWebp() ? NativeWebp.header(origin, in, maxPixels) : null;   // null: not WebP
            if (webp != null) {
                return webp;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                try (Image image = decode(path)) {
                    return new ImageHeader(FormatSniffer.pnmFormat(path), ImageHeader.modeName(image.channels()),
                            image.width(), image.height());
                }
            }
            return ImageIODecoding.header(origin, in, readers.next(), maxPixels);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ImageDecodeException(path, "no such file or it cannot be opened (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ImageDecodeException(path, "cannot read the file: " + e, e);
        }
    }

    /**
     * Decodes an image held in memory exactly as {@link #decode(Path)} decodes a file of the same bytes: the same
     * formats, pixels, mode, pixel limit and errors, with {@code name} (where the bytes come from, such as
     * {@code "shard-000.tar:cat.jpg"}) in place of the path in error messages. Nothing is written to disk.
     *
     * <pre>{@code
     * try (Image img = Decoders.standard().decode(bytes, "shard-000.tar:cat.jpg")) { ... }
     * }</pre>
     *
     * @param bytes the whole image file
     * @param name  where the bytes come from, for error messages
     * @return the decoded image, in the mode PIL opens
     * @throws ImageDecodeException naming {@code name} and the problem ({@link ImageDecodeException#path()} is null)
     */
    public Image decode(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes");
        Origin origin = Origin.named(name);
        try (ImageInputStream in = new BytesInputStream(bytes)) {
            return decode(origin, in, bytes, null);
        } catch (IOException e) {
            throw origin.error("cannot read the file: " + e, e);
        }
    }

    /**
     * Decodes {@code bytes} as {@link #decode(byte[], String)} and converts them to {@code mode} as
     * {@link Image#convert}.
     *
     * @param bytes the whole image file
     * @param name  where the bytes come from, for error messages
     * @param mode  the mode to convert to
     * @return the decoded image in {@code mode}
     */
    public Image decode(byte[] bytes, String name, Image.Mode mode) {
        Objects.requireNonNull(mode, "mode");
        return converted(decode(bytes, name), mode);
    }

    /**
     * An in-memory image stream that reports its length, as a file stream does (a plain
     * {@link MemoryCacheImageInputStream} reports -1), so the readers and the RIFF length check see the same stream.
     */
    private static final class BytesInputStream extends MemoryCacheImageInputStream {
        private final long length;

        BytesInputStream(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
            this.length = bytes.length;
        }

        @Override
        public long length() {
            return length;
        }
    }

    /**
     * The decode shared by files and bytes: {@code in} reads the data from its start; {@code bytes} holds all of
     * it when it comes from memory, {@code path} is the file otherwise (for the native JPEG and PNM readers).
     */
    private Image decode(Origin origin, ImageInputStream in, byte[] bytes, Path path) throws IOException {
        byte[] head = FormatSniffer.readHead(in);
        if (head.length == 0) {
            throw origin.error("the file is empty");
        }
        if (usesNativeJpeg() && FormatSniffer.isJpeg(head, head.length)) {
            Image image = bytes != null ? NativeJpeg.decode(bytes, origin, maxPixels, strictJpeg)
                    : NativeJpeg.decode(path, maxPixels, strictJpeg, 8, 0, 0, 0, 0);
            if (image != null) {
                return image;
            }   // CMYK, YCCK and other colour spaces: the Java path below
        }
        if (FormatSniffer.isPnm(head, head.length)) {
            return bytes != null ? PnmReader.read(bytes, origin, maxPixels) : PnmReader.read(path, maxPixels);
        }
        FormatSniffer.checkRiffLength(origin, in, head);
        if (FormatSniffer.isWebp(head, head.length)) {
            Image image = !usesNativeWebp() ? null
                    : bytes != null ? NativeWebp.decode(bytes, origin, maxPixels) : NativeWebp.decode(path, maxPixels);
            if (image != null) {
                return image;
            }   // no libwebp, or an animation without libwebpdemux: the pure-Java reader below
            WebpFallbackCheck.check(origin, in);   // what the pure-Java reader would get wrong is refused
        }
        PngChunkCheck.check(origin, in);   // leaves the stream at its start
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw origin.error("not an image in a supported format (JPEG, PNG, BMP, TIFF, WebP,"
                    + " PGM/PPM); the file starts with bytes "
                    + FormatSniffer.hex(head));
        }
        return ImageIODecoding.read(origin, in, readers.next(), maxPixels, strictJpeg);
    }

    /**
     * The DCT scale numerator {@code n} (1..8) used for a {@code regionWidth × regionHeight} region that will be
     * resized to at least {@code minWidth × minHeight}: the smallest {@code n} (the strongest reduction) for which
     * the region scaled by {@code n/8} is still at least {@code minWidth × minHeight}, that is
     * {@code regionWidth · n ≥ 8 · minWidth} and {@code regionHeight · n ≥ 8 · minHeight}; 8 when none smaller fits
     * (the region is less than 8/7 of the target in some dimension, or the target is an upscale).
     *
     * <pre>{@code
     * Decoders.dctScale(500, 400, 224, 224);   // 5: at 4/8 the region would be 250 x 200, at 5/8 312.5 x 250
     * Decoders.dctScale(250, 250, 224, 224);   // 8: no reduction leaves 224 x 224
     * }</pre>
     *
     * @param regionWidth  the region's width in full-size pixels
     * @param regionHeight the region's height in full-size pixels
     * @param minWidth     the width the region will be resized to
     * @param minHeight    the height the region will be resized to
     * @return the scale numerator, 1 to 8
     */
    public static int dctScale(int regionWidth, int regionHeight, int minWidth, int minHeight) {
        for (int n = 1; n < 8; n++) {
            if ((long) regionWidth * n >= 8L * minWidth && (long) regionHeight * n >= 8L * minHeight) {
                return n;
            }
        }
        return 8;
    }

    /**
     * Decodes the region {@code chooser} picks, at the strongest DCT scale {@link #dctScale} allows for the
     * request's target size, when {@linkplain #withDctScaling DCT scaling} is on and the file is a gray or colour
     * JPEG on the native path; otherwise exactly as {@link #decodeRegion(Path, RegionChooser)} (scale 8/8). The
     * chooser is called exactly once, with the full image size, whichever path is taken. The caller resizes
     * {@link ScaledRegion#image()}'s box to the target size.
     *
     * <pre>{@code
     * Decoders d = Decoders.standard().withDctScaling(true);
     * try (ScaledRegion r = d.decodeScaled(path,
     *         (w, h) -> new ScaledRequest(new Region(0, 0, h, w), 224, 224))) {
     *     System.out.println(r.scaleNum() + "/8: " + r.image());
     * }
     * }</pre>
     *
     * @param path    the image file
     * @param chooser picks the region and the target size from the full image size
     * @return the decoded pixels and where the region lies in them
     * @throws ImageDecodeException naming the file if it cannot be decoded or the region is not inside the image
     */
    public ScaledRegion decodeScaled(Path path, ScaledChooser chooser) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(chooser, "chooser");
        Region[] full = new Region[1];
        if (dctScaling && usesNativeJpeg() && !Files.isDirectory(path)) {
            ScaledBox[] planned = new ScaledBox[1];
            Image image;
            try {
                image = NativeJpeg.decode(path, maxPixels, strictJpeg, (w, h) -> {
                    ScaledRequest rq = Objects.requireNonNull(chooser.choose(w, h), "the chooser returned null");
                    Region r = rq.region() == null ? new Region(0, 0, h, w) : rq.region();
                    full[0] = r;
                    RegionCrop.checkInside(path, r, w, h);
                    int n = dctScale(r.width(), r.height(), rq.minWidth(), rq.minHeight());
                    planned[0] = ScaledBox.of(r, w, h, n);
                    return planned[0].plan();
                });
            } catch (IOException e) {
                image = null;   // the exact path below reports the problem
            }
            if (image != null) {
                ScaledBox box = planned[0];
                return new ScaledRegion(image, box.plan().scaleNum(), full[0], box.left(), box.top(), box.right(),
                        box.bottom());
            }
            // not a JPEG handled natively (PNG, CMYK, ...): the chooser was not called, the exact path below calls it
        }
        Image image = decodeRegion(path, (w, h) -> {
            ScaledRequest rq = Objects.requireNonNull(chooser.choose(w, h), "the chooser returned null");
            full[0] = rq.region() == null ? new Region(0, 0, h, w) : rq.region();
            return rq.region();
        });
        return new ScaledRegion(image, 8, full[0], 0, 0, image.width(), image.height());
    }

    /**
     * The {@code height × width} region at row {@code top}, column {@code left} of the image {@link #decode(Path)}
     * gives, with exactly its pixels. For gray and colour JPEGs on the native path only the rows down to the
     * region's bottom are decoded, and only the columns around it are colour-converted; other files are decoded
     * whole and cropped.
     *
     * @param path   the image file
     * @param top    the region's first row
     * @param left   the region's first column
     * @param height the number of rows
     * @param width  the number of columns
     * @return the region's pixels, in the mode {@link #decode(Path)} gives
     * @throws IllegalArgumentException for a non-positive size or a negative origin
     * @throws ImageDecodeException     naming the file if it cannot be decoded or the region is not inside the image
     */
    public Image decodeRegion(Path path, int top, int left, int height, int width) {
        Region region = new Region(top, left, height, width);
        return decodeRegion(path, (w, h) -> region);
    }

    /**
     * Decodes the region that {@code chooser} picks from the image's size (as {@link #decode(Path)} gives the image),
     * with exactly the pixels of decoding the whole image and cropping. On the native JPEG path the size comes from
     * the header and only the region is decoded; this is how {@code RandomResizedCrop} decodes just its crop.
     *
     * @param path    the image file
     * @param chooser picks the region from the image's size
     * @return the region's pixels (the whole image when the chooser returns null)
     * @throws ImageDecodeException naming the file if it cannot be decoded or the region is not inside the image
     */
    public Image decodeRegion(Path path, RegionChooser chooser) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(chooser, "chooser");
        if (usesNativeJpeg() && !Files.isDirectory(path)) {
            Image image;
            try {
                image = NativeJpeg.decode(path, maxPixels, strictJpeg, 8, chooser);   // null: not a JPEG it handles
            } catch (IOException e) {
                image = null;   // decode(path) below reports the problem
            }
            if (image != null) {
                return image;
            }
        }
        Image whole = decode(path);
        Region r = chooser.choose(whole.width(), whole.height());
        if (r == null) {
            return whole;
        }
        return RegionCrop.crop(path, whole, r);
    }

    /**
     * Decodes the region that {@code chooser} picks from an image held in memory, exactly as
     * {@link #decodeRegion(Path, RegionChooser)} decodes a file of the same bytes: the same pixels (those of
     * {@link #decode(byte[], String)} cropped), the same single call of the chooser with the same size, and the same
     * errors, with {@code name} in place of the path. On the native JPEG path the size comes from the header and only
     * the rows down to the region are decoded to pixels; the rest of the scan is still entropy-decoded, so damaged
     * data gets the verdict of the whole decode. Bytes seen to decode cleanly are remembered (by a hash of their
     * content), so that a later region decode of the same bytes stops below the region, as for a file.
     *
     * <pre>{@code
     * Image centre = Decoders.standard().decodeRegion(bytes, "shard-000.tar:cat.jpg",
     *         (w, h) -> new Region(h / 4, w / 4, h / 2, w / 2));
     * }</pre>
     *
     * @param bytes   the whole image file
     * @param name    where the bytes come from, for error messages
     * @param chooser picks the region from the image's size
     * @return the region's pixels, in the mode {@link #decode(byte[], String)} gives (the whole image when the
     *         chooser returns null)
     * @throws ImageDecodeException naming {@code name} if the bytes cannot be decoded or the region is not inside
     *                              the image
     */
    public Image decodeRegion(byte[] bytes, String name, RegionChooser chooser) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(chooser, "chooser");
        Origin origin = Origin.named(name);
        if (usesNativeJpeg() && bytes.length > 0) {
            Image image = NativeJpeg.decode(bytes, origin, maxPixels, strictJpeg,
                    (w, h) -> NativeJpeg.Plan.chosen(8, chooser, w, h));
            if (image != null) {
                return image;
            }   // not a JPEG, or CMYK/YCCK: the chooser was not called, the whole decode below calls it
        }
        Image whole = decode(bytes, name);
        Region r;
        try {
            r = chooser.choose(whole.width(), whole.height());
        } catch (RuntimeException | Error e) {
            whole.close();
            throw e;
        }
        if (r == null) {
            return whole;
        }
        return RegionCrop.crop(origin, whole, r);
    }

    /**
     * Decodes {@code path} and converts it to {@code mode} as PIL's {@code convert} does (see {@link Image#convert}).
     *
     * @param path the image file
     * @param mode the mode to convert to
     * @return the decoded image in {@code mode}
     */
    public Image decode(Path path, Image.Mode mode) {
        Objects.requireNonNull(mode, "mode");
        return converted(decode(path), mode);
    }

    private static Image converted(Image image, Image.Mode mode) {
        if (image.mode() == mode) {
            return image;
        }
        try (image) {
            return image.convert(mode);
        }
    }

    /**
     * Which decoder handles each format and whether the native JPEG path is in use, and if not why, for example
     * {@code "pure Java (javax.imageio): JPEG -> com.twelvemonkeys...JPEGImageReader, PNG -> ...; PGM/PPM -> ...;
     * native libjpeg-turbo path: in use for gray, RGB and YCbCr JPEG ... (loaded /tmp/libdl4jjpeg123.so); WebP: native
     * libwebp 1.2.4 (libwebp.so.7, libwebpdemux.so.2) through java.lang.foreign, ..."}.
     * {@link #standard()} uses the native paths when they are available; {@link #withNativeJpeg} and
     * {@link #withNativeWebp} turn them off. The last part says whether the JVM grants this module native access:
     * enabled, not enabled (JDK 25 then prints a restricted-method warning when the native decoders load; the line
     * names the {@code --enable-native-access} flag that silences it) or denied ({@code --illegal-native-access=deny}
     * without the flag: the pure-Java decoders are used, and the line says so).
     *
     * @return a one-line description of the decoders in use
     */
    public static String describe() {
        StringBuilder sb = new StringBuilder(ImageIODecoding.describe());
        sb.append("PGM/PPM -> ").append(PnmReader.class.getName());
        if (NativeJpeg.available()) {
            sb.append("; native libjpeg-turbo path: in use for gray, RGB and YCbCr JPEG (baseline and progressive),"
                    + " CMYK/YCCK JPEG stay on the pure-Java path (").append(NativeJpeg.status()).append(")");
        } else {
            sb.append("; native libjpeg-turbo path: not available, JPEG is decoded in pure Java (")
                    .append(NativeJpeg.status()).append(")");
        }
        sb.append("; WebP: ").append(NativeWebp.available()
                ? "native " + NativeWebp.status() + ", through java.lang.foreign (the ImageIO reader above is the"
                        + " fallback)"
                : "the pure-Java ImageIO reader above; native libwebp not available (" + NativeWebp.status() + ")");
        sb.append("; native pixel kernels: ").append(NativeKernels.describe());
        sb.append("; native access: ").append(NativeAccess.describe());
        return sb.toString();
    }
}
