package org.dataloader4j.vision.transforms;

import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;

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

    /** A square crop. */
    public CenterCrop(int size) {
        this(size, size);
    }

    /** A {@code height × width} crop. */
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
        int top = (int) Math.rint((hw[0] - height) / 2.0);
        int left = (int) Math.rint((hw[1] - width) / 2.0);
        return Pixels.resizeWindow(image, hw[1], hw[0], resize.mode(), top, left, height, width);
    }

    @Override
    public String toString() {
        return "CenterCrop(size=(" + height + ", " + width + "))";
    }
}
