package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;

/** Compose closes the intermediate results a stage replaced, but never memory that the stage's result still uses. */
class ComposeOwnershipTest {
    private static Image gradient() {
        byte[] hwc = new byte[4 * 3 * 3];
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = (byte) (i * 7);
        }
        return Image.of(Image.Mode.RGB, 3, 4, hwc);
    }

    @Test
    void aStageThatReturnsAViewOfItsInputKeepsThatInputOpen() {
        SampleTransform<Tensor, Tensor> flatten = (t, rng) -> t.reshape(-1); // a view, as user code often returns
        Compose<Image, Tensor> pipeline = Compose.of(new ToTensor()).then(flatten);
        try (Image image = gradient(); Tensor expected = new ToTensor().apply(image, CounterRandom.of(1, 0, 0, 0))) {
            Tensor flat = pipeline.apply(image, CounterRandom.of(1, 0, 0, 0));
            assertEquals(36, flat.shape().numel());
            assertArrayEquals(expected.toFloatArray(), flat.toFloatArray(), "the view reads the ToTensor output");
        }
    }

    @Test
    void aStageThatReturnsNewMemoryHasItsInputClosed() {
        Tensor[] seen = new Tensor[1];
        SampleTransform<Tensor, Tensor> copy = (t, rng) -> {
            seen[0] = t;
            return t.reshape(-1).copy();
        };
        Compose<Image, Tensor> pipeline = Compose.of(new ToTensor()).then(copy);
        try (Image image = gradient(); Tensor flat = pipeline.apply(image, CounterRandom.of(1, 0, 0, 0))) {
            assertEquals(36, flat.shape().numel());
            assertTrue(seen[0].isClosed(), "the intermediate tensor was closed: the pipeline holds no extra memory");
            assertFalse(image.isClosed(), "the pipeline's input is the caller's");
        }
    }

    @Test
    void sharesMemoryWithTellsViewsFromCopies() {
        try (Tensor t = Tensor.zeros(org.dataloader4j.tensor.DType.FLOAT32, 2, 3); Tensor copy = t.copy()) {
            assertTrue(t.reshape(6).sharesMemoryWith(t));
            assertTrue(t.reshape(6).sharesMemoryWith(t.reshape(3, 2)));
            assertFalse(copy.sharesMemoryWith(t));
        }
    }
}
