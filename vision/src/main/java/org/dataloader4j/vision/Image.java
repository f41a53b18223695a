package org.dataloader4j.vision;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;

/**
 * An 8-bit image in off-heap memory: {@code height × width × channels} bytes, row-major, channels
 * interleaved (HWC), like a PIL image of mode {@code L}, {@code RGB} or {@code RGBA} or a NumPy array
 * {@code np.asarray(pil_image)}. Pixel values are 0..255.
 *
 * <h2>Ownership</h2>
 * Follows {@link Tensor}: an image made by {@link #allocate}, {@link #of}, {@link #copy}, {@link #convert}, a
 * decoder or a transform <em>owns</em> its memory, and {@link #close()} releases it (an image nobody closes is
 * freed by the garbage collector). {@link #wrap(Tensor, Mode)} borrows a caller's tensor; closing such an image
 * does nothing. {@link #tensor()} is a view that owns nothing and becomes unusable once the image is closed.
 * Transforms never modify their input in place; they return a new image, or the input itself when nothing
 * changes.
 *
 * <pre>{@code
 * try (Image rgb = Image.allocate(Image.Mode.RGB, 64, 48)) {
 *     rgb.set(10, 5, 0, 255);          // x = 10, y = 5, red channel
 *     try (Image gray = rgb.convert(Image.Mode.L)) {
 *         int v = gray.get(10, 5, 0);  // 76, PIL's (299 R + 587 G + 114 B) / 1000 in fixed point
 *     }
 * }
 * }</pre>
 */
public final class Image implements AutoCloseable {

    /** The pixel layouts an image can have; the names are PIL's. */
    public enum Mode {
        /** One channel: luminance (gray). */
        L(1),
        /** Three channels: red, green, blue. */
        RGB(3),
        /** Four channels: red, green, blue, alpha (not premultiplied). */
        RGBA(4);

        private final int channels;

        Mode(int channels) {
            this.channels = channels;
        }

        /** {@return number of interleaved channels per pixel} */
        public int channels() {
            return channels;
        }

        /**
         * {@return the mode with this many channels}
         *
         * @param channels 1, 3 or 4
         */
        public static Mode ofChannels(int channels) {
            return switch (channels) {
                case 1 -> L;
                case 3 -> RGB;
                case 4 -> RGBA;
                default -> throw new IllegalArgumentException("no image mode has " + channels
                        + " channels; supported are 1 (L), 3 (RGB) and 4 (RGBA)");
            };
        }
    }

    private final Mode mode;
    private final int width;
    private final int height;
    private final Tensor storage;   // the owned or borrowed tensor
    private final boolean owner;
    private final MemorySegment data;

