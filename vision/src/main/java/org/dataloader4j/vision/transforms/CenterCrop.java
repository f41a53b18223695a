package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;

/**
 * torchvision's {@code CenterCrop}: the central {@code height × width} region, the offset rounded half to even;
 * an image smaller than the crop is first padded with zeros.
 *
 * <pre>{@code
 * SampleTransform<Image, Tensor> eval = Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor());
 * }</pre>
 */
public final class CenterCrop implements SampleTransform<Image, Image> {
    private final int height;
    private final int width;

    /**
     * A square crop.
     *
     * @param size the crop's side
     */
    public CenterCrop(int size) {
        this(size, size);
    }

    /**
     * A {@code height × width} crop.
     *
     * @param height the crop's height
     * @param width the crop's width
     */
    public CenterCrop(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop size must be positive, but got height=" + height + ", width="
                    + width);
        }
        this.height = height;
        this.width = width;
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return Functional.centerCrop(image, height, width);
    }

    /**
     * This crop applied to what {@code resize} makes of {@code image}, computing only the pixels kept (byte for
     * byte {@code resize} then this crop); when the crop is larger than the resized image (padding), the two steps.
     */
    Image afterResize(Resize resize, Image image, RandomGenerator rng) {
        int[] hw = resize.outputSize(image.width(), image.height());
        if (height > hw[0] || width > hw[1]) {
            Image resized = resize.apply(image, rng);
            Image out = apply(resized, rng);
            if (resized != image && resized != out) {
                resized.close();
            }
            return out;
        }
        return Pixels.resizeWindow(image, hw[1], hw[0], resize.mode(), top(hw[0]), left(hw[1]), height, width);
    }

    /** The crop's first row in an image {@code imageHeight} high: half the excess, rounded half to even. */
    private int top(int imageHeight) {
        return (int) Math.rint((imageHeight - height) / 2.0);
    }

    /** The crop's first column in an image {@code imageWidth} wide. */
    private int left(int imageWidth) {
        return (int) Math.rint((imageWidth - width) / 2.0);
    }

    /**
     * {@link #afterResize} fused with decoding the file at {@code path} to RGB: only the source rows and columns that
     * the kept window reads are decoded where {@code decoders} can (JPEG on the native path); the bytes are those of
     * decoding the whole image and applying {@code resize} then this crop.
     */
    Image decodingAfterResize(Resize resize, Decoders decoders, Path path, RandomGenerator rng) {
        ResizeCoefficients[][] tables = new ResizeCoefficients[1][];
        Image decoded = decoders.decodeRegion(path, (w, h) -> {
            int[] hw = resize.outputSize(w, h);
            if (height > hw[0] || width > hw[1]) {
                return null;
            }
            tables[0] = Pixels.windowTables(w, h, hw[1], hw[0], resize.mode(), top(hw[0]), left(hw[1]), height,
                    width);
            if (tables[0] == null) {
                return null;
            }
            int x0 = tables[0][0].paddedFirst();
            int y0 = tables[0][1].first();
            return new Region(y0, x0, tables[0][1].last() - y0, tables[0][0].paddedLast() - x0);
        });
        Image rgb = decoded;
        Image out = null;
        try {
            if (decoded.mode() != Image.Mode.RGB) {
                rgb = decoded.convert(Image.Mode.RGB);
            }
            out = tables[0] == null ? afterResize(resize, rgb, rng)
                    : Pixels.resampleRegion(rgb, tables[0][1].first(), tables[0][0].paddedFirst(), tables[0]);
            return out;
        } finally {
            if (rgb != decoded && rgb != out) {
                rgb.close();
            }
            if (decoded != out) {
                decoded.close();
            }
        }
    }

    @Override
    public String toString() {
        return "CenterCrop(size=(" + height + ", " + width + "))";
    }
}
