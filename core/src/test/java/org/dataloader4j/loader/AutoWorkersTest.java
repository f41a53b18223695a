package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** numWorkers(AUTO) measures and picks the smallest worker count that keeps the consumer busy. */
class AutoWorkersTest {
    private static final int CORES = Math.max(1, Runtime.getRuntime().availableProcessors());

    private static Dataset<Long> slowToLoad(int n, long sleepMillis) {
        return Datasets.of(LongStream.range(0, n).boxed().toList()).map((i, rng) -> {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return i;
        });
    }

    @Test
    void addsWorkersWhileTheConsumerWaitsForBatches() {
        try (var loader = DataLoader.builder(slowToLoad(400, 2)).batchSize(2).numWorkers(DataLoader.AUTO)
                .collate(List::copyOf).build()) {
            assertEquals(1, loader.numWorkers(), "tuning starts with one worker");
            int batches = 0;
            for (List<Long> ignored : loader.epoch(0)) {
                batches++;
            }
            assertEquals(200, batches);
            assertEquals(CORES, loader.numWorkers(), loader.workerChoice());
            assertTrue(loader.workerChoice().contains("of up to " + CORES), loader.workerChoice());
            assertTrue(loader.toString().contains("AUTO(" + CORES + ")"), loader.toString());
        }
    }

    @Test
    void keepsOneWorkerWhenTheConsumerIsTheBottleneck() throws InterruptedException {
        try (var loader = DataLoader.builder(slowToLoad(96, 0)).batchSize(2).numWorkers(DataLoader.AUTO)
                .collate(List::copyOf).build()) {
            for (List<Long> ignored : loader.epoch(0)) {
                Thread.sleep(10); // a training step far slower than loading two numbers
            }
            assertEquals(1, loader.numWorkers(), loader.workerChoice());
            assertTrue(loader.workerChoice().startsWith("1 of up to"), loader.workerChoice());
        }
    }

    @Test
    void theChoiceNeverChangesTheBatches() {
        Dataset<Tensor> augmented = slowToLoad(60, 1).map((i, rng) -> Tensor.of(new float[] {i, rng.nextFloat()}));
        List<String> serial = new ArrayList<>();
        List<String> auto = new ArrayList<>();
        try (var loader = DataLoader.builder(augmented).batchSize(4).shuffle(true).seed(3).build()) {
            loader.epoch(1).forEach(b -> serial.add(bytes(b)));
        }
        try (var loader = DataLoader.builder(augmented).batchSize(4).shuffle(true).seed(3)
                .numWorkers(DataLoader.AUTO).build()) {
            loader.epoch(1).forEach(b -> auto.add(bytes(b)));
        }
        assertEquals(serial, auto);
    }

    private static String bytes(Batch batch) {
        try (batch) {
            return Arrays.toString(batch.tensor().toBytes());
        }
    }

    @Test
    void streamsNeedAFixedWorkerCount() {
        IterableDataset<Long> stream = worker -> LongStream.range(0, 4).boxed().iterator();
        var e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(stream).numWorkers(DataLoader.AUTO).build());
        assertTrue(e.getMessage().contains("numWorkers(AUTO) applies to map-style datasets"), e.getMessage());
    }

    @Test
    void fixedCountsAreReportedAsSuch() {
        try (var loader = DataLoader.builder(slowToLoad(4, 0)).numWorkers(2).build()) {
            assertEquals("2 workers (fixed)", loader.workerChoice());
        }
        try (var loader = DataLoader.builder(slowToLoad(4, 0)).build()) {
            assertTrue(loader.workerChoice().contains("calling thread"));
        }
    }
}
