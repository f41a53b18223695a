package org.dataloader4j.vision.transforms;

import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;

/**
 * uint8 HWC image to a FLOAT32 {@code [C, H, W]} tensor in [0, 1] ({@code v / 255}), torchvision's {@code ToTensor}.
 *
 * <pre>{@code
 * Tensor x = new ToTensor().apply(img, rng);   // RGB 32x24 image -> FLOAT32 [3, 24, 32]
 * }</pre>
 */
public final class ToTensor implements FusibleTransform<Image, Tensor> {
    /** The transform; it has no options. */
    public ToTensor() {
    }

    @Override
    public Tensor apply(Image image, RandomGenerator rng) {
        return Functional.toTensor(image);
    }

    /** Directly followed by {@link Normalize}: one pass that writes the normalized tensor. */
    @Override
    public SampleTransform<Object, Object> fuseWith(List<PixelwiseTransform> between, SampleTransform<?, ?> next) {
        return between.isEmpty() && next instanceof Normalize normalize
                ? Compose.erase(new TensorTail(null, List.of(), normalize)) : null;
    }

    @Override
    public String toString() {
        return "ToTensor()";
    }
}
