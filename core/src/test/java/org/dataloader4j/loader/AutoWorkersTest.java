package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * numWorkers(AUTO) measures and picks the smallest worker count that keeps the consumer busy. The tuner
 * is driven by a synthetic clock (no test depends on timing); the loader-level tests check what does not.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
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

    private static final long MS = 1_000_000;

    /** Feeds the tuner one round of batches, as a synthetic clock: each waited and worked for the given times. */
    private static boolean round(WorkerTuner tuner, long waitNanos, long workNanos) {
        boolean changed = false;
        for (int i = 0; i < WorkerTuner.ROUND; i++) {
            changed |= tuner.observe(waitNanos, workNanos);
        }
        return changed;
    }

    @Test
    void addsAWorkerAfterEachRoundInWhichTheConsumerWaitedUpToTheCoreCount() {
        WorkerTuner tuner = WorkerTuner.auto(4);
        assertEquals(1, tuner.active(), "tuning starts with one worker");
        for (int expected = 2; expected <= 4; expected++) {
            assertTrue(round(tuner, 5 * MS, MS), "a round where the consumer waited 83% adds a worker");
            assertEquals(expected, tuner.active());
        }
        assertTrue(tuner.decision().startsWith("tuning"), tuner.decision());
        assertFalse(round(tuner, 5 * MS, MS), "every core works: no more workers");
        assertEquals("4 of up to 4 workers (the consumer waited 83% of the last 8 batches)", tuner.decision());
        assertFalse(round(tuner, 5 * MS, MS), "decided: nothing changes any more");
        assertEquals(4, tuner.active());
    }

    @Test
    void keepsOneWorkerWhenTheConsumerIsTheBottleneck() {
        WorkerTuner tuner = WorkerTuner.auto(4);
        assertFalse(round(tuner, MS / 10, 10 * MS));
        assertTrue(tuner.decision().startsWith("tuning: 1 of up to 4"), tuner.decision());
        assertFalse(round(tuner, MS / 10, 10 * MS));
        assertEquals(1, tuner.active());
        assertEquals("1 of up to 4 workers (the consumer waited 1% of the last 8 batches)", tuner.decision());
    }

    @Test
    void stopsAddingOnceTheWaitStaysBelowATenthForTwoRounds() {
        WorkerTuner tuner = WorkerTuner.auto(8);
        round(tuner, 3 * MS, MS);
        round(tuner, 3 * MS, MS);
        assertEquals(3, tuner.active());
        round(tuner, MS / 20, MS);   // 5 % waiting: calm
        round(tuner, 2 * MS, MS);    // a noisy round in between adds one more
        assertEquals(4, tuner.active());
        round(tuner, 0, MS);
        assertTrue(tuner.decision().startsWith("tuning"), "one calm round after a change is not enough");
        round(tuner, MS / 20, MS);
        assertEquals(4, tuner.active());
        assertTrue(tuner.decision().startsWith("4 of up to 8 workers"), tuner.decision());
    }

    @Test
    void aFixedCountIsNeverTuned() {
        WorkerTuner tuner = WorkerTuner.fixed(3);
        assertFalse(round(tuner, 100 * MS, MS));
        assertEquals(3, tuner.active());
        assertEquals("3 workers (fixed)", tuner.decision());
    }

    @Test
    void anAutoLoaderStartsWithOneWorkerAndReportsTuning() {
        try (var loader = DataLoader.builder(slowToLoad(40, 0)).batchSize(2).numWorkers(DataLoader.AUTO)
                .collate(List::copyOf).build()) {
            assertEquals(1, loader.numWorkers(), "tuning starts with one worker");
            assertTrue(loader.workerChoice().contains("of up to " + CORES), loader.workerChoice());
            int batches = 0;
            for (List<Long> ignored : loader.epoch(0)) {
                batches++;
            }
            assertEquals(20, batches);
            assertTrue(loader.toString().contains("AUTO("), loader.toString());
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
