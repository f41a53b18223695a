package org.dataloader4j.vision.transforms;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ScaledRegion;

/**
 * The deterministic operations behind the transforms, like {@code torchvision.transforms.functional} on PIL
 * images. Every image operation returns a new image that owns its memory, or its input itself when nothing
 * changes; inputs are never modified (except by {@link #normalize} with {@code inplace}).
 *
 * <pre>{@code
 * try (Image small = Functional.resize(img, 256, InterpolationMode.BILINEAR);
 *      Image crop = Functional.centerCrop(small, 224, 224);
 *      Image flipped = Functional.hflip(crop)) {
 *     Tensor x = Functional.toTensor(flipped);   // FLOAT32 [3, 224, 224] in [0, 1]
 * }
 * }</pre>
 */
public final class Functional {
    private Functional() {
    }

    /**
     * torchvision's output size for {@code Resize(size)} with one number: the shorter side becomes {@code size}
     * and the longer one {@code (int) (size × long / short)} (truncated, as torchvision does). Returns
     * {@code {height, width}}.
     *
     * @param width the image's width
     * @param height the image's height
     * @param size the shorter side's new length
     * @return {@code {height, width}}
     */
    public static int[] shorterSideSize(int width, int height, int size) {
        return shorterSideSize(width, height, size, 0);
    }

