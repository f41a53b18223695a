package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.collate.DefaultCollate;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.OffHeapAssertions;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.tensor.TensorAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Samples written through BatchMemory.allocateSample land straight in their batch rows: one write, no copy. */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class SlotWriteTest {

    /** Sample i is a tensor of {@code width(i)} floats written through allocateSample; counts rows that were batch rows. */
    private static Dataset<Tensor> written(int n, java.util.function.LongUnaryOperator width, AtomicInteger inPlace) {
        return Datasets.of(LongStream.range(0, n).boxed().toList()).map((i, rng) -> {
            int w = (int) width.applyAsLong(i);
            Tensor t = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(w));
            for (int k = 0; k < w; k++) {
                t.setFloat(i * 100 + k + rng.nextFloat(), k);
            }
            if (!t.ownsMemory()) {
                inPlace.incrementAndGet(); // a view: the row of a preallocated batch tensor
            }
            return t;
        });
    }

    private static List<String> epoch(Dataset<Tensor> dataset, int workers, boolean slotsPossible) {
        return epoch(dataset, workers, slotsPossible ? Collate.defaultCollate()
                : samples -> Collate.defaultCollate().collate(new ArrayList<>(samples)));
    }

    private static List<String> epoch(Dataset<Tensor> dataset, int workers, Collate<? super Tensor, Batch> collate) {
        var builder = DataLoader.builder(dataset).batchSize(5).shuffle(true).seed(4).collate(collate);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        List<String> out = new ArrayList<>();
        try (var loader = builder.build()) {
            for (Object b : loader.epoch(1)) {
                try (Batch batch = (Batch) b) {
                    out.add(batch.tensor().shape() + Arrays.toString(batch.tensor().toBytes()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void everySampleFromTheFirstBatchOnIsWrittenInPlaceWithTheSameBytes(int workers) {
        AtomicInteger inPlace = new AtomicInteger();
        long before = OffHeapAssertions.settledLiveBytes();
        List<String> direct = epoch(written(40, i -> 6, inPlace), workers, true);
        AtomicInteger none = new AtomicInteger();
        List<String> copied = epoch(written(40, i -> 6, none), workers, false);
        assertEquals(copied, direct);
        assertEquals(0, none.get(), "a custom collate gets no preallocated rows");
        // the first batch learns the layout while its samples write into the tensors it allocates as they ask
        assertEquals(40, inPlace.get(), "samples written in place");
        OffHeapAssertions.assertNoGrowthSince(before, "preallocated batches");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aDefaultCollateWithCustomLeavesGetsNoPreallocatedRowsAndTheSameBytes(int workers) {
        AtomicInteger inPlace = new AtomicInteger();
        List<String> direct = epoch(written(40, i -> 6, inPlace), workers, true);
        AtomicInteger none = new AtomicInteger();
        DefaultCollate withLeaf = DefaultCollate.builder()
                .leaf(StringBuilder.class, (List<StringBuilder> v, TensorAllocator a) -> String.join("", v)).build();
        List<String> general = epoch(written(40, i -> 6, none), workers, withLeaf);
        assertEquals(direct, general);
        assertTrue(inPlace.get() > 0, "the plain default collate writes samples in place");
        assertEquals(0, none.get(), "a custom value may hold a tensor written into a batch row: no preallocation");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aChangeOfShapeIsRelearnedAndStaysCorrect(int workers) {
        AtomicInteger inPlace = new AtomicInteger();
        long before = OffHeapAssertions.settledLiveBytes();
        // sequential batches of 5: indices 0-9 have 4 floats, 10-19 have 7, 20-29 have 4 again
        Dataset<Tensor> changing = written(30, i -> (i / 10) % 2 == 0 ? 4 : 7, inPlace);
        List<String> shapes = new ArrayList<>();
        var builder = DataLoader.builder(changing).batchSize(5);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            for (Batch batch : loader.epoch(0)) {
                try (batch) {
                    shapes.add(batch.tensor().shape().toString());
                    for (int row = 0; row < batch.size(); row++) {
                        float first = batch.tensor().getFloat(row, 0);
                        assertEquals(shapes.size() * 5 - 5 + row, (int) (first / 100), "row " + row);
                    }
                }
            }
        }
        assertEquals(List.of("[5, 4]", "[5, 4]", "[5, 7]", "[5, 7]", "[5, 4]", "[5, 4]"), shapes);
        OffHeapAssertions.assertNoGrowthSince(before, "preallocated batches of a changing layout");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aFailingSampleLeavesNoPreallocatedMemoryBehind(int workers) {
        long before = OffHeapAssertions.settledLiveBytes();
        AtomicInteger inPlace = new AtomicInteger();
        Dataset<Tensor> failing = written(30, i -> {
            if (i == 17) {
                throw new IllegalStateException("bad sample");
            }
            return 8;
        }, inPlace);
        var builder = DataLoader.builder(failing).batchSize(5);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).forEach(Batch::close));
            assertEquals(17, e.sampleIndex().orElseThrow());
        }
        OffHeapAssertions.assertNoGrowthSince(before, "a failed epoch with preallocated batches");
    }

    /**
     * Batches that fail (or are dropped by close) give the memory preallocated for their rows back to the pool as
     * soon as no worker writes into it, rather than leaving it to the garbage collector.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 4})
    void failedAndDroppedBatchesGiveTheirPreallocatedRowsBack(int workers) {
        AtomicInteger inPlace = new AtomicInteger();
        Dataset<Tensor> rows = written(300, i -> 4, inPlace);
        Dataset<Tensor> failing = new Dataset<>() {
            @Override
            public long size() {
                return rows.size();
            }

            @Override
            public Tensor get(long index) {
                Tensor t = rows.get(index);
                if (index % 13 == 3) {
                    t.close();
                    throw new IllegalStateException("bad sample " + index);
                }
                return t;
            }
        };
        long unclosed = org.dataloader4j.tensor.OffHeapAssertions.unclosedPooledTensors();
        try (var loader = DataLoader.builder(failing).batchSize(5).numWorkers(workers).build()) {
            java.util.Iterator<Batch> it = loader.epoch(0).iterator();
            for (int calls = 0; calls < 30; calls++) { // some batches fail; stop halfway with batches in flight
                try {
                    it.next().close();
                } catch (DataLoaderException expected) {
                    // a batch with a bad sample
                }
            }
        }
        for (int i = 0; i < 20; i++) {
            System.gc();
            org.dataloader4j.tensor.OffHeapAssertions.settledLiveBytes();
        }
        assertTrue(inPlace.get() > 0, "samples were written into preallocated rows");
        assertEquals(unclosed, org.dataloader4j.tensor.OffHeapAssertions.unclosedPooledTensors(),
                "preallocated batch memory left to the garbage collector");
    }

    /** Two outputs of one dtype and shape, written in the other order than the collate stacks them. */
    record Pair(Tensor a, Tensor b) {
    }

    /**
     * A transform that allocates its outputs in another order than the record declares them: each lands in a row of
     * the other column's preallocated tensor, and the batch must still hold the right values in the right column.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2})
    void outputsWrittenInAnotherOrderThanTheyAreStackedKeepTheirValues(int workers) {
        Dataset<Pair> pairs = Datasets.of(LongStream.range(0, 20).boxed().toList()).map((i, rng) -> {
            Tensor b = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(2));
            Tensor a = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(2));
            a.setFloat(i, 0);
            a.setFloat(i + 0.5f, 1);
            b.setFloat(-i - 1, 0);
            b.setFloat(-i - 1.5f, 1);
            return new Pair(a, b);
        });
        var builder = DataLoader.builder(pairs).batchSize(5);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            long batchStart = 0;
            for (Batch batch : loader.epoch(0)) {
                try (batch) {
                    float[] a = batch.tensor("a").toFloatArray();
                    float[] b = batch.tensor("b").toFloatArray();
                    for (int r = 0; r < 5; r++) {
                        long i = batchStart + r;
                        assertEquals(i, a[2 * r], "a of sample " + i);
                        assertEquals(i + 0.5f, a[2 * r + 1], "a of sample " + i);
                        assertEquals(-i - 1, b[2 * r], "b of sample " + i);
                        assertEquals(-i - 1.5f, b[2 * r + 1], "b of sample " + i);
                    }
                    batchStart += 5;
                }
            }
            assertEquals(20, batchStart);
        }
    }

    /**
     * A sample that asks for two tensors of its row's shape (a scratch one, then its output) gets the row for the
     * first and memory of its own for the second; that one is freed as soon as the batch is collated, not left to
     * the garbage collector, and the batch still holds the outputs.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aSampleTensorThatNoRowServedIsFreedOnceItsBatchIsCollated(int workers) {
        long before = OffHeapAssertions.settledLiveBytes();
        java.util.Map<Long, Tensor> outputs = new java.util.concurrent.ConcurrentHashMap<>();
        Dataset<Tensor> twoSteps = Datasets.of(LongStream.range(0, 30).boxed().toList()).map((i, rng) -> {
            Tensor scratch = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(3));
            Tensor out = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(3));
            for (int k = 0; k < 3; k++) {
                scratch.setFloat(i + k, k);
                out.setFloat(2 * scratch.getFloat(k), k);
            }
            outputs.put(i, out);
            return out;
        });
        var builder = DataLoader.builder(twoSteps).batchSize(5);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        int batches = 0;
        try (var loader = builder.build()) {
            for (Batch batch : loader.epoch(0)) {
                try (batch) {
                    for (int r = 0; r < 5; r++) {
                        long i = batches * 5L + r;
                        for (int k = 0; k < 3; k++) {
                            assertEquals(2f * (i + k), batch.tensor().getFloat(r, k), "sample " + i + ", value " + k);
                        }
                        Tensor out = outputs.get(i);
                        assertTrue(!out.ownsMemory() || out.isClosed(),
                                "sample " + i + "'s own output tensor is freed once its batch is collated");
                    }
                }
                batches++;
            }
        }
        assertEquals(6, batches);
        OffHeapAssertions.assertNoGrowthSince(before, "sample tensors apart from the rows");
    }

    /**
     * A sample that asks for many tensors of one shape makes the learning batch allocate at most
     * {@code MAX_LEARNED_TENSORS} batch tensors for them; the rest are its own, freed once collated, and the batch
     * holds the last one's values.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aLearningBatchAllocatesABoundedNumberOfBatchTensors(int workers) {
        long before = OffHeapAssertions.settledLiveBytes();
        int steps = org.dataloader4j.collate.internal.PreallocatedBatch.MAX_LEARNED_TENSORS + 3;
        AtomicInteger largestBatchTensors = new AtomicInteger();
        Dataset<Tensor> manySteps = Datasets.of(LongStream.range(0, 10).boxed().toList()).map((i, rng) -> {
            Tensor last = null;
            int rows = 0;
            for (int step = 0; step < steps; step++) {
                last = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(2));
                last.setFloat(i * 10 + step, 0);
                last.setFloat(-i, 1);
                if (!last.ownsMemory()) {
                    rows++;
                }
            }
            largestBatchTensors.accumulateAndGet(rows, Math::max);
            return last;
        });
        var builder = DataLoader.builder(manySteps).batchSize(5);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (var loader = builder.build()) {
            long i = 0;
            for (Batch batch : loader.epoch(0)) {
                try (batch) {
                    for (int r = 0; r < batch.size(); r++, i++) {
                        assertEquals(i * 10 + steps - 1, batch.tensor().getFloat(r, 0), "sample " + i);
                        assertEquals(-i, batch.tensor().getFloat(r, 1), "sample " + i);
                    }
                }
            }
            assertEquals(10, i);
        }
        assertEquals(org.dataloader4j.collate.internal.PreallocatedBatch.MAX_LEARNED_TENSORS, largestBatchTensors.get(),
                "rows handed to one sample of the learning batch");
        OffHeapAssertions.assertNoGrowthSince(before, "a learning batch of many tensors");
    }
}
