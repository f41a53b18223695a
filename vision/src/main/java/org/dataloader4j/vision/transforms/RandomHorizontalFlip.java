package org.dataloader4j.vision.transforms;

import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.vision.Image;

/**
 * Mirrors left to right with probability {@code p} (one {@code nextDouble() < p} draw), torchvision's transform.
 *
 * <pre>{@code
 * SampleTransform<Image, Image> always = new RandomHorizontalFlip(1.0);
 * SampleTransform<Image, Image> train = Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip());   // p = 0.5
 * }</pre>
 */
public final class RandomHorizontalFlip implements FusibleTransform<Image, Image> {
    private final double p;

    /** p = 0.5. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    /**
     * Flips with probability {@code p} in [0, 1].
     *
     * @param p the probability of a flip
     * @throws IllegalArgumentException if {@code p} is not in [0, 1]
     */
    public RandomHorizontalFlip(double p) {
        this.p = Preconditions.checkRange("p", p, 0, 1);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return draw(rng) ? Functional.hflip(image) : image;
    }

    /**
     * Followed by {@link ToTensor} (with {@link PixelwiseTransform}s between): the coin is drawn here, the
     * pixel-wise stages run on the unflipped image, and the tensor is written mirrored, without a flipped image.
     */
    @Override
    public SampleTransform<Object, Object> fuseWith(List<PixelwiseTransform> between, SampleTransform<?, ?> next) {
        return next instanceof ToTensor ? Compose.erase(new TensorTail(this, between, null)) : null;
    }

    /** Whether this sample is flipped: the transform's one draw from {@code rng}. */
    boolean draw(RandomGenerator rng) {
        return rng.nextDouble() < p;
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(p=" + p + ")";
    }
}
