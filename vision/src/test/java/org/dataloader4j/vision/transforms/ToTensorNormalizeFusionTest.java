package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ToTensor followed by Normalize runs as one pass, bitwise equal, written straight into the batch in a loader. */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ToTensorNormalizeFusionTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private static Image image(long seed) {
        return Fixtures.noise(Image.Mode.RGB, 6, 5, seed);
    }

    /** torchvision's two steps, written out: x = byte / 255f, then (x - mean) / std, in float32. */
    private static float[] expected(Image img) {
        byte[] px = img.toByteArray();
        int plane = img.width() * img.height();
        float[] out = new float[3 * plane];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < plane; i++) {
                float x = (px[i * 3 + k] & 0xFF) / 255f;
                out[k * plane + i] = (x - MEAN[k]) / STD[k];
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void insideALoaderTheNormalizedImagesAreWrittenStraightIntoTheBatch(int workers) {
        AtomicInteger inPlace = new AtomicInteger();
        Compose<Image, Tensor> pipeline = Compose.of(new ToTensor()).then(new Normalize(MEAN, STD))
                .then((t, rng) -> {
                    if (!t.ownsMemory()) {
                        inPlace.incrementAndGet(); // a row of the preallocated batch, not a tensor of its own
                    }
                    return t;
                });
        Dataset<Tensor> images = Datasets.of(LongStream.range(0, 24).boxed().toList())
                .map((i, rng) -> image(i)).map(pipeline);
        var builder = DataLoader.builder(images).batchSize(4);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        int row = 0;
        try (var loader = builder.build()) {
            for (Batch batch : loader.epoch(0)) {
                try (batch) {
                    for (int b = 0; b < batch.size(); b++, row++) {
                        try (Image img = image(row)) {
                            assertArrayEquals(expected(img), batch.tensor().select(b).toFloatArray(), "image " + row);
                        }
                    }
                }
            }
        }
        assertEquals(24, row);
        assertEquals(24, inPlace.get(), "from the first batch on (which learns the layout), every image goes"
                + " straight into its row");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void theFusedPassEqualsTheTwoStagesBitwise(int seed) {
        try (Image img = image(seed)) {
            Tensor fused = Compose.of(new ToTensor()).then(new Normalize(MEAN, STD)).apply(img, CounterRandom.fromKey(0));
            Tensor staged = new Normalize(MEAN, STD).apply(new ToTensor().apply(img, null), null);
            assertArrayEquals(expected(img), fused.toFloatArray());
            assertArrayEquals(staged.toFloatArray(), fused.toFloatArray());
            assertEquals(List.of(3L, 5L, 6L), List.of(fused.shape().dim(0), fused.shape().dim(1), fused.shape().dim(2)));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 1.0})
    void aFlipBeforeToTensorIsFoldedIntoThePassWithTheSameCoinAndTheSameBits(double p) {
        int flipped = 0;
        for (Image.Mode mode : new Image.Mode[] {Image.Mode.RGB, Image.Mode.L, Image.Mode.RGBA}) {
            float[] mean = mode == Image.Mode.RGB ? MEAN : new float[] {0.5f};
            float[] std = mode == Image.Mode.RGB ? STD : new float[] {0.25f};
            for (int seed = 0; seed < 16; seed++) {
                try (Image img = Fixtures.noise(mode, 7 + seed % 3, 5, seed)) {
                    CounterRandom fusedRng = CounterRandom.of(9, 0, seed, 0);
                    CounterRandom stagedRng = CounterRandom.of(9, 0, seed, 0);
                    Image mirrored = new RandomHorizontalFlip(p).apply(img, stagedRng);
                    try (Tensor fused = Compose.of(new RandomHorizontalFlip(p)).then(new ToTensor())
                            .then(new Normalize(mean, std)).apply(img, fusedRng);
                         Tensor plain = new ToTensor().apply(mirrored, stagedRng);
                         Tensor staged = new Normalize(mean, std).apply(plain, stagedRng);
                         Tensor fusedPlain = Compose.of(new RandomHorizontalFlip(p)).then(new ToTensor())
                                 .apply(img, CounterRandom.of(9, 0, seed, 0))) {
                        assertArrayEquals(staged.toFloatArray(), fused.toFloatArray(), mode + " image " + seed);
                        assertEquals(stagedRng.nextLong(), fusedRng.nextLong(), "the same draws were made");
                        assertArrayEquals(plain.toFloatArray(), fusedPlain.toFloatArray(), "without Normalize, " + seed);
                    } finally {
                        if (mirrored != img) {
                            flipped++;
                            mirrored.close();
                        }
                    }
                }
            }
        }
        if (p == 0.0) {
            assertEquals(0, flipped);
        } else if (p == 1.0) {
            assertEquals(48, flipped);
        } else {
            assertTrue(flipped > 8 && flipped < 40, "about half flipped: " + flipped);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void normalizeRefusesMeansThatDoNotMatchTheChannelsAfterTheFusedFlip(int channels) {
        Image.Mode mode = channels == 1 ? Image.Mode.L : Image.Mode.RGBA;
        try (Image img = Fixtures.noise(mode, 4, 3, 1)) {
            var pipeline = Compose.of(new RandomHorizontalFlip(1.0)).then(new ToTensor()).then(new Normalize(MEAN, STD));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> pipeline.apply(img, CounterRandom.fromKey(1)));
            assertTrue(e.getMessage().contains("3 means") && e.getMessage().contains(channels + " channels"),
                    e.getMessage());
        }
    }
}
