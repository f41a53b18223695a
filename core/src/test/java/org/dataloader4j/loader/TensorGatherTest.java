package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.collate.DefaultCollate;
import org.dataloader4j.collate.LeafCollator;
import org.dataloader4j.data.ConcatDataset;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Subset;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.data.TensorRows;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.sampler.Sampler;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gather fast path (datasets with {@code TensorRows}: a TensorDataset, and Subsets and concatenations of them)
 * gives exactly what reading samples and collating them gives, at any worker count.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class TensorGatherTest {

    private static TensorDataset mixed(int n) {
        CounterRandom rng = CounterRandom.fromKey(n);
        float[] images = new float[n * 3 * 2];
        for (int i = 0; i < images.length; i++) {
            images[i] = rng.nextFloat();
        }
        long[] labels = LongStream.range(0, n).map(i -> i % 7).toArray();
        byte[] masks = new byte[n * 5];
        for (int i = 0; i < masks.length; i++) {
            masks[i] = (byte) rng.nextInt(256);
        }
        return new TensorDataset(Tensor.of(images, n, 3, 2), Tensor.of(labels), Tensor.of(masks, n, 5));
    }

    private static String describe(Batch batch) {
        try (batch) {
            StringBuilder sb = new StringBuilder(batch.size() + ":");
            for (int i = 0; i < 3; i++) {
                Tensor t = batch.tensor(i);
                sb.append(t.dtype()).append(t.shape()).append(Arrays.toString(t.toBytes()));
            }
            return sb.toString();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void fastPathEqualsReadingSamplesAndCollating(int workers) {
        TensorDataset dataset = mixed(37);
        List<String> fast = new ArrayList<>();
        List<String> general = new ArrayList<>();
        var fastBuilder = DataLoader.builder(dataset).batchSize(5).shuffle(true).seed(8);
        // the same default collate behind a lambda turns the fast path off
        Collate<List<Tensor>, Batch> slow = samples -> Collate.defaultCollate().collate(new ArrayList<>(samples));
        var slowBuilder = DataLoader.builder(dataset).batchSize(5).shuffle(true).seed(8).collate(slow);
        if (workers > 0) {
            fastBuilder.numWorkers(workers);
            slowBuilder.numWorkers(workers);
        }
        try (var loader = fastBuilder.build()) {
            loader.epoch(2).forEach(b -> fast.add(describe(b)));
        }
        try (var loader = slowBuilder.build()) {
            loader.epoch(2).forEach(b -> general.add(describe(b)));
        }
        assertEquals(8, fast.size());
        assertEquals(general, fast);
    }

    /**
     * Rows of tensors that can only be copied: {@code get} and {@code getBatch} fail, so only the gather path reads
     * them; counts the copies, each of which runs {@link #beforeCopy} first.
     */
    private static class RowsOnly implements Dataset<List<Tensor>> {
        final TensorDataset tensors;
        final AtomicInteger copies = new AtomicInteger();

        RowsOnly(TensorDataset tensors) {
            this.tensors = tensors;
        }

        @Override
        public long size() {
            return tensors.size();
        }

        @Override
        public List<Tensor> get(long index) {
            throw new AssertionError("get(" + index + ") although the rows can be gathered");
        }

        @Override
        public List<List<Tensor>> getBatch(long[] indices) {
            throw new AssertionError("getBatch although the rows can be gathered");
        }

        @Override
        public Optional<TensorRows> tensorRows() {
            TensorRows rows = tensors.tensorRows().orElseThrow();
            return Optional.of(new TensorRows() {
                @Override
                public List<Row> layout() {
                    return rows.layout();
                }

                @Override
                public void copyRows(long[] indices, int[] into, List<Tensor> batch) {
                    copies.incrementAndGet();
                    beforeCopy(indices);
                    rows.copyRows(indices, into, batch);
                }
            });
        }

        /** Runs on the copying thread before the rows of {@code indices} are copied; nothing by default. */
        void beforeCopy(long[] indices) {
        }
    }

    /** The batches of an epoch, through the given collate (null: the default) at {@code workers} workers. */
    private static List<String> epoch(Dataset<List<Tensor>> dataset, int workers, Collate<List<Tensor>, Batch> collate) {
        var builder = DataLoader.builder(dataset).batchSize(6).shuffle(true).seed(4);
        if (collate != null) {
            builder.collate(collate);
        }
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        List<String> out = new ArrayList<>();
        try (var loader = builder.build()) {
            loader.epoch(1).forEach(b -> out.add(describe(b)));
        }
        return out;
    }

    /** The batches of a {@code size}-sample epoch in batches of 6: the gather copies each in one call. */
    private static int batches(long size) {
        return (int) ((size + 5) / 6);
    }

    private static final Collate<List<Tensor>, Batch> GENERAL =
            samples -> Collate.defaultCollate().collate(new ArrayList<>(samples));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void subsetOfTensorDatasetIsGatheredAndIdenticalForAnyWorkerCount(int workers) {
        TensorDataset tensors = mixed(40);
        long[] picked = LongStream.range(0, 25).map(i -> (i * 7 + 3) % 40).toArray();
        RowsOnly rows = new RowsOnly(tensors);
        List<String> gathered = epoch(new Subset<>(rows, picked), workers, null);
        assertEquals(epoch(new Subset<>(tensors, picked), 0, GENERAL), gathered);
        assertEquals(batches(25), rows.copies.get(), "one copy call per batch");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void concatenationOfTensorDatasetsIsGatheredAndIdenticalForAnyWorkerCount(int workers) {
        TensorDataset first = mixed(9);
        TensorDataset second = mixed(14);
        RowsOnly a = new RowsOnly(first);
        RowsOnly b = new RowsOnly(second);
        List<String> gathered = epoch(ConcatDataset.of(a, b), workers, null);
        assertEquals(epoch(ConcatDataset.of(first, second), 0, GENERAL), gathered);
        assertTrue(a.copies.get() > 0 && b.copies.get() > 0, "each part copies the rows of its own samples");
        assertTrue(a.copies.get() + b.copies.get() <= 2 * batches(23), "at most one copy call per part and batch");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aConcatenationOfTensorDatasetsOfDifferentLayoutsIsReadAsSamples(int workers) {
        TensorDataset wide = new TensorDataset(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        TensorDataset narrow = new TensorDataset(Tensor.of(new float[] {5, 6, 7}, 3, 1));
        var builder = DataLoader.builder(ConcatDataset.of(wide, narrow)).batchSize(5);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).forEach(Batch::close));
            assertTrue(e.getMessage().contains("collate the samples [0, 1, 2, 3, 4]"), e.getMessage());
        }
    }

    /** The settings TensorGather.of reads: the dataset, the collate and the sample error policy. */
    private static LoaderConfig<List<Tensor>, Batch> config(TensorDataset dataset, Collate<Object, Batch> collate) {
        return new LoaderConfig<>(dataset, null, null, 0, false, collate, 0, 0, 2, false, null, false, true, null,
                null, null, null, SampleErrorPolicy.fail(), null);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void readPathSaysWhetherRowsAreGatheredAndWhyNot(int workers) {
        TensorDataset dataset = mixed(12);
        Collate<List<Tensor>, Batch> lambda = samples -> Collate.defaultCollate().collate(new ArrayList<>(samples));
        try (var tensors = DataLoader.builder(dataset).batchSize(4).numWorkers(workers).build();
             var subset = DataLoader.builder(new Subset<>(dataset, new long[] {3, 1, 4})).batchSize(2)
                     .numWorkers(workers).build();
             var mapped = DataLoader.builder(dataset.map((s, rng) -> s)).batchSize(4).numWorkers(workers).build();
             var custom = DataLoader.builder(dataset).batchSize(4).numWorkers(workers).collate(lambda).build();
             var skipping = DataLoader.builder(dataset).batchSize(4).numWorkers(workers)
                     .onSampleError(SampleErrorPolicy.skip(1)).build()) {
            assertTrue(tensors.readPath().startsWith("rows gathered"), tensors.readPath());
            assertTrue(subset.readPath().startsWith("rows gathered"), subset.readPath());
            assertTrue(mapped.readPath().contains("rows not gathered because the dataset (MappedDataset) has no"
                    + " tensorRows(): a map transforms each sample"), mapped.readPath());
            assertTrue(custom.readPath().contains("rows not gathered because the collate"), custom.readPath());
            assertTrue(skipping.readPath().contains("rows not gathered because failed samples are skipped"),
                    skipping.readPath());
            assertEquals(workers > 0, mapped.readPath().contains("share"), mapped.readPath());
        }
    }

    @Test
    void aDefaultCollateWithLeavesKeepsTheGatherUnlessALeafCoversTensorsOrTheSampleList() {
        TensorDataset dataset = mixed(4);
        LeafCollator<Object> leaf = (values, allocator) -> values.size();
        assertNotNull(TensorGather.of(config(dataset, DefaultCollate.INSTANCE)));
        assertNotNull(TensorGather.of(config(dataset, DefaultCollate.builder().leaf(StringBuilder.class, leaf)
                .leaf(Number.class, leaf).build())));
        assertNull(TensorGather.of(config(dataset, DefaultCollate.builder().leaf(Tensor.class, leaf).build())));
        assertNull(TensorGather.of(config(dataset, DefaultCollate.builder().leaf(AutoCloseable.class, leaf).build())));
        assertNull(TensorGather.of(config(dataset, DefaultCollate.builder().leaf(List.class, leaf).build())));
        assertNull(TensorGather.of(config(dataset, DefaultCollate.builder().leaf(java.util.Collection.class, leaf)
                .build())));
        TensorDataset single = new TensorDataset(Tensor.of(new long[] {1, 2, 3}));
        assertNull(TensorGather.of(config(single, DefaultCollate.builder().leaf(List.class, leaf).build())));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aListLeafOverTensorDatasetSamplesIsAppliedOnTheGeneralPath(int workers) {
        LeafCollator<Object> count = (values, allocator) -> values.size() + " samples";
        var builder = DataLoader.builder(mixed(7)).batchSize(3).collate(DefaultCollate.builder()
                .leaf(List.class, count).build());
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        List<Object> contents = new ArrayList<>();
        try (var loader = builder.build()) {
            loader.epoch(0).forEach(b -> {
                try (b) {
                    contents.add(b.content());
                }
            });
        }
        assertEquals(List.of("3 samples", "3 samples", "1 samples"), contents);
    }

    /**
     * Gathered batches wake the consumer two at a time (the first done batch waits for the second while a worker
     * has it under way), but a done batch is never held behind a stuck one: the consumer looks again within
     * milliseconds. Batch 1 completes only once the consumer holds batch 0 and batch 2 is under way and stuck.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aGatheredBatchIsDeliveredWhileTheNextIsStuck(int workers) {
        CountDownLatch firstReceived = new CountDownLatch(1);
        CountDownLatch thirdStarted = new CountDownLatch(1);
        CountDownLatch releaseThird = new CountDownLatch(1);
        AtomicBoolean thirdFinished = new AtomicBoolean();
        Dataset<List<Tensor>> dataset = new RowsOnly(mixed(8)) {
            @Override
            void beforeCopy(long[] indices) {
                try {
                    if (indices[0] == 2) { // batch 1
                        assertTrue(firstReceived.await(10, TimeUnit.SECONDS), "batch 0 was not received");
                        assertTrue(thirdStarted.await(10, TimeUnit.SECONDS), "batch 2 did not start");
                    } else if (indices[0] == 4) { // batch 2: stuck until the test has batch 1
                        thirdStarted.countDown();
                        releaseThird.await(10, TimeUnit.SECONDS);
                        thirdFinished.set(true);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        };
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                try (var loader = DataLoader.builder(dataset).batchSize(2).numWorkers(workers).build()) {
                    Iterator<Batch> it = loader.epoch(0).iterator();
                    it.next().close();
                    firstReceived.countDown();
                    try (Batch second = it.next()) { // done while batch 2 is stuck
                        assertEquals(2, second.size());
                        assertFalse(thirdFinished.get(), "batch 1 was held until batch 2 finished");
                    }
                    releaseThird.countDown();
                    int rest = 0;
                    while (it.hasNext()) {
                        it.next().close();
                        rest++;
                    }
                    assertEquals(2, rest);
                }
            });
        } finally {
            releaseThird.countDown();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void anIndexOutsideTheDatasetIsNamed(int workers) {
        Sampler beyond = new Sampler() {
            @Override
            public long size() {
                return 3;
            }

            @Override
            public PrimitiveIterator.OfLong indices(long epoch) {
                return LongStream.of(0, 1, 40).iterator();
            }
        };
        var builder = DataLoader.builder(mixed(10)).sampler(beyond).batchSize(3);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).forEach(Batch::close));
            assertEquals(40, e.sampleIndex().orElseThrow());
            assertInstanceOf(IndexOutOfBoundsException.class, e.getCause());
            assertTrue(e.getMessage().contains("index 40 is out of range for a dataset of size 10"), e.getMessage());
        }
        assertEquals(DType.FLOAT32, mixed(1).tensors().getFirst().dtype());
    }
}
