package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.dataloader4j.data.BatchContext;
import org.dataloader4j.data.ConcatDataset;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.data.SampleContext;
import org.dataloader4j.data.Subset;
import org.dataloader4j.testing.NoLeftoversExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loader reads map-style datasets through {@code Dataset.getBatch}: one call per batch, or per worker's share
 * of one; wrappers keep a dataset's batch reads; failures are named as precisely as the dataset lets them be; and
 * skipping failed samples still finds exactly the bad ones.
 */
@ExtendWith(NoLeftoversExtension.class)
class GetBatchLoaderTest {
    private static final int BATCH = 5;

    /** Sample i is i; reads whole batches at once (as one query would) and counts the calls; get is never used. */
    private static final class Table implements Dataset<Long> {
        final long size;
        final Set<Long> failingBatchesWith;
        final AtomicInteger batchCalls = new AtomicInteger();
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        Table(long size, Set<Long> failingBatchesWith) {
            this.size = size;
            this.failingBatchesWith = failingBatchesWith;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public Long get(long index) {
            if (failingBatchesWith.contains(index)) {
                throw new IllegalStateException("row " + index + " is corrupt");
            }
            return Datasets.checkIndex(index, size);
        }

        @Override
        public List<Long> getBatch(long[] indices) {
            batchCalls.incrementAndGet();
            batchSizes.add(indices.length);
            List<Long> rows = new ArrayList<>(indices.length);
            for (long index : indices) {
                if (failingBatchesWith.contains(index)) {
                    throw new IllegalStateException("the query for " + indices.length + " rows failed");
                }
                rows.add(Datasets.checkIndex(index, size));
            }
            return rows;
        }

        @Override
        public Optional<String> source(long index) {
            return Optional.of("table row " + index);
        }
    }

    private static <T> List<List<T>> epoch(Dataset<T> dataset, int workers, boolean shuffle) {
        return epoch(dataset, workers, shuffle, SampleErrorPolicy.fail());
    }

