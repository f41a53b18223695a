package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;

class RandomTransformsTest {

    /** A {@code w × h} RGB image whose bytes step by 7; shared with {@link TransformBuildersTest}. */
    static Image ramp(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        return Image.of(Image.Mode.RGB, w, h, px);
    }

    @Test
    void flipsAtProbabilityZeroAndOne() {
        RandomGenerator rng = CounterRandom.of(1, 2, 3, 4);
        try (Image img = ramp(5, 4); Image h = Functional.hflip(img); Image v = Functional.vflip(img)) {
            for (int i = 0; i < 20; i++) {
                assertSame(img, new RandomHorizontalFlip(0).apply(img, rng));
                assertSame(img, new RandomVerticalFlip(0).apply(img, rng));
                try (Image f = new RandomHorizontalFlip(1).apply(img, rng)) {
                    assertArrayEquals(h.toByteArray(), f.toByteArray());
                }
                try (Image f = new RandomVerticalFlip(1).apply(img, rng)) {
                    assertArrayEquals(v.toByteArray(), f.toByteArray());
                }
            }
            assertEquals(img.get(0, 0, 1), h.get(4, 0, 1));
            assertEquals(img.get(2, 0, 2), v.get(2, 3, 2));
            assertThrows(IllegalArgumentException.class, () -> new RandomHorizontalFlip(1.5));
        }
    }

    @Test
    void flipHalfOfTheTime() {
        int flipped = 0;
        try (Image img = ramp(3, 2)) {
            for (int i = 0; i < 1000; i++) {
                Image out = new RandomHorizontalFlip().apply(img, CounterRandom.of(7, 0, i, 0));
                if (out != img) {
                    flipped++;
                    out.close();
                }
            }
        }
        assertTrue(flipped > 400 && flipped < 600, "flipped " + flipped);
    }

    @Test
    void randomResizedCropParamsStayInRange() {
        RandomResizedCrop rrc = new RandomResizedCrop(224);
        for (int i = 0; i < 2000; i++) {
            RandomGenerator rng = CounterRandom.of(3, 0, i, 0);
            RandomResizedCrop.Params p = rrc.params(500, 375, rng);
            assertTrue(p.top() >= 0 && p.left() >= 0 && p.top() + p.height() <= 375 && p.left() + p.width() <= 500, p.toString());
            double ratio = (double) p.width() / p.height();
            boolean fallback = p.width() == 500 && p.height() == 375;
            assertTrue(fallback || (ratio > 0.7 && ratio < 1.4), p + " ratio " + ratio);
            assertEquals(p, rrc.params(500, 375, CounterRandom.of(3, 0, i, 0)), "same generator, same crop");
        }
    }

    @Test
    void randomResizedCropFallsBackToCentralCropWithClampedRatio() {
        // scale 1 and ratio 2 can never fit a square image: after 10 attempts, the centre crop with ratio 2
        RandomResizedCrop wide = RandomResizedCrop.builder(8).scale(1, 1).ratio(2, 2).build();
        assertEquals(new RandomResizedCrop.Params(25, 0, 50, 100), wide.params(100, 100, CounterRandom.of(0, 0, 0, 0)));
        RandomResizedCrop tall = RandomResizedCrop.builder(8).scale(1, 1).ratio(0.5, 0.5).build();
        assertEquals(new RandomResizedCrop.Params(0, 25, 100, 50), tall.params(100, 100, CounterRandom.of(0, 0, 0, 0)));
        RandomResizedCrop any = RandomResizedCrop.builder(8).scale(2, 2).ratio(0.5, 2).build();
        assertEquals(new RandomResizedCrop.Params(0, 0, 30, 40), any.params(40, 30, CounterRandom.of(0, 0, 0, 0)));
        try (Image img = ramp(40, 30); Image out = new RandomResizedCrop(16).apply(img, CounterRandom.of(1, 1, 1, 1))) {
            assertEquals(16, out.width());
            assertEquals(16, out.height());
        }
    }

    @Test
    void composeClosesIntermediatesButNotTheInput() {
        List<Image> made = new ArrayList<>();
        Compose<Image, Tensor> pipeline = Compose.of((Image img, RandomGenerator rng) -> {
            Image r = Functional.resize(img, 6, 6, InterpolationMode.BILINEAR);
            made.add(r);
            return r;
        }).then(new RandomHorizontalFlip(0)).then(new CenterCrop(4)).then(new ToTensor())
                .then(new Normalize(new float[] {0.5f}, new float[] {0.5f}));
        try (Image input = ramp(10, 8); Tensor out = pipeline.apply(input, CounterRandom.of(0, 0, 0, 0))) {
            assertFalse(input.isClosed());
            assertTrue(made.getFirst().isClosed());
            assertEquals("[3, 4, 4]", out.shape().toString());
        }
    }

    @Test
    void normalizeInplaceAndChecks() {
        try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 2)) {
            Tensor copy = new Normalize(new float[] {1, 2, 3}, new float[] {1, 2, 4}).apply(t, null);
            assertNotSame(t, copy);
            assertArrayEquals(new float[] {0, 1, 0.5f, 1, 0.5f, 0.75f}, copy.toFloatArray());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
            Tensor same = Normalize.inPlace(new float[] {1, 2, 3}, new float[] {1, 2, 4}).apply(t, null);
            assertSame(t, same);
            assertArrayEquals(copy.toFloatArray(), t.toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {0}));
            assertThrows(IllegalArgumentException.class,
                    () -> new Normalize(new float[] {0, 0}, new float[] {1, 1}).apply(t, null));
        }
    }

    @Test
    void augmentationIsDeterministicPerSampleThroughDatasetMap() {
        Dataset<Image> images = Datasets.of(List.of(ramp(40, 30), ramp(40, 30)));
        Dataset<Image> augmented = images.map(Compose.of(new RandomResizedCrop(12)).then(new RandomHorizontalFlip()));
        byte[] first = augmented.get(0).toByteArray();
        assertArrayEquals(first, augmented.get(0).toByteArray());
    }

    @Test
    void shorterSideSizeTruncatesLikeTorchvision() {
        assertArrayEquals(new int[] {256, 341}, Functional.shorterSideSize(500, 375, 256));
        assertArrayEquals(new int[] {341, 256}, Functional.shorterSideSize(375, 500, 256));
        assertArrayEquals(new int[] {375, 500}, Functional.shorterSideSize(500, 375, 375));
    }
}
