package org.dataloader4j.vision.transforms;

import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;

/**
 * An optional {@code RandomHorizontalFlip}, pixel-wise stages, {@code ToTensor} and an optional {@code Normalize}
 * as one stage: the flip draws its coin first (where it stands), the pixel-wise stages run on the unflipped image
 * (a pixel-wise stage gives the same pixels before or after a mirror), and one {@link TensorWriter} pass writes the
 * tensor, mirrored when the coin says so, usually straight into the sample's row of the batch.
 */
final class TensorTail implements FusibleTransform<Image, Tensor>, Fuser.Fused {
    private final RandomHorizontalFlip flip;   // null: no flip
    private final List<PixelwiseTransform> between;
    private final Normalize normalize;         // null: ToTensor alone
    private final TensorWriter writer;

    TensorTail(RandomHorizontalFlip flip, List<PixelwiseTransform> between, Normalize normalize) {
        this.flip = flip;
        this.between = List.copyOf(between);
        this.normalize = normalize;
        this.writer = normalize == null ? TensorWriter.plain()
                : TensorWriter.normalizing(normalize.mean(), normalize.std());
    }

    @Override
    public Tensor apply(Image image, RandomGenerator rng) {
        boolean mirror = flip != null && flip.draw(rng);
        Image changed = PixelwiseRun.apply(image, false, between, rng);
        try {
            return writer.write(changed, mirror);
        } finally {
            if (changed != image) {
                changed.close();
            }
        }
    }

    /** Takes in a directly following {@code Normalize}. */
    @Override
    public SampleTransform<Object, Object> fuseWith(List<PixelwiseTransform> next, SampleTransform<?, ?> stage) {
        if (normalize == null && next.isEmpty() && stage instanceof Normalize n) {
            return Compose.erase(new TensorTail(flip, between, n));
        }
        return null;
    }

    @Override
    public String toString() {
        return (flip != null ? "RandomHorizontalFlip" + PixelwiseRun.names(between) + "+" : "") + "ToTensor"
                + (normalize != null ? "+Normalize" : "") + " into the batch row";
    }
}
