package org.dataloader4j.vision.transforms;

import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.internal.Preconditions;
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
     * @throws IllegalArgumentException if {@code height} or {@code width} is not positive
     */
    public CenterCrop(int height, int width) {
        this.height = Preconditions.checkPositive("height", height);
        this.width = Preconditions.checkPositive("width", width);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return Functional.centerCrop(image, height, width);
    }

    /** Whether this crop lies inside an image of {@code hw = {height, width}}, so it needs no padding. */
    boolean fitsIn(int[] hw) {
        return height <= hw[0] && width <= hw[1];
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    /** The crop's first row in an image {@code imageHeight} high: half the excess, rounded half to even. */
    int top(int imageHeight) {
        return (int) Math.rint((imageHeight - height) / 2.0);
    }

    /** The crop's first column in an image {@code imageWidth} wide. */
    int left(int imageWidth) {
        return (int) Math.rint((imageWidth - width) / 2.0);
    }

    @Override
    public String toString() {
        return "CenterCrop(size=(" + height + ", " + width + "))";
    }
}
