package org.dataloader4j.vision.transforms;

import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;

/** uint8 HWC image to a FLOAT32 {@code [C, H, W]} tensor in [0, 1] ({@code v / 255}), torchvision's {@code ToTensor}. */
public final class ToTensor implements SampleTransform<Image, Tensor> {
    @Override
    public Tensor apply(Image image, RandomGenerator rng) {
        return Functional.toTensor(image);
    }

    @Override
    public String toString() {
        return "ToTensor()";
    }
}