    /**
     * As {@link #shorterSideSize(int, int, int)}, then, when {@code maxSize > 0} and the longer side would exceed
     * it, torchvision's {@code max_size} rule: the longer side becomes {@code maxSize} and the shorter one
     * {@code (int) (maxSize × short / long)} of the sizes just computed. Returns {@code {height, width}}.
     *
     * @param width the image's width
     * @param height the image's height
     * @param size the shorter side's new length
     * @param maxSize the longest the longer side may become, or 0 for no limit
     * @return {@code {height, width}}
     * @throws IllegalArgumentException if {@code size} is not positive, or {@code maxSize} is positive but not
     *                                  larger than {@code size}
     */
    public static int[] shorterSideSize(int width, int height, int size, int maxSize) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, but got size=" + size);
        }
        if (maxSize > 0 && maxSize <= size) {
            throw new IllegalArgumentException("maxSize should be larger than the requested size, but got size="
                    + size + ", maxSize=" + maxSize);
        }
        int shortSide = Math.min(width, height);
        int longSide = Math.max(width, height);
        int newShort = size;
        int newLong = (int) ((long) size * longSide / shortSide);
        if (maxSize > 0 && newLong > maxSize) {
            newShort = (int) ((long) maxSize * newShort / newLong);
            newLong = maxSize;
        }
        return width <= height ? new int[] {newLong, newShort} : new int[] {newShort, newLong};
    }

    /**
     * Resizes to {@code height × width} with PIL's resampling (antialiased when shrinking).
     *
     * @param img the image
     * @param height the output height
     * @param width the output width
     * @param mode the interpolation
     * @return a new image
     */
    public static Image resize(Image img, int height, int width, InterpolationMode mode) {
        return Pixels.resize(img, width, height, Objects.requireNonNull(mode, "mode"));
    }

    /**
     * Resizes so that the shorter side is {@code size}, as {@code Resize(size)}.
     *
     * @param img the image
     * @param size the shorter side's new length
     * @param mode the interpolation
     * @return a new image
     */
    public static Image resize(Image img, int size, InterpolationMode mode) {
        int[] hw = shorterSideSize(img.width(), img.height(), size);
        return resize(img, hw[0], hw[1], mode);
    }

    /**
     * Resizes so that the shorter side is {@code size} but the longer at most {@code maxSize}, as {@code Resize(size, max_size=...)}.
     *
     * @param img the image
     * @param size the shorter side's new length
     * @param mode the interpolation
     * @param maxSize the longest the longer side may become
     * @return a new image
     */
    public static Image resize(Image img, int size, InterpolationMode mode, int maxSize) {
        int[] hw = shorterSideSize(img.width(), img.height(), size, maxSize);
        return resize(img, hw[0], hw[1], mode);
    }

    /**
     * {@return the {@code height × width} region at ({@code top}, {@code left}); parts outside the image are zero}
     *
     * @param img the image
     * @param top the region's top row
     * @param left the region's left column
     * @param height the region's height
     * @param width the region's width
     */
    public static Image crop(Image img, int top, int left, int height, int width) {
        return Pixels.crop(img, top, left, height, width);
    }

    /**
     * torchvision's {@code center_crop}: pads with zeros (split as torchvision does) when the crop is larger than
     * the image, then crops at {@code round((H - h) / 2)}, {@code round((W - w) / 2)}, rounding half to even.
     *
     * @param img the image
     * @param height the crop's height
     * @param width the crop's width
     * @return a new image
     */
    public static Image centerCrop(Image img, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop size must be positive, but got " + height + "x" + width);
        }
        Image src = img;
        if (width > img.width() || height > img.height()) {
            int padL = width > img.width() ? (width - img.width()) / 2 : 0;
            int padT = height > img.height() ? (height - img.height()) / 2 : 0;
            int padR = width > img.width() ? (width - img.width() + 1) / 2 : 0;
            int padB = height > img.height() ? (height - img.height() + 1) / 2 : 0;
            src = pad(img, padL, padT, padR, padB, PaddingMode.CONSTANT, new int[] {0});
            if (src.width() == width && src.height() == height) {
                return src;
            }
        }
        int top = (int) Math.rint((src.height() - height) / 2.0);
        int left = (int) Math.rint((src.width() - width) / 2.0);
        Image out = crop(src, top, left, height, width);
        if (src != img && src != out) {
            src.close();
        }
        return out;
    }

    /**
     * {@return crop then resize, as {@code RandomResizedCrop} applies its parameters}
     *
     * @param img the image
     * @param top the crop's top row
     * @param left the crop's left column
     * @param height the crop's height
     * @param width the crop's width
     * @param outHeight the output height
     * @param outWidth the output width
     * @param mode the interpolation
     */
    public static Image resizedCrop(Image img, int top, int left, int height, int width, int outHeight,
                                    int outWidth, InterpolationMode mode) {
        Image cropped = crop(img, top, left, height, width);
        Image out = resize(cropped, outHeight, outWidth, mode);
        if (cropped != img && cropped != out) {
            cropped.close();
        }
        return out;
    }

    /**
     * The fused decoders' last step: the box of {@code decoded} converted to RGB and resized to
     * {@code outHeight × outWidth}; closes {@code decoded} (unless its image is returned).
     */
    static Image resizeDecoded(ScaledRegion decoded, int outHeight, int outWidth, InterpolationMode mode) {
        Image region = decoded.image();
        Image rgb = region;
        Image out = null;
        try {
            if (region.mode() != Image.Mode.RGB) {
                rgb = region.convert(Image.Mode.RGB);
            }
            out = Pixels.resize(rgb, outWidth, outHeight, Objects.requireNonNull(mode, "mode"), decoded.boxLeft(),
                    decoded.boxTop(), decoded.boxRight(), decoded.boxBottom());
            return out;
        } finally {
            if (region != out) {
                region.close();
            }
            if (rgb != region && rgb != out) {
                rgb.close();
            }
        }
    }

    /**
     * Mirrors left to right.
     *
     * @param img the image
     * @return a new image
     */
    public static Image hflip(Image img) {
        return Pixels.flipHorizontal(img);
    }

    /**
     * Mirrors top to bottom.
     *
     * @param img the image
     * @return a new image
     */
    public static Image vflip(Image img) {
        return Pixels.flipVertical(img);
    }

    /** How {@link #pad} fills the border, numpy's {@code np.pad} modes as torchvision uses them. */
    public enum PaddingMode {
        /** A constant value per channel. */
        CONSTANT,
        /** Repeats the edge pixel. */
        EDGE,
        /** Mirrors without repeating the edge pixel: {@code 3 2 | 1 2 3 | 2 1}. */
        REFLECT,
        /** Mirrors repeating the edge pixel: {@code 2 1 | 1 2 3 | 3 2}. */
        SYMMETRIC
    }

    /**
     * Pads (negative amounts crop) like torchvision's {@code pad} of a PIL image. {@code fill} is one value for every
     * channel or one per channel (constant mode only). Edge, reflect and symmetric padding follow numpy's
     * {@code np.pad}, which torchvision uses for them (see {@link PadIndex}): a side of one pixel is repeated in
     * reflect and symmetric mode, and paddings wider than the image are allowed in every mode. Constant padding
     * places the image at ({@code left}, {@code top}) in a canvas of the fill, as PIL's {@code ImageOps.expand}
     * does, so it may even crop the image away entirely and leave only the fill.
     *
     * <pre>{@code
     * Image wide = Functional.pad(img, 5, 0, 5, 0, Functional.PaddingMode.REFLECT, new int[] {0});
     * }</pre>
     *
     * @param img the image
     * @param left columns added on the left
     * @param top rows added at the top
     * @param right columns added on the right
     * @param bottom rows added at the bottom
     * @param mode how the new pixels are filled
     * @param fill the constant fill, one value or one per channel
     * @return a new image
     * @throws IllegalArgumentException if the result would have no pixels, or if edge, reflect or symmetric padding
     *                                  crops the image to nothing first (torchvision fails there, or returns an image
     *                                  without pixels); if constant padding has several fill values but not one per
     *                                  channel (as torchvision)
     */
    public static Image pad(Image img, int left, int top, int right, int bottom, PaddingMode mode, int[] fill) {
        Objects.requireNonNull(mode, "mode");
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        long outWidth = (long) w + left + right;
        long outHeight = (long) h + top + bottom;
        String padding = "padding (left=" + left + ", top=" + top + ", right=" + right + ", bottom=" + bottom
                + ") of a " + w + "x" + h + " image";
        if (outWidth <= 0 || outHeight <= 0 || outWidth * outHeight * c > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(padding + " gives a " + outWidth + "x" + outHeight + " image; the"
                    + " result must have at least one pixel and fewer than 2^31 bytes");
        }
        if (mode == PaddingMode.CONSTANT && fill != null && fill.length > 1 && fill.length != c) {
            throw new IllegalArgumentException("the number of fill values does not match the number of channels of"
                    + " the image (" + fill.length + " != " + c + "): fill=" + Arrays.toString(fill));
        }
        int[] columns;
        int[] rows;
        if (mode == PaddingMode.CONSTANT) {
            columns = window(w, left, (int) outWidth);
            rows = window(h, top, (int) outHeight);
        } else {
            int cl = Math.max(0, -left);
            int ct = Math.max(0, -top);
            long keptWidth = (long) w - cl - Math.max(0, -right);
            long keptHeight = (long) h - ct - Math.max(0, -bottom);
            if (keptWidth <= 0 || keptHeight <= 0) {
                throw new IllegalArgumentException(padding + " in " + mode + " mode crops it to nothing ("
                        + keptWidth + "x" + keptHeight + " after removing the negative sides), and there is nothing"
                        + " to pad from");
            }
            columns = shifted(PadIndex.sources((int) keptWidth, Math.max(0, left), Math.max(0, right), mode), cl);
            rows = shifted(PadIndex.sources((int) keptHeight, Math.max(0, top), Math.max(0, bottom), mode), ct);
        }
        int ow = columns.length;
        int oh = rows.length;
        byte[] in = img.toByteArray();
        byte[] out = new byte[ow * oh * c];
        byte[] fillBytes = new byte[c];
        for (int k = 0; k < c; k++) {
            int f = fill == null || fill.length == 0 ? 0 : fill.length == 1 ? fill[0] : fill[k];
            fillBytes[k] = (byte) f;
        }
        for (int y = 0; y < oh; y++) {
            int sy = rows[y];
            for (int x = 0; x < ow; x++) {
                int sx = columns[x];
                int o = (y * ow + x) * c;
                if (sy == PadIndex.FILL || sx == PadIndex.FILL) {
                    System.arraycopy(fillBytes, 0, out, o, c);
                } else {
                    System.arraycopy(in, (sy * w + sx) * c, out, o, c);
                }
            }
        }
        return Image.of(img.mode(), ow, oh, out);
    }

    /** The source of each of the {@code out} positions of an axis of {@code length} values placed at {@code offset}. */
    private static int[] window(int length, int offset, int out) {
        int[] index = new int[out];
        for (int i = 0; i < out; i++) {
            long source = (long) i - offset;
            index[i] = source >= 0 && source < length ? (int) source : PadIndex.FILL;
        }
        return index;
    }

    /** {@code index} with {@code by} added to every source (the columns or rows cropped away before them). */
    private static int[] shifted(int[] index, int by) {
        for (int i = 0; i < index.length; i++) {
            index[i] += by;
        }
        return index;
    }

    /**
     * PIL's conversion to gray (L); with {@code channels} 3 the gray value is repeated in R, G and B.
     *
     * @param img the image
     * @param channels 1 or 3
     * @return a new image
     */
    public static Image rgbToGrayscale(Image img, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("numOutputChannels should be either 1 or 3, but got " + channels);
        }
        Image gray = img.mode() == Image.Mode.L ? img : img.convert(Image.Mode.L);
        if (channels == 1) {
            return gray == img ? img.copy() : gray;
        }
        Image rgb = gray.convert(Image.Mode.RGB);
        if (gray != img) {
            gray.close();
        }
        return rgb;
    }

    /**
     * torchvision's {@code adjust_brightness} on PIL images: {@code factor} 0 gives black, 1 the image, more is
     * brighter (clipped at 255). Values are computed in floats and truncated, as PIL blends. Alpha is kept.
     *
     * @param img the image
     * @param factor the brightness factor
     * @return a new image
     */
    public static Image adjustBrightness(Image img, double factor) {
        return ColorOps.brightness(img, Preconditions.checkNonNegative("brightnessFactor", factor));
    }

    /**
     * torchvision's {@code adjust_contrast} on PIL images: blends with a gray image at the mean luma (rounded to an
     * integer); {@code factor} 0 gives that gray, 1 the image. Alpha is kept.
     *
     * @param img the image
     * @param factor the contrast factor
     * @return a new image
     */
    public static Image adjustContrast(Image img, double factor) {
        return ColorOps.contrast(img, Preconditions.checkNonNegative("contrastFactor", factor));
    }

    /**
     * torchvision's {@code adjust_saturation} on PIL images: blends with the image's luma; {@code factor} 0 gives
     * gray, 1 the image, 2 doubles the saturation. A gray image is copied unchanged. Alpha is kept.
     *
     * @param img the image
     * @param factor the saturation factor
     * @return a new image
     */
    public static Image adjustSaturation(Image img, double factor) {
        return ColorOps.saturation(img, Preconditions.checkNonNegative("saturationFactor", factor));
    }

    /**
     * torchvision's {@code adjust_hue} on PIL images: shifts the hue by {@code factor} of a turn ({@code -0.5..0.5})
     * in PIL's 8-bit HSV. A gray image is copied unchanged; an RGBA image comes back with alpha 255, as on PIL.
     *
     * @param img the image
     * @param factor the hue shift, a fraction of a turn
     * @return a new image
     * @throws IllegalArgumentException if {@code factor} is outside [-0.5, 0.5]
     */
    public static Image adjustHue(Image img, double factor) {
        if (!(factor >= -0.5 && factor <= 0.5)) {
            throw new IllegalArgumentException("hueFactor should be in [-0.5, 0.5], but got hueFactor=" + factor);
        }
        return ColorOps.hue(img, factor);
    }

    /**
     * torchvision's {@code rotate} on PIL images (PIL's {@code Image.rotate}): counter-clockwise by {@code degrees}
     * about {@code center} ({x, y} in pixels; null for the image centre), the output the same size or, with
     * {@code expand}, large enough for the whole rotated image. Pixels that map outside the input get
     * {@code fill} (one value or one per channel; null for zero). Only NEAREST and BILINEAR are supported.
     *
     * @param img the image
     * @param degrees the angle, counter-clockwise
     * @param mode the interpolation, NEAREST or BILINEAR
     * @param expand whether the output grows to hold the whole rotated image
     * @param center {x, y} in pixels, or null for the image centre
     * @param fill one value or one per channel for pixels outside the rotated image
     * @return a new image
     * @throws IllegalArgumentException for another interpolation, a non-finite angle, or a bad center or fill
     */
    public static Image rotate(Image img, double degrees, InterpolationMode mode, boolean expand, double[] center,
                               int[] fill) {
        if (center != null && center.length != 2) {
            throw new IllegalArgumentException("center should be {x, y}, but got " + Arrays.toString(center));
        }
        checkFill(fill, img.channels());
        return Rotation.rotate(img, degrees, Objects.requireNonNull(mode, "mode"), expand, center, fill);
    }

    static void checkFill(int[] fill, int channels) {
        if (fill == null) {
            return;
        }
        if (fill.length != 0 && fill.length != 1 && fill.length != channels) {
            throw new IllegalArgumentException("fill should have 1 value or one per channel (" + channels
                    + "), but got " + Arrays.toString(fill));
        }
        for (int f : fill) {
            if (f < 0 || f > 255) {
                throw new IllegalArgumentException("fill values are 0..255, but got " + Arrays.toString(fill));
            }
        }
    }

    /**
     * {@return the uint8 HWC image as float32 CHW with values {@code v / 255} (float division), torchvision's {@code to_tensor}}
     *
     * @param img the image
     */
    public static Tensor toTensor(Image img) {
        return TensorWriter.plain().write(img, false);
    }

    /**
     * {@return {@link #toTensor} followed by {@link #normalize} in one pass, with the same float32 operations in the
     * same order, so the result is bitwise identical: {@code ((byte / 255f) - mean[c]) / std[c]}} The output comes from
     * {@link BatchMemory#allocateSample}, so inside a {@code DataLoader} it is usually written straight into the
     * sample's row of the batch.
     *
     * @param img the image
     * @param mean the mean of each channel
     * @param std the standard deviation of each channel
     */
    public static Tensor toNormalizedTensor(Image img, float[] mean, float[] std) {
        return TensorWriter.normalizing(mean, std).write(img, false);
    }

    static void checkNormalizeParameters(float[] mean, float[] std, int channels, String shape) {
        if ((mean.length != 1 && mean.length != channels) || (std.length != 1 && std.length != channels)) {
            throw new IllegalArgumentException("normalize got " + mean.length + " means and " + std.length
                    + " stds for a tensor with " + channels + " channels " + shape);
        }
        for (float s : std) {
            if (s == 0) {
                throw new IllegalArgumentException("std evaluated to zero, leading to division by zero: std="
                        + Arrays.toString(std));
            }
        }
    }

    /**
     * {@return {@code (x - mean[c]) / std[c]} per channel of a FLOAT32 {@code [C, H, W]} tensor, in float32 as
     * torchvision; returns a new tensor, or modifies and returns {@code tensor} when {@code inplace}}
     *
     * @param tensor a FLOAT32 {@code [C, H, W]} tensor
     * @param mean the mean of each channel
     * @param std the standard deviation of each channel
     * @param inplace whether to write into {@code tensor}
     * @throws IllegalArgumentException for a wrong dtype or rank, a channel count that does not match, or a zero std
     */
    public static Tensor normalize(Tensor tensor, float[] mean, float[] std, boolean inplace) {
        if (tensor.dtype() != DType.FLOAT32 || tensor.rank() < 3) {
            throw new IllegalArgumentException("normalize expects a FLOAT32 tensor of shape [C, H, W], but got "
                    + tensor.dtype() + " " + tensor.shape());
        }
        int c = (int) tensor.shape().dim(tensor.rank() - 3);
        checkNormalizeParameters(mean, std, c, tensor.shape().toString());
        Tensor out = inplace ? tensor : BatchMemory.allocateSample(DType.FLOAT32, tensor.shape());
        MemorySegment in = tensor.data();
        MemorySegment seg = out.data();
        long plane = tensor.shape().dim(tensor.rank() - 2) * tensor.shape().dim(tensor.rank() - 1);
        long planes = plane == 0 ? 0 : out.numel() / plane;
        // plane by plane, so that the inner loop is a plain (vectorizable) pass with the channel's mean and std
        for (long p = 0; p < planes; p++) {
            int k = (int) (p % c);
            float m = mean[mean.length == 1 ? 0 : k];
            float s = std[std.length == 1 ? 0 : k];
            long end = (p + 1) * plane * Float.BYTES;
            for (long at = p * plane * Float.BYTES; at < end; at += Float.BYTES) {
                seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, (in.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at) - m) / s);
            }
        }
        return out;
    }
}