    private Image(Mode mode, int width, int height, Tensor storage, boolean owner) {
        this.mode = mode;
        this.width = width;
        this.height = height;
        this.storage = storage;
        this.owner = owner;
        this.data = storage.data();
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image width and height must be positive, but got width=" + width
                    + ", height=" + height);
        }
    }

    /**
     * {@return a new image that owns its memory, with unspecified pixels (like {@code torch.empty}): for code that
     * writes every pixel, which saves zeroing the memory first}
     *
     * <pre>{@code
     * Image out = Image.empty(Image.Mode.RGB, 224, 224);   // then write all 224 x 224 x 3 bytes
     * }</pre>
     *
     * @param mode the pixel mode
     * @param width the width in pixels
     * @param height the height in pixels
     */
    public static Image empty(Mode mode, int width, int height) {
        Objects.requireNonNull(mode, "mode");
        checkSize(width, height);
        Tensor t = Tensor.empty(DType.UINT8, Shape.of(height, width, mode.channels()));
        return new Image(mode, width, height, t, true);
    }

    /**
     * {@return a new black (all zero) image that owns its memory}
     *
     * @param mode the pixel mode
     * @param width the width in pixels
     * @param height the height in pixels
     */
    public static Image allocate(Mode mode, int width, int height) {
        Objects.requireNonNull(mode, "mode");
        checkSize(width, height);
        Tensor t = Tensor.zeros(DType.UINT8, height, width, mode.channels());
        return new Image(mode, width, height, t, true);
    }

    /**
     * {@return a new image holding a copy of {@code hwc}: {@code height × width × channels} bytes, row-major, channels
     * interleaved}
     *
     * @param mode the pixel mode
     * @param width the width in pixels
     * @param height the height in pixels
     * @param hwc the pixels
     */
    public static Image of(Mode mode, int width, int height, byte[] hwc) {
        Image image = allocate(mode, width, height);
        if (hwc.length != image.data.byteSize()) {
            image.close();
            throw new IllegalArgumentException("a " + mode + " image of " + width + "x" + height + " needs "
                    + (long) width * height * mode.channels() + " bytes, but got " + hwc.length);
        }
        MemorySegment.copy(MemorySegment.ofArray(hwc), 0, image.data, 0, hwc.length);
        return image;
    }

    /**
     * {@return an image over a UINT8 tensor of shape {@code [height, width, channels]}, without copying} The caller
     * keeps ownership: closing the image does nothing.
     *
     * @param hwc the pixels, UINT8 {@code [height, width, channels]}
     * @param mode the pixel mode, with as many channels
     * @throws IllegalArgumentException if the dtype, rank or channel count does not fit {@code mode}
     */
    public static Image wrap(Tensor hwc, Mode mode) {
        Objects.requireNonNull(hwc, "hwc");
        Objects.requireNonNull(mode, "mode");
        if (hwc.dtype() != DType.UINT8 || hwc.rank() != 3 || hwc.shape().dim(2) != mode.channels()) {
            throw new IllegalArgumentException("a " + mode + " image needs a UINT8 tensor of shape [height, width, "
                    + mode.channels() + "], but got " + hwc.dtype() + " " + hwc.shape());
        }
        long h = hwc.shape().dim(0);
        long w = hwc.shape().dim(1);
        if (h > Integer.MAX_VALUE || w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image dimensions must fit an int, but got " + hwc.shape());
        }
        checkSize((int) w, (int) h);
        return new Image(mode, (int) w, (int) h, hwc, false);
    }

    /** {@return the mode (L, RGB or RGBA)} */
    public Mode mode() {
        return mode;
    }

    /** {@return width in pixels (PIL's {@code size[0]})} */
    public int width() {
        return width;
    }

    /** {@return height in pixels (PIL's {@code size[1]})} */
    public int height() {
        return height;
    }

    /** {@return channels per pixel: 1, 3 or 4} */
    public int channels() {
        return mode.channels();
    }

    /** {@return bytes of pixel data: {@code width × height × channels}} */
    public long byteSize() {
        return data.byteSize();
    }

    /**
     * {@return the pixels as a UINT8 tensor of shape {@code [height, width, channels]}: a view that shares this image's
     * memory and owns nothing}
     */
    public Tensor tensor() {
        checkOpen();
        return storage.reshape(height, width, mode.channels());
    }

    /**
     * {@return the pixel bytes, HWC row-major; writes change the image} Valid while the image is open and reachable.
     */
    public MemorySegment data() {
        checkOpen();
        return data;
    }

    /**
     * {@return the value (0..255) of channel {@code c} of the pixel at column {@code x}, row {@code y}}
     *
     * @param x the column
     * @param y the row
     * @param c the channel
     */
    public int get(int x, int y, int c) {
        return Byte.toUnsignedInt(data().get(ValueLayout.JAVA_BYTE, offset(x, y, c)));
    }

    /**
     * Sets channel {@code c} of the pixel at column {@code x}, row {@code y} to {@code value} (0..255).
     *
     * @param x the column
     * @param y the row
     * @param c the channel
     * @param value the new value, 0..255
     */
    public void set(int x, int y, int c, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("pixel values are 0..255, but got " + value);
        }
        data().set(ValueLayout.JAVA_BYTE, offset(x, y, c), (byte) value);
    }

    private long offset(int x, int y, int c) {
        if (x < 0 || x >= width || y < 0 || y >= height || c < 0 || c >= mode.channels()) {
            throw new IndexOutOfBoundsException("pixel (x=" + x + ", y=" + y + ", channel " + c
                    + ") is outside this " + width + "x" + height + " " + mode + " image");
        }
        return ((long) y * width + x) * mode.channels() + c;
    }

    /** {@return a copy of the pixel bytes, HWC row-major (values above 127 read as negative Java bytes)} */
    public byte[] toByteArray() {
        return data().toArray(ValueLayout.JAVA_BYTE);
    }

    /** {@return a new image with the same mode and pixels that owns its memory} */
    public Image copy() {
        Image out = allocate(mode, width, height);
        MemorySegment.copy(data(), 0, out.data, 0, data.byteSize());
        return out;
    }

    /**
     * {@return a new image in {@code target} mode, converted as PIL's {@code Image.convert} does it: L → RGB copies the
     * gray value into each channel; RGBA → RGB drops alpha (no compositing over a background); RGB or RGBA → L is the
     * ITU-R 601-2 luma {@code (299 R + 587 G + 114 B) / 1000} rounded like PIL's fixed point; to RGBA, alpha is 255}
     * Converting to the same mode returns a copy.
     *
     * @param target the mode to convert to
     */
    public Image convert(Mode target) {
        Objects.requireNonNull(target, "target");
        checkOpen();
        if (target == mode) {
            return copy();
        }
        Image out = allocate(target, width, height);
        int inC = mode.channels();
        int outC = target.channels();
        byte[] in = new byte[width * inC];
        byte[] row = new byte[width * outC];
        for (int y = 0; y < height; y++) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) y * in.length, in, 0, in.length);
            convertRow(in, inC, row, outC, width);
            MemorySegment.copy(row, 0, out.data, ValueLayout.JAVA_BYTE, (long) y * row.length, row.length);
        }
        return out;
    }

    /** Converts one row of pixels between channel layouts, as {@link #convert} describes. */
    static void convertRow(byte[] in, int inC, byte[] out, int outC, int width) {
        for (int x = 0; x < width; x++) {
            int i = x * inC;
            int o = x * outC;
            if (outC == 1) {
                out[o] = inC == 1 ? in[i] : (byte) luma(in[i] & 0xFF, in[i + 1] & 0xFF, in[i + 2] & 0xFF);
            } else {
                if (inC == 1) {
                    out[o] = in[i];
                    out[o + 1] = in[i];
                    out[o + 2] = in[i];
                } else {
                    out[o] = in[i];
                    out[o + 1] = in[i + 1];
                    out[o + 2] = in[i + 2];
                }
                if (outC == 4) {
                    out[o + 3] = inC == 4 ? in[i + 3] : (byte) 0xFF;
                }
            }
        }
    }

    /**
     * PIL's luma of one RGB pixel (components 0..255): {@code (R × 299 + G × 587 + B × 114) / 1000} computed in
     * 16.16 fixed point with rounding, the weights scaled to 19595, 38470 and 7471 (they sum to 65536).
     *
     * @param r the red component
     * @param g the green component
     * @param b the blue component
     * @return the gray value, 0..255
     */
    public static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    }

    /** {@return true once this image (or, for a wrapped image, its tensor) was closed} */
    public boolean isClosed() {
        return storage.isClosed();
    }

    private void checkOpen() {
        if (storage.isClosed()) {
            throw new IllegalStateException("this " + width + "x" + height + " " + mode + " image is closed");
        }
    }

    /** Frees the pixel memory if this image owns it; does nothing for wrapped images. Idempotent. */
    @Override
    public void close() {
        if (owner) {
            storage.close();
        }
    }

    /** For example {@code Image(RGB, 640x480)}. */
    @Override
    public String toString() {
        return "Image(" + mode + ", " + width + "x" + height + (isClosed() ? ", closed)" : ")");
    }
}
