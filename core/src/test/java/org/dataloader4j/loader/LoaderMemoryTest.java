package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.OffHeapAssertions;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The loader says what it holds in memory, and a byte budget bounds it. */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class LoaderMemoryTest {
    private static final int ROW_FLOATS = 256;           // 1 KiB per sample
    private static final int BATCH = 8;                  // 8 KiB per batch
    private static final long BATCH_BYTES = BATCH * ROW_FLOATS * 4L;

    private static Dataset<Tensor> rows(int n) {
        return Datasets.of(LongStream.range(0, n).boxed().toList()).map((i, rng) -> Tensor.of(new float[ROW_FLOATS]));
    }

    /** Waits (up to 10 s, never a timing assertion) until the loader's memory satisfies {@code condition}. */
    private static LoaderMemory awaitMemory(DataLoader<?> loader, Predicate<LoaderMemory> condition)
            throws InterruptedException {
        LoaderMemory m = loader.memory();
        for (int i = 0; i < 1000 && !condition.test(m); i++) {
            Thread.sleep(10);
            m = loader.memory();
        }
        return m;
    }

    @Test
    void readyBatchesAndTheirBytesAreReportedAndReleased() throws InterruptedException {
        try (var loader = DataLoader.builder(rows(200)).batchSize(BATCH).numWorkers(2).prefetchFactor(2).build()) {
            assertEquals(new LoaderMemory(0, 0, 0, 0, 0, 0, null), loader.memory());
            Iterator<Batch> it = loader.epoch(0).iterator();
            it.next().close();
            // after one delivery the window (2 workers x prefetch 2) is full again and fills with ready batches
            LoaderMemory full = awaitMemory(loader, m -> m.bytesReady() == 4 * BATCH_BYTES);
            assertEquals(4, full.batchesInFlight(), full.toString());
            assertEquals(4 * BATCH_BYTES, full.bytesReady(), full.toString());
            assertTrue(full.peakBytesReady() >= 4 * BATCH_BYTES);
            ((LoaderIterator<Batch>) it).close();
            LoaderMemory after = loader.memory();
            assertEquals(0, after.batchesInFlight(), after.toString());
            assertEquals(0, after.bytesReady(), after.toString());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 4})
    void defaultWindowHoldsTwoBatchesAtAnyWorkerCount(int workers) throws InterruptedException {
        try (var loader = DataLoader.builder(rows(400)).batchSize(BATCH).numWorkers(workers).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            for (int i = 0; i < 5; i++) {
                it.next().close();
                LoaderMemory m = awaitMemory(loader, x -> x.batchesInFlight() == 2 && x.bytesReady() == 2 * BATCH_BYTES);
                assertEquals(2, m.batchesInFlight(), "samples of a batch are spread over all " + workers
                        + " workers, so two batches in flight are enough: " + m);
                assertEquals(2 * BATCH_BYTES, m.bytesReady(), m.toString());
            }
            ((LoaderIterator<Batch>) it).close();
        }
    }

    @Test
    void defaultWindowKeepsTwoSamplesPerWorkerWhenBatchesAreSmall() throws InterruptedException {
        // batches of one sample, 4 workers: two batches would leave two workers idle; 8 keep 2 samples per worker
        try (var loader = DataLoader.builder(rows(100)).batchSize(1).numWorkers(4).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            it.next().close();
            long rowBytes = ROW_FLOATS * 4L;
            LoaderMemory m = awaitMemory(loader, x -> x.batchesInFlight() == 8 && x.bytesReady() == 8 * rowBytes);
            assertEquals(8, m.batchesInFlight(), m.toString());
            assertEquals(8 * rowBytes, m.bytesReady(), m.toString());
            ((LoaderIterator<Batch>) it).close();
        }
    }

    @Test
    void oneBatchIsInFlightUntilTheBatchLayoutIsKnown() throws InterruptedException {
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Dataset<Tensor> gated = Datasets.of(LongStream.range(0, 64).boxed().toList()).map((i, rng) -> {
            if (i == 0) {
                reading.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Tensor.of(new float[ROW_FLOATS]);
        });
        try (var loader = DataLoader.builder(gated).batchSize(BATCH).numWorkers(2).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            try {
                assertTrue(reading.await(10, java.util.concurrent.TimeUnit.SECONDS), "sample 0 was never read");
                assertEquals(1, loader.memory().batchesInFlight(), "before the first batch is collated its layout is"
                        + " unknown, and later batches could not be preallocated: " + loader.memory());
            } finally {
                release.countDown();
            }
            it.next().close();
            LoaderMemory m = awaitMemory(loader, x -> x.batchesInFlight() == 2 && x.bytesReady() == 2 * BATCH_BYTES);
            assertEquals(2, m.batchesInFlight(), "once the layout is known, the window is the default: " + m);
            ((LoaderIterator<Batch>) it).close();
        }
    }

    @Test
    void budgetBoundsTheBytesHeldForTheConsumer() throws InterruptedException {
        long budget = 2 * BATCH_BYTES + BATCH_BYTES / 2;
        try (var loader = DataLoader.builder(rows(400)).batchSize(BATCH).numWorkers(2).prefetchFactor(8)
                .maxInflightBytes(budget).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            for (int i = 0; i < 10; i++) {
                it.next().close();
                LoaderMemory m = awaitMemory(loader, x -> x.bytesReady() == x.batchesInFlight() * BATCH_BYTES);
                assertTrue(m.bytesReady() <= budget, m.toString());
                assertEquals(2, m.batchesInFlight(), "the budget allows 2 batches of " + BATCH_BYTES + " bytes: " + m);
            }
            assertTrue(loader.memory().peakBytesReady() <= budget, loader.memory().toString());
            assertEquals(budget, loader.memory().budgetBytes());
        }
    }

    @Test
    void streamBatchesAreCountedUntilDelivered() throws InterruptedException {
        IterableDataset<Tensor> stream = worker -> LongStream.range(0, 64).filter(worker::owns)
                .mapToObj(i -> Tensor.of(new float[ROW_FLOATS])).iterator();
        try (var loader = DataLoader.builder(stream).batchSize(BATCH).numWorkers(2).prefetchFactor(1).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            it.next().close();
            LoaderMemory m = awaitMemory(loader, x -> x.batchesInFlight() >= 2
                    && x.bytesReady() == x.batchesInFlight() * BATCH_BYTES);
            assertTrue(m.batchesInFlight() >= 2 && m.bytesReady() == m.batchesInFlight() * BATCH_BYTES, m.toString());
            ((LoaderIterator<Batch>) it).close();
            LoaderMemory after = loader.memory();
            assertEquals(0, after.batchesInFlight(), after.toString());
            assertEquals(0, after.bytesReady(), after.toString());
        }
    }

    @Test
    void closedBatchesLendTheirMemoryToTheNextOnes() {
        try (var loader = DataLoader.builder(rows(64)).batchSize(BATCH).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            Batch first = it.next();
            long address = first.tensor().data().address();
            first.close();
            assertEquals(BATCH_BYTES, loader.memory().pooledBytes());
            try (Batch second = it.next()) {
                assertEquals(address, second.tensor().data().address(), "the closed batch's memory is reused");
                assertEquals(0, loader.memory().pooledBytes());
            }
            assertThrows(IllegalStateException.class, () -> first.tensor().getFloat(0, 0),
                    "the closed batch cannot read the memory now serving the next one");
        }
    }

    @Test
    void pinnedBatchesArePageLockedOrSayWhyNot() {
        try (var loader = DataLoader.builder(rows(64)).batchSize(BATCH).numWorkers(2).pinMemory(true).build()) {
            try (Batch batch = loader.epoch(0).iterator().next()) {
                LoaderMemory m = loader.memory();
                assertTrue(m.pinnedBytes() >= BATCH_BYTES || m.pinFailure() != null, m.toString());
                assertEquals(DType.FLOAT32, batch.tensor().dtype());
            }
        }
        try (var unpinned = DataLoader.builder(rows(8)).batchSize(BATCH).build()) {
            unpinned.epoch(0).forEach(Batch::close);
            assertEquals(0, unpinned.memory().pinnedBytes());
            assertEquals(null, unpinned.memory().pinFailure());
        }
    }

    @Test
    void closingTheLoaderFreesItsPool() {
        long before = OffHeapAssertions.settledLiveBytes();
        try (var loader = DataLoader.builder(rows(64)).batchSize(BATCH).numWorkers(2).build()) {
            loader.epoch(0).forEach(Batch::close);
            assertTrue(loader.memory().pooledBytes() > 0);
        }
        OffHeapAssertions.assertNoGrowthSince(before, "a closed loader");
    }

    @Test
    void budgetNeedsWorkersAndAPositiveValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(rows(4)).maxInflightBytes(1024).build());
        assertTrue(e.getMessage().contains("needs numWorkers > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(rows(4)).numWorkers(1).maxInflightBytes(0).build());
        assertTrue(e.getMessage().contains("maxInflightBytes=0"), e.getMessage());
    }
}
