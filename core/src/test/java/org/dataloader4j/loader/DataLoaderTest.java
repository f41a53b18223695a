package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.SampleContext;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.sampler.BatchSampler;
import org.dataloader4j.sampler.SequentialSampler;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.OffHeapAssertions;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.testing.IndexDataset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour of the DataLoader; most tests run at 0 workers (the calling thread) and at several worker counts. */
class DataLoaderTest {

    /** Sample i is the number i, naming {@code /data/sample-i.bin} as its source. */
    private static Dataset<Long> numbers(long n) {
        return IndexDataset.numbers(n).withSources("/data/sample-%d.bin");
    }

    private static final Collate<Long, long[]> AS_ARRAY =
            samples -> samples.stream().mapToLong(Long::longValue).toArray();

    private static List<long[]> collect(Iterable<long[]> batches) {
        List<long[]> out = new ArrayList<>();
        batches.forEach(out::add);
        return out;
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("dataloader4j-worker-") && t.isAlive())
                .count();
    }

    private long offHeapBefore;

    @BeforeEach
    void recordOffHeapMemory() {
        offHeapBefore = OffHeapAssertions.settledLiveBytes();
    }

    /** Every test, including every error case, ends with no worker thread and no off-heap byte left behind. */
    @AfterEach
    void noWorkerThreadOrOffHeapMemoryOutlivesItsTest() {
        assertEquals(0, workerThreads(), "worker threads still alive after the test");
        OffHeapAssertions.assertNoGrowthSince(offHeapBefore, "off-heap memory left behind by the test");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 8})
    void sequentialBatchesCoverTheDatasetInOrder(int workers) {
        try (var loader = DataLoader.builder(numbers(10)).batchSize(4).collate(AS_ARRAY).numWorkers(workers).build()) {
            assertEquals(3, loader.size());
            List<long[]> batches = collect(loader.epoch(0));
            assertEquals(3, batches.size());
            assertArrayEquals(new long[] {0, 1, 2, 3}, batches.get(0));
            assertArrayEquals(new long[] {4, 5, 6, 7}, batches.get(1));
            assertArrayEquals(new long[] {8, 9}, batches.get(2));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void dropLastDropsTheIncompleteBatch(int workers) {
        try (var loader = DataLoader.builder(numbers(10)).batchSize(4).dropLast(true).collate(AS_ARRAY)
                .numWorkers(workers).build()) {
            assertEquals(2, loader.size());
            assertEquals(2, collect(loader.epoch(0)).size());
        }
    }

    @Test
    void shuffleIsAPermutationThatChangesWithEpochAndRepeatsForTheSameEpoch() {
        try (var loader = DataLoader.builder(numbers(100)).batchSize(100).shuffle(true).seed(7).collate(AS_ARRAY)
                .build()) {
            long[] e0 = collect(loader.epoch(0)).getFirst();
            long[] e0again = collect(loader.epoch(0)).getFirst();
            long[] e1 = collect(loader.epoch(1)).getFirst();
            assertArrayEquals(e0, e0again);
            assertFalse(Arrays.equals(e0, e1), "epochs 0 and 1 have the same order");
            assertArrayEquals(LongStream.range(0, 100).toArray(), Arrays.stream(e0).sorted().toArray());
            assertFalse(Arrays.equals(LongStream.range(0, 100).toArray(), e0), "not shuffled");
        }
    }

    /** A random per-sample transform: the generator comes from (seed, epoch, position, index). */
    private static Dataset<Tensor> randomTensors(long n) {
        return numbers(n).map((i, rng) -> {
            float[] v = new float[8];
            for (int k = 0; k < v.length; k++) {
                v[k] = i + rng.nextFloat();
            }
            return Tensor.of(v);
        });
    }

    private static List<byte[]> epochBytes(int workers, long epoch, boolean inOrder) {
        var builder = DataLoader.builder(randomTensors(50)).batchSize(6).shuffle(true).seed(1234).inOrder(inOrder);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        List<byte[]> out = new ArrayList<>();
        try (var loader = builder.build()) {
            for (Batch batch : loader.epoch(epoch)) {
                try (batch) {
                    out.add(batch.tensor().toBytes());
                }
            }
        }
        return out;
    }

    @Test
    void batchesAreBitwiseIdenticalForAnyWorkerCount() {
        for (long epoch = 0; epoch < 2; epoch++) {
            List<byte[]> reference = epochBytes(0, epoch, true);
            for (int workers : new int[] {1, 2, 8}) {
                List<byte[]> other = epochBytes(workers, epoch, true);
                assertEquals(reference.size(), other.size());
                for (int b = 0; b < reference.size(); b++) {
                    assertArrayEquals(reference.get(b), other.get(b), "epoch " + epoch + " batch " + b
                            + " differs with " + workers + " workers");
                }
            }
        }
        assertFalse(Arrays.equals(epochBytes(0, 0, true).getFirst(), epochBytes(0, 1, true).getFirst()));
    }

    @Test
    void outOfOrderDeliveryKeepsEveryBatchsContent() {
        List<byte[]> reference = epochBytes(0, 0, true);
        List<byte[]> unordered = epochBytes(4, 0, false);
        Set<String> a = new HashSet<>(), b = new HashSet<>();
        reference.forEach(x -> a.add(Arrays.toString(x)));
        unordered.forEach(x -> b.add(Arrays.toString(x)));
        assertEquals(a, b);
    }

    @Test
    void iteratorStartsTheNextEpochEachTime() {
        try (var loader = DataLoader.builder(numbers(20)).batchSize(20).shuffle(true).seed(3).collate(AS_ARRAY)
                .build()) {
            long[] first = loader.iterator().next();
            long[] second = loader.iterator().next();
            assertArrayEquals(collect(loader.epoch(0)).getFirst(), first);
            assertArrayEquals(collect(loader.epoch(1)).getFirst(), second);
        }
    }

    @Test
    void unseededLoaderReportsASeedThatReproducesIt() {
        long[] order;
        long seed;
        try (var loader = DataLoader.builder(numbers(30)).batchSize(30).shuffle(true).collate(AS_ARRAY).build()) {
            seed = loader.seed();
            order = collect(loader.epoch(0)).getFirst();
        }
        try (var again = DataLoader.builder(numbers(30)).batchSize(30).shuffle(true).seed(seed).collate(AS_ARRAY)
                .build()) {
            assertArrayEquals(order, collect(again.epoch(0)).getFirst());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void unbatchedDeliversSamplesOneByOne(int workers) {
        var builder = DataLoader.builder(numbers(5)).unbatched();
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (DataLoader<Long> loader = builder.build()) {
            List<Long> seen = new ArrayList<>();
            loader.epoch(0).forEach(seen::add);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seen);
        }
    }

    @Test
    void customBatchSamplerDecidesTheBatches() {
        BatchSampler pairsBackwards = new BatchSampler() {
            @Override
            public long size() {
                return 2;
            }

            @Override
            public Iterator<long[]> batches(long epoch) {
                return List.of(new long[] {3, 2}, new long[] {1, 0}).iterator();
            }
        };
        try (var loader = DataLoader.builder(numbers(4)).batchSampler(pairsBackwards).collate(AS_ARRAY).build()) {
            List<long[]> batches = collect(loader.epoch(0));
            assertArrayEquals(new long[] {3, 2}, batches.get(0));
            assertArrayEquals(new long[] {1, 0}, batches.get(1));
            assertEquals(2, loader.size());
        }
    }

    @Test
    void customSamplerDecidesTheOrder() {
        try (var loader = DataLoader.builder(numbers(6)).sampler(new SequentialSampler(3)).batchSize(2)
                .collate(AS_ARRAY).build()) {
            assertEquals(2, loader.size());
            assertArrayEquals(new long[] {2}, collect(loader.epoch(0)).get(1));
        }
    }

    @Test
    void defaultCollateStacksTensorSamples() {
        try (var loader = DataLoader.builder(randomTensors(10)).batchSize(4).seed(1).build()) {
            Batch first = loader.iterator().next();
            try (first) {
                assertEquals(List.of(4L, 8L), Arrays.stream(first.tensor().shape().toArray()).boxed().toList());
                assertEquals(DType.FLOAT32, first.tensor().dtype());
            }
        }
    }

    // ------------------------------------------------------------------ errors

    private static Dataset<Long> failingAt(long bad) {
        Dataset<Long> base = numbers(20);
        return new Dataset<>() {
            @Override
            public long size() {
                return base.size();
            }

            @Override
            public Long get(long index) {
                if (index == bad) {
                    throw new IllegalStateException("corrupt record");
                }
                return base.get(index);
            }

            @Override
            public Optional<String> source(long index) {
                return base.source(index);
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void failingSampleIsNamedWithIndexFileAndCause(int workers) {
        var builder = DataLoader.builder(failingAt(13)).batchSize(4).collate(AS_ARRAY);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            var e = assertThrows(DataLoaderException.class, () -> collect(loader.epoch(0)));
            assertTrue(e.getMessage().matches("DataLoader failed to load sample 13 \\(/data/sample-13\\.bin\\) in epoch 0,"
                    + " batch 3, (worker \\d|on the calling thread): java\\.lang\\.IllegalStateException: corrupt record"),
                    e.getMessage());
            assertEquals(13, e.sampleIndex().orElseThrow());
            assertEquals("/data/sample-13.bin", e.source().orElseThrow());
            assertEquals(3, e.batchNumber().orElseThrow());
            assertEquals(workers > 0, e.workerId().isPresent());
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void failingCollateNamesTheBatchAndItsSamples(int workers) {
        Collate<Long, long[]> picky = samples -> {
            if (samples.contains(5L)) {
                throw new IllegalArgumentException("shapes differ");
            }
            return AS_ARRAY.collate(samples);
        };
        var builder = DataLoader.builder(numbers(8)).batchSize(3).collate(picky);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            var e = assertThrows(DataLoaderException.class, () -> collect(loader.epoch(0)));
            assertTrue(e.getMessage().contains("collate the samples [3, 4, 5]") && e.getMessage().contains("batch 1")
                    && e.getMessage().contains("shapes differ"), e.getMessage());
        }
    }

    @Test
    void stuckSampleTimesOutNamingItsIndexInsteadOfHanging() {
        Dataset<Long> stuck = new Dataset<>() {
            @Override
            public long size() {
                return 8;
            }

            @Override
            public Long get(long index) {
                if (index == 6) {
                    try {
                        Thread.sleep(Duration.ofMinutes(10));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted");
                    }
                }
                return index;
            }
        };
        try (var loader = DataLoader.builder(stuck).batchSize(4).numWorkers(2).timeout(Duration.ofMillis(300))
                .collate(AS_ARRAY).build()) {
            Iterator<long[]> it = loader.epoch(0).iterator();
            assertArrayEquals(new long[] {0, 1, 2, 3}, it.next());
            var e = assertThrows(DataLoaderException.class, it::next);
            assertEquals(6, e.sampleIndex().orElseThrow());
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(e.getMessage().contains("sample 6") && e.getMessage().contains("timeout"), e.getMessage());
        }
    }

    @Test
    void stuckCollateTimesOutNamingTheBatch() {
        Collate<Long, long[]> stuck = samples -> {
            try {
                Thread.sleep(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            return AS_ARRAY.collate(samples);
        };
        try (var loader = DataLoader.builder(numbers(8)).batchSize(4).numWorkers(2).timeout(Duration.ofMillis(300))
                .collate(stuck).build()) {
            var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).iterator().next());
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(e.getMessage().contains("collate the samples [0, 1, 2, 3]")
                    && e.getMessage().contains("batch 0 was not collated within PT0.3S"), e.getMessage());
        }
    }

    @Test
    void interruptedConsumerStopsTheEpoch() {
        CountDownLatch never = new CountDownLatch(1);
        Dataset<Long> slow = numbers(100).map((i, rng) -> {
            if (i >= 4) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return i;
        });
        try (var loader = DataLoader.builder(slow).batchSize(4).numWorkers(2).collate(AS_ARRAY).build()) {
            Iterator<long[]> it = loader.epoch(0).iterator();
            it.next();
            Thread.currentThread().interrupt();
            var e = assertThrows(DataLoaderException.class, it::next);
            assertTrue(Thread.interrupted(), "the interrupt flag is restored");
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertFalse(it.hasNext());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void abandonedEpochStopsWorkersAndFreesUndeliveredBatches(int workers) throws InterruptedException {
        long before = OffHeapAssertions.settledLiveBytes();
        try (var loader = DataLoader.builder(randomTensors(200)).batchSize(5).numWorkers(workers).seed(9).build()) {
            LoaderIterator<Batch> it = loader.iterator();
            try (Batch b = it.next()) {
                assertEquals(5, b.size());
            }
            it.close(); // abandon mid-epoch with prefetched batches in flight
            assertFalse(it.hasNext());
            assertEquals(0, workerThreads());
        }
        OffHeapAssertions.assertNoGrowthSince(before, "an abandoned epoch");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 4})
    void startingANewEpochClosesThePreviousIteratorLoudly(int workers) {
        try (var loader = DataLoader.builder(numbers(26)).batchSize(2).numWorkers(workers).collate(AS_ARRAY)
                .build()) {
            Iterator<long[]> first = loader.epoch(0).iterator();
            first.next();
            Iterator<long[]> second = loader.epoch(1).iterator();
            var e = assertThrows(IllegalStateException.class, first::hasNext, "never a silent truncation");
            assertTrue(e.getMessage().contains("epoch 0's iterator was closed after 1 delivered batches because epoch 1"
                    + " was started on the same DataLoader"), e.getMessage());
            assertThrows(IllegalStateException.class, first::next);
            assertEquals(13, collect(() -> second).size(), "the new epoch is complete");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void anEpochIsAutoCloseableSoStoppingEarlyNeedsNoCast(int workers) {
        try (var loader = DataLoader.builder(numbers(40)).batchSize(2).numWorkers(workers).collate(AS_ARRAY).build()) {
            LoaderIterator<long[]> started;
            try (Epoch<long[]> epoch = loader.epoch(1)) {
                started = epoch.iterator();
                assertArrayEquals(new long[] {0, 1}, started.next());
            }
            assertFalse(started.hasNext(), "closing the epoch stopped its iterator");
            assertEquals(0, workerThreads(), "and its workers");
            try (Epoch<long[]> again = loader.epoch(1)) {
                assertEquals(20, collect(again).size(), "an epoch can be read again in full");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aFinishedOrClosedIteratorIsNotDisturbedByTheNextEpoch(int workers) {
        try (var loader = DataLoader.builder(numbers(6)).batchSize(2).numWorkers(workers).collate(AS_ARRAY).build()) {
            Iterator<long[]> finished = loader.epoch(0).iterator();
            finished.forEachRemaining(b -> { });
            LoaderIterator<long[]> stopped = loader.epoch(1).iterator();
            stopped.next();
            stopped.close();
            assertEquals(3, collect(loader.epoch(2)).size());
            assertFalse(finished.hasNext());
            assertFalse(stopped.hasNext());
        }
    }

    @Test
    void workersStopAtTheEndOfEachEpochUnlessPersistent() {
        try (var loader = DataLoader.builder(numbers(10)).batchSize(5).numWorkers(2).collate(AS_ARRAY).build()) {
            collect(loader.epoch(0));
            assertEquals(0, workerThreads());
        }
        try (var loader = DataLoader.builder(numbers(10)).batchSize(5).numWorkers(2).persistentWorkers(true)
                .collate(AS_ARRAY).build()) {
            collect(loader.epoch(0));
            assertEquals(2, workerThreads());
            assertEquals(2, collect(loader.epoch(1)).size());
            assertEquals(2, workerThreads());
        }
    }

    @Test
    void persistentWorkersStartTheNextEpochBeforeItIsAskedFor() throws InterruptedException {
        Set<Long> epochsRead = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Dataset<Long> recording = numbers(40).map((i, rng) -> {
            epochsRead.add(org.dataloader4j.data.SampleContext.current(i).epoch());
            return i;
        });
        List<long[]> withHeadStart = new ArrayList<>();
        try (var loader = DataLoader.builder(recording).batchSize(4).shuffle(true).seed(6).numWorkers(2)
                .persistentWorkers(true).collate(AS_ARRAY).build()) {
            loader.epoch(0).forEach(withHeadStart::add);
            for (int i = 0; i < 500 && !epochsRead.contains(1L); i++) {
                Thread.sleep(10);
            }
            assertTrue(epochsRead.contains(1L), "epoch 1 started loading before it was asked for");
            loader.epoch(1).forEach(withHeadStart::add);
            loader.epoch(3).forEach(withHeadStart::add); // not the prefetched one: epoch 2's head start is dropped
        }
        List<long[]> plain = new ArrayList<>();
        try (var loader = DataLoader.builder(numbers(40)).batchSize(4).shuffle(true).seed(6).collate(AS_ARRAY)
                .build()) {
            for (long epoch : new long[] {0, 1, 3}) {
                loader.epoch(epoch).forEach(plain::add);
            }
        }
        assertEquals(plain.size(), withHeadStart.size());
        for (int i = 0; i < plain.size(); i++) {
            assertArrayEquals(plain.get(i), withHeadStart.get(i), "batch " + i);
        }
    }

    @Test
    void workerInitRunsOncePerWorkerThreadWithItsWorkerInfo() {
        List<WorkerInfo> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        // (worker id, epoch) of every sample read, and whether that worker had been initialised before it
        List<long[]> reads = java.util.Collections.synchronizedList(new ArrayList<>());
        Dataset<Long> recording = numbers(40).map((x, rng) -> {
            WorkerInfo w = SampleContext.current(x).worker();
            boolean initialised;
            synchronized (seen) {
                initialised = seen.stream().anyMatch(i -> i.id() == w.id() && i.epoch() <= w.epoch());
            }
            reads.add(new long[] {w.id(), w.epoch(), initialised ? 1 : 0});
            return x;
        });
        try (var loader = DataLoader.builder(recording).batchSize(2).numWorkers(3).seed(12).persistentWorkers(true)
                .workerInit(seen::add).collate(AS_ARRAY).build()) {
            collect(loader.epoch(0));
            collect(loader.epoch(1));
        }
        assertTrue(seen.size() <= 3 && !seen.isEmpty(), "once per thread for the loader's life: " + seen);
        assertEquals(seen.size(), seen.stream().map(WorkerInfo::id).distinct().count());
        assertTrue(seen.stream().allMatch(w -> w.numWorkers() == 3 && (w.epoch() == 0 || w.epoch() == 1)),
                seen.toString());
        assertTrue(seen.stream().allMatch(w -> w.dataset() != null && ((Dataset<?>) w.dataset()).size() == 40),
                "the worker sees the dataset it loads");
        // persistent workers may already have started epoch 2 when the loader closed: count epochs 0 and 1 only
        assertEquals(80, reads.stream().filter(r -> r[1] <= 1).count());
        for (long[] read : reads) {
            assertEquals(1, read[2], "worker " + read[0] + " read a sample of epoch " + read[1]
                    + " before its workerInit ran (inits: " + seen + ")");
        }
        // a worker's init carries the epoch in which it first read: the first epoch of that worker's reads
        for (WorkerInfo w : seen) {
            long firstEpoch = reads.stream().filter(r -> r[0] == w.id()).mapToLong(r -> r[1]).min().orElseThrow();
            assertEquals(firstEpoch, w.epoch(), "init of worker " + w.id());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void failingWorkerInitEndsTheEpochNamingTheWorker(boolean stream) {
        var builder = stream ? DataLoader.builder(stream(10)) : DataLoader.builder(numbers(10));
        try (var loader = builder.batchSize(2).numWorkers(2).workerInit(w -> {
            throw new IllegalStateException("no GPU for worker " + w.id());
        }).collate(AS_ARRAY).build()) {
            var e = assertThrows(DataLoaderException.class, () -> collect(loader.epoch(0)));
            assertTrue(e.getMessage().startsWith("DataLoader failed to initialise the worker (workerInit) in epoch 0,"
                    + " worker ") && e.getMessage().contains("no GPU for worker"), e.getMessage());
            assertTrue(e.workerId().isPresent());
        }
    }

    @Test
    void closedLoaderRefusesNewEpochs() {
        var loader = DataLoader.builder(numbers(3)).collate(AS_ARRAY).build();
        loader.close();
        var e = assertThrows(IllegalStateException.class, () -> loader.epoch(0).iterator());
        assertTrue(e.getMessage().contains("closed"));
    }

    // ------------------------------------------------------------------ iterable datasets

    private static IterableDataset<Long> stream(long n) {
        return worker -> LongStream.range(0, n).filter(worker::owns).boxed().iterator();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void streamElementsAreDeliveredExactlyOnceForAnyWorkerCount(int workers) {
        var builder = DataLoader.builder(stream(23)).batchSize(4).collate(AS_ARRAY);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            List<Long> all = new ArrayList<>();
            for (long[] batch : loader.epoch(0)) {
                for (long v : batch) {
                    all.add(v);
                }
            }
            assertEquals(LongStream.range(0, 23).boxed().toList(), all.stream().sorted().toList());
            assertEquals(UnsupportedOperationException.class,
                    assertThrows(UnsupportedOperationException.class, loader::size).getClass());
        }
    }

    @Test
    void streamOrderIsRoundRobinOverWorkers() {
        try (var loader = DataLoader.builder(stream(8)).batchSize(2).numWorkers(2).collate(AS_ARRAY).build()) {
            List<long[]> batches = collect(loader.epoch(0));
            // worker 0 owns 0,2,4,6 and worker 1 owns 1,3,5,7; batches alternate between them
            assertArrayEquals(new long[] {0, 2}, batches.get(0));
            assertArrayEquals(new long[] {1, 3}, batches.get(1));
            assertArrayEquals(new long[] {4, 6}, batches.get(2));
            assertArrayEquals(new long[] {5, 7}, batches.get(3));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void streamFailureNamesTheElementAndWorker(int workers) {
        IterableDataset<Long> broken = worker -> LongStream.range(0, 10).filter(worker::owns).boxed()
                .map(v -> {
                    if (v == 7) {
                        throw new IllegalStateException("bad line");
                    }
                    return v;
                }).iterator();
        var builder = DataLoader.builder(broken).batchSize(2).collate(AS_ARRAY);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            var e = assertThrows(DataLoaderException.class, () -> collect(loader.epoch(0)));
            assertTrue(e.getMessage().contains("of the stream") && e.getMessage().contains("bad line"), e.getMessage());
            assertEquals(workers > 0, e.workerId().isPresent());
        }
    }

    @Test
    void streamWorkersSeeTheirWorkerInfo() {
        List<WorkerInfo> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        IterableDataset<Long> recording = worker -> {
            seen.add(worker);
            return LongStream.range(0, 0).boxed().iterator();
        };
        try (var loader = DataLoader.builder(recording).numWorkers(3).seed(5).collate(AS_ARRAY).build()) {
            assertFalse(loader.epoch(2).iterator().hasNext());
        }
        assertEquals(Set.of(0, 1, 2), new HashSet<>(seen.stream().map(WorkerInfo::id).toList()));
        assertTrue(seen.stream().allMatch(w -> w.numWorkers() == 3 && w.epoch() == 2));
        assertEquals(3, seen.stream().map(WorkerInfo::seed).distinct().count(), "each worker has its own seed");
    }

    // ------------------------------------------------------------------ options

    private static void assertRefused(String expected, Runnable build) {
        var e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
    }

    @Test
    void conflictingOrInvalidOptionsAreRefusedNamingThem() {
        Dataset<Long> ds = numbers(4);
        assertRefused("batchSize should be a positive integer value, but got batchSize=0",
                () -> DataLoader.builder(ds).batchSize(0).build());
        assertRefused("sampler option is mutually exclusive with shuffle",
                () -> DataLoader.builder(ds).shuffle(true).sampler(new SequentialSampler(4)).build());
        assertRefused("batchSampler option is mutually exclusive with batchSize, shuffle, sampler, dropLast",
                () -> DataLoader.builder(ds).batchSize(2)
                        .batchSampler(BatchSampler.of(new SequentialSampler(4), 2)).build());
        assertRefused("batchSampler option is mutually exclusive", () -> DataLoader.builder(ds).dropLast(false)
                .batchSampler(BatchSampler.of(new SequentialSampler(4), 2)).build());
        assertRefused("numWorkers option should be non-negative or DataLoader.AUTO, but got numWorkers=-2",
                () -> DataLoader.builder(ds).numWorkers(-2).build());
        assertRefused("prefetchFactor option can only be given with numWorkers > 0, but got prefetchFactor=2",
                () -> DataLoader.builder(ds).prefetchFactor(2).build());
        assertRefused("prefetchFactor option should be a positive integer value, but got prefetchFactor=0",
                () -> DataLoader.builder(ds).numWorkers(1).prefetchFactor(0).build());
        assertRefused("workerInit runs on worker threads and needs numWorkers > 0",
                () -> DataLoader.builder(ds).workerInit(w -> { }).build());
        assertRefused("persistentWorkers option needs numWorkers > 0",
                () -> DataLoader.builder(ds).persistentWorkers(true).build());
        assertRefused("timeout option should be non-negative, but got timeout=PT-1S",
                () -> DataLoader.builder(ds).numWorkers(1).timeout(Duration.ofSeconds(-1)).build());
        assertRefused("timeout option applies to worker threads and needs numWorkers > 0",
                () -> DataLoader.builder(ds).timeout(Duration.ofSeconds(1)).build());
        assertRefused("mutually exclusive with batchSize and dropLast",
                () -> DataLoader.builder(ds).dropLast(true).unbatched().build());
        assertRefused("expected unspecified shuffle option, but got shuffle=true",
                () -> DataLoader.builder(stream(3)).shuffle(true).build());
        assertRefused("expected unspecified sampler option",
                () -> DataLoader.builder(stream(3)).sampler(new SequentialSampler(3)).build());
        var negativeEpoch = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(ds).build().epoch(-1));
        assertTrue(negativeEpoch.getMessage().contains("epoch=-1"));
    }

    @Test
    void optionsAreReadBack() {
        try (var loader = DataLoader.builder(numbers(4)).numWorkers(3).seed(11).build()) {
            assertEquals(3, loader.numWorkers());
            assertEquals(11, loader.seed());
            assertNotEquals("", loader.toString());
        }
    }
}
