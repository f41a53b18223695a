package org.dataloader4j.vision.transforms;

import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.vision.Image;

/**
 * Mirrors top to bottom with probability {@code p} (one {@code nextDouble() < p} draw), torchvision's transform.
 *
 * <pre>{@code
 * SampleTransform<Image, Image> always = new RandomVerticalFlip(1.0);
 * SampleTransform<Image, Image> train = Compose.of(new RandomResizedCrop(224)).then(new RandomVerticalFlip());   // p = 0.5
 * }</pre>
 */
public final class RandomVerticalFlip implements SampleTransform<Image, Image> {
    private final double p;

    /** p = 0.5. */
    public RandomVerticalFlip() {
        this(0.5);
    }

    /**
     * Flips with probability {@code p} in [0, 1].
     *
     * @param p the probability of a flip
     * @throws IllegalArgumentException if {@code p} is not in [0, 1]
     */
    public RandomVerticalFlip(double p) {
        this.p = Preconditions.checkRange("p", p, 0, 1);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return rng.nextDouble() < p ? Functional.vflip(image) : image;
    }

    @Override
    public String toString() {
        return "RandomVerticalFlip(p=" + p + ")";
    }
}