    private static <T> List<List<T>> epoch(Dataset<T> dataset, int workers, boolean shuffle, SampleErrorPolicy policy) {
        List<List<T>> out = new ArrayList<>();
        try (var loader = DataLoader.builder(dataset).batchSize(BATCH).shuffle(shuffle).seed(9).numWorkers(workers)
                .onSampleError(policy).<List<T>>collate(List::copyOf).build()) {
            loader.epoch(3).forEach(out::add);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 4})
    void aDatasetThatReadsWholeBatchesGetsOneCallPerWorkerShareAndTheSameBatchesForAnyWorkerCount(int workers) {
        Table table = new Table(23, Set.of());
        List<List<Long>> batches = epoch(table, workers, true);
        assertEquals(epoch(new Table(23, Set.of()), 0, true), batches);
        assertEquals(5, batches.size());
        int shares = 0;
        for (List<Long> batch : batches) {
            shares += Math.max(1, Math.min(workers, batch.size()));
        }
        assertEquals(shares, table.batchCalls.get(), "one getBatch per batch at 0 workers, per worker share above");
        assertEquals(23, table.batchSizes.stream().mapToInt(Integer::intValue).sum(), "each sample read once");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void wrappersKeepTheDatasetsBatchReads(int workers) {
        Table table = new Table(30, Set.of());
        Dataset<Long> wrapped = ConcatDataset.of(new Subset<>(table, new long[] {29, 3, 17, 8, 8, 0, 12}),
                new Subset<>(table, new long[] {1, 2}).map((i, rng) -> -i));
        List<List<Long>> batches = epoch(wrapped, workers, false);
        assertEquals(List.of(List.of(29L, 3L, 17L, 8L, 8L), List.of(0L, 12L, -1L, -2L)), batches);
        assertTrue(table.batchCalls.get() <= 4 * Math.max(1, workers), "a few getBatch calls: " + table.batchSizes);
        assertEquals(9, table.batchSizes.stream().mapToInt(Integer::intValue).sum(), "no sample read on its own");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aFailureOfAnOverriddenGetBatchNamesTheBatchAndTheEpochGoesOn(int workers) {
        Table table = new Table(20, Set.of(7L));
        try (var loader = DataLoader.builder(table).batchSize(BATCH).numWorkers(workers).collate(List::copyOf)
                .build()) {
            Iterator<List<Long>> it = loader.epoch(0).iterator();
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), it.next());
            var e = assertThrows(DataLoaderException.class, it::next);
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals(1, e.batchNumber().orElseThrow());
            assertTrue(e.getMessage().contains("read the samples [") && e.getMessage().contains("Dataset.getBatch")
                    && e.getMessage().contains("the query for"), e.getMessage());
            assertEquals(workers > 0, e.workerId().isPresent(), e.getMessage());
            assertEquals(List.of(10L, 11L, 12L, 13L, 14L), it.next(), "the epoch goes on after the failed batch");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aGetBatchThatReturnsTooFewSamplesIsNamed(int workers) {
        Dataset<Long> short_ = new Dataset<>() {
            @Override
            public long size() {
                return 10;
            }

            @Override
            public Long get(long index) {
                return index;
            }

            @Override
            public List<Long> getBatch(long[] indices) {
                return List.of(indices[0]);
            }
        };
        try (var loader = DataLoader.builder(short_).batchSize(4).numWorkers(workers).collate(List::copyOf).build()) {
            var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).iterator().next());
            assertTrue(e.getMessage().contains("getBatch returned 1 samples for"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aSampleFailingInsideASubsetIsNamedByItsIndexAndFile(int workers) {
        Dataset<Long> files = new Dataset<>() {
            @Override
            public long size() {
                return 10;
            }

            @Override
            public Long get(long index) {
                if (index == 6) {
                    throw new IllegalStateException("truncated file");
                }
                return index;
            }

            @Override
            public Optional<String> source(long index) {
                return Optional.of("/data/" + index + ".bin");
            }
        };
        Subset<Long> subset = new Subset<>(files, new long[] {0, 1, 2, 9, 6, 5});
        try (var loader = DataLoader.builder(subset).batchSize(3).numWorkers(workers).collate(List::copyOf).build()) {
            Iterator<List<Long>> it = loader.epoch(0).iterator();
            assertEquals(List.of(0L, 1L, 2L), it.next());
            var e = assertThrows(DataLoaderException.class, it::next);
            assertEquals(4, e.sampleIndex().orElseThrow(), "the index the loader gave");
            assertEquals("/data/6.bin", e.source().orElseThrow());
            assertTrue(e.getMessage().contains("sample 4 (/data/6.bin)") && e.getMessage().contains("batch 1"),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 4})
    void skippingReadsAFailedGetBatchAgainSampleBySampleAndLeavesOutOnlyTheBadSamples(int workers) {
        Table table = new Table(20, Set.of(7L, 13L));
        List<List<Long>> batches = epoch(table, workers, false, SampleErrorPolicy.skip(5));
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L, 4L), List.of(5L, 6L, 8L, 9L), List.of(10L, 11L, 12L, 14L),
                List.of(15L, 16L, 17L, 18L, 19L)), batches);
    }

    /** Sample i is i * 1000 plus a number drawn from its context; getBatch reads each sample through the context. */
    private static Dataset<Long> drawing(long failing) {
        return new Dataset<>() {
            @Override
            public long size() {
                return 12;
            }

            @Override
            public Long get(long index) {
                return index * 1000 + SampleContext.current(index).random(1).nextInt(1000);
            }

            @Override
            public List<Long> getBatch(long[] indices) {
                List<Long> out = new ArrayList<>();
                for (int slot = 0; slot < indices.length; slot++) {
                    long index = indices[slot];
                    out.add(BatchContext.readSlot(slot, () -> {
                        if (index == failing) {
                            throw new IllegalArgumentException("bad row");
                        }
                        return get(index);
                    }));
                }
                return out;
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aGetBatchOverrideThatReadsThroughTheContextDrawsTheSameNumbersAtAnyWorkerCount(int workers) {
        List<List<Long>> expected = epoch(drawing(-1), 0, true);
        assertEquals(expected, epoch(drawing(-1), workers, true));
        List<Long> drawn = expected.stream().flatMap(List::stream).map(v -> v % 1000).distinct().toList();
        assertTrue(drawn.size() > 6, "each sample draws its own number: " + expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aGetBatchOverrideThatReadsThroughTheContextHasItsFailuresNamedPerSample(int workers) {
        try (var loader = DataLoader.builder(drawing(5)).batchSize(4).numWorkers(workers).collate(List::<Long>copyOf)
                .build()) {
            Iterator<List<Long>> it = loader.epoch(0).iterator();
            assertEquals(4, it.next().size());
            var e = assertThrows(DataLoaderException.class, it::next);
            assertEquals(5, e.sampleIndex().orElseThrow(), e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertEquals(4, it.next().size(), "the epoch goes on");
        }
    }

    @Test
    void aTimeoutNamesTheSampleBeingReadWithinAWorkersShare() {
        Dataset<Long> stuckAtOne = new Dataset<>() {
            @Override
            public long size() {
                return 8;
            }

            @Override
            public Long get(long index) {
                if (index == 1) {
                    try {
                        Thread.sleep(10_000); // until the timeout stops the epoch (an interrupt)
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                return index;
            }
        };
        try (var loader = DataLoader.builder(stuckAtOne).batchSize(4).numWorkers(2)
                .timeout(java.time.Duration.ofMillis(300)).collate(List::<Long>copyOf).build()) {
            var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).iterator().next());
            assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause());
            assertEquals(1, e.sampleIndex().orElseThrow(), "sample 0 of the same share was read: " + e.getMessage());
            assertTrue(e.workerId().isPresent(), e.getMessage());
        }
    }
}
