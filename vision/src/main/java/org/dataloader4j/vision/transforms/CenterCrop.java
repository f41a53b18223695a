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

    @Override
    public String toString() {
        return "CenterCrop(size=(" + height + ", " + width + "))";
    }
}
