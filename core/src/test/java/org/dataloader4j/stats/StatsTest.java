package org.dataloader4j.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.DataLoaderException;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatsTest {
    private static final int N = 37;

    /** N images [3, 4, 5]: channel c of image i holds (i * 7 + p * 3 + c * 11) % 17 / 16, p the pixel. */
    private static Tensor images() {
        Tensor t = Tensor.zeros(DType.FLOAT32, N, 3, 4, 5);
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 20; p++) {
                    t.setFloat(((i * 7 + p * 3 + c * 11) % 17) / 16f, i, c, p / 5, p % 5);
                }
            }
        }
        return t;
    }

    /** Mean and population std per channel, by a plain two-pass over all pixels. */
    private static double[][] twoPass(Tensor t) {
        double[][] out = new double[2][3];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < 20; p++) {
                    sum += t.getFloat(i, c, p / 5, p % 5);
                }
            }
            double mean = sum / (N * 20);
            double sq = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < 20; p++) {
                    double d = t.getFloat(i, c, p / 5, p % 5) - mean;
                    sq += d * d;
                }
            }
            out[0][c] = mean;
            out[1][c] = Math.sqrt(sq / (N * 20));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void perChannelMeanAndStdOfADatasetReadByWorkers(int workers) {
        try (Tensor x = images(); Tensor y = Tensor.zeros(DType.INT64, N)) {
            double[][] want = twoPass(x);
            ChannelStats s = Stats.compute(new TensorDataset(x, y), 8, workers);
            assertEquals(N * 20L, s.count());
            assertEquals(3, s.channels());
            assertArrayEquals(want[0], s.mean(), 1e-12);
            assertArrayEquals(want[1], s.std(), 1e-12);
            assertEquals(s.summary().std()[2], s.std()[2]);
        }
    }

    record Sample(Tensor image, long label) {
    }

    @Test
    void recordAndBareTensorSamplesAndLoaderBatches() {
        try (Tensor x = images()) {
            double[][] want = twoPass(x);
            TensorDataset rows = new TensorDataset(x);
            Dataset<Sample> records = rows.map((s, rng) -> new Sample(s.getFirst(), 1));
            Dataset<Tensor> bare = rows.map((s, rng) -> s.getFirst());
            assertArrayEquals(want[0], Stats.compute(records).mean(), 1e-12);
            assertArrayEquals(want[1], Stats.compute(bare, 5, 2).std(), 1e-12);
            try (DataLoader<Batch> loader = DataLoader.builder(records).batchSize(10).numWorkers(2).build()) {
                ChannelStats s = Stats.compute(loader.epoch(0));
                assertArrayEquals(want[0], s.mean(), 1e-12);
                assertArrayEquals(want[1], s.std(), 1e-12);
            }
        }
    }

    @Test
    void samplesThatAreNotImagesAreRefusedWithWhatTheyAre() {
        try (Tensor flat = Tensor.zeros(DType.FLOAT32, 4, 6)) {
            DataLoaderException e = assertThrows(DataLoaderException.class,
                    () -> Stats.compute(new TensorDataset(flat)));
            Throwable cause = e.getCause();
            assertTrue(cause instanceof IllegalArgumentException && cause.getMessage().contains("CHW")
                    && cause.getMessage().contains("[6]"), String.valueOf(cause));
        }
        Dataset<String> words = new Dataset<>() {
            public long size() {
                return 1;
            }

            public String get(long i) {
                return "x";
            }
        };
        DataLoaderException e = assertThrows(DataLoaderException.class, () -> Stats.compute(words));
        assertTrue(e.getCause().getMessage().contains("java.lang.String"), e.getCause().getMessage());
        assertThrows(IllegalArgumentException.class, () -> Stats.compute(new TensorDataset(Tensor.zeros(DType.FLOAT32,
                0, 3, 2, 2))));
        assertThrows(IllegalArgumentException.class, () -> Stats.compute(List.<Batch>of()));
    }
}
