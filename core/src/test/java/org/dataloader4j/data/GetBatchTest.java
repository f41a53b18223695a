package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Dataset.getBatch and Dataset.tensorRows: what each dataset and wrapper reads, and in which calls. */
class GetBatchTest {

    /** Sample i is "s" + i; records every get and getBatch call. */
    static final class Recording implements Dataset<String> {
        final long size;
        final List<Long> gets = new ArrayList<>();
        final List<long[]> batches = new ArrayList<>();

        Recording(long size) {
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public synchronized String get(long index) {
            gets.add(Datasets.checkIndex(index, size));
            return "s" + index;
        }

        @Override
        public List<String> getBatch(long[] indices) {
            synchronized (this) {
                batches.add(indices.clone());
            }
            return Arrays.stream(indices).mapToObj(i -> "s" + Datasets.checkIndex(i, size)).toList();
        }
    }

    @Test
    void theDefaultGetBatchGivesWhatGetGivesForEachIndexInOrder() {
        Dataset<String> letters = Datasets.of(List.of("a", "b", "c", "d"));
        assertEquals(List.of("d", "a", "a", "c"), letters.getBatch(new long[] {3, 0, 0, 2}));
        assertEquals(List.of(), letters.getBatch(new long[0]));
        var e = assertThrows(IndexOutOfBoundsException.class, () -> letters.getBatch(new long[] {1, 4}));
        assertTrue(e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void aSubsetHandsItsWholeBatchToTheDatasetsGetBatchWithTheMappedIndices() {
        Recording inner = new Recording(10);
        Subset<String> subset = new Subset<>(inner, new long[] {9, 7, 5, 3});
        assertEquals(List.of("s3", "s9", "s5"), subset.getBatch(new long[] {3, 0, 2}));
        assertEquals(1, inner.batches.size());
        assertArrayEquals(new long[] {3, 9, 5}, inner.batches.getFirst());
        assertEquals(List.of(), inner.gets, "no sample is read on its own");
        assertThrows(IndexOutOfBoundsException.class, () -> subset.getBatch(new long[] {4}));
    }

    @Test
    void aConcatenationCallsEachPartsGetBatchOnceWithItsLocalIndicesAndKeepsTheOrder() {
        Recording first = new Recording(3);
        Recording empty = new Recording(0);
        Recording second = new Recording(4);
        ConcatDataset<String> all = ConcatDataset.of(first, empty, second);
        assertEquals(List.of("s1", "s0", "s2", "s3", "s0", "s1"), all.getBatch(new long[] {4, 3, 2, 6, 0, 1}));
        assertEquals(1, first.batches.size());
        assertArrayEquals(new long[] {2, 0, 1}, first.batches.getFirst());
        assertEquals(1, second.batches.size());
        assertArrayEquals(new long[] {1, 0, 3}, second.batches.getFirst());
        assertEquals(List.of(), empty.batches, "a part holding none of the indices is not asked");
        var e = assertThrows(IndexOutOfBoundsException.class, () -> all.getBatch(new long[] {0, 7}));
        assertTrue(e.getMessage().contains("7"), e.getMessage());
    }

    @Test
    void aMappedDatasetTransformsTheBatchItsSourceReadAtOnceAsGetWould() {
        Recording inner = new Recording(6);
        Dataset<String> mapped = inner.map((s, rng) -> s + ":" + rng.nextInt(1000));
        long[] indices = {5, 1, 1, 4};
        List<String> batch = mapped.getBatch(indices);
        assertEquals(1, inner.batches.size());
        List<String> oneByOne = LongStream.of(indices).mapToObj(mapped::get).toList();
        assertEquals(oneByOne, batch, "outside a loader each sample is transformed with get's generator");
    }

    @Test
    void insideABatchContextEachSlotIsTransformedWithItsOwnPositionEvenThroughAConcatenation() {
        Dataset<String> a = Datasets.of(List.of("a0", "a1", "a2")).map((s, rng) -> s + ":" + rng.nextInt(1_000_000));
        Dataset<String> b = Datasets.of(List.of("b0", "b1")).map((s, rng) -> s + ":" + rng.nextInt(1_000_000));
        ConcatDataset<String> all = ConcatDataset.of(a, b);
        long[] indices = {4, 0, 4, 2, 3};
        WorkerInfo worker = WorkerInfo.single(5, 2);
        BatchContext batch = new BatchContext(5, 2, 40, indices, worker, null);
        List<String> read = BatchContext.callWith(batch, () -> all.getBatch(indices));
        List<String> alone = new ArrayList<>();
        for (int slot = 0; slot < indices.length; slot++) {
            long index = indices[slot];
            alone.add(SampleContext.callWith(new SampleContext(5, 2, 40 + slot, index, worker), () -> all.get(index)));
        }
        assertEquals(alone, read);
        assertTrue(!read.get(0).equals(read.get(2)), "a repeated index at another position draws other numbers");
    }

    @Test
    void aPartOfABatchMapsItsSlotsToTheOuterSlots() {
        WorkerInfo worker = WorkerInfo.single(1, 0);
        BatchContext batch = new BatchContext(1, 0, 10, new long[] {7, 8, 9}, worker, null);
        BatchContext part = batch.part(new int[] {2, 0});
        assertEquals(2, part.size());
        assertEquals(new SampleContext(1, 0, 12, 9, worker), part.sample(0));
        assertEquals(new SampleContext(1, 0, 10, 7, worker), part.part(new int[] {1}).sample(0));
        var e = assertThrows(IndexOutOfBoundsException.class, () -> part.sample(2));
        assertTrue(e.getMessage().contains("slot 2") && e.getMessage().contains("2 samples"), e.getMessage());
    }

    @Test
    void aSlotReaderSeesEveryPerSampleReadWithTheOuterSlot() {
        List<Integer> slots = new ArrayList<>();
        BatchContext.SlotReader reader = (slot, context, action) -> {
            slots.add(slot);
            return action.get();
        };
        Dataset<String> letters = Datasets.of(List.of("a", "b", "c")).map((s, rng) -> s.toUpperCase());
        ConcatDataset<String> twice = ConcatDataset.of(letters, letters);
        long[] indices = {4, 0};
        List<String> read = BatchContext.callWith(new BatchContext(0, 0, 0, indices, null, reader),
                () -> twice.getBatch(indices));
        assertEquals(List.of("B", "A"), read);
        assertEquals(List.of(1, 1, 0, 0), slots, "get, then transform, of each part's slots, named by outer slot");
    }

    private static TensorDataset rows(long n, long first) {
        float[] values = new float[(int) n * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = first * 2 + i;
        }
        return new TensorDataset(Tensor.of(values, n, 2), Tensor.of(LongStream.range(first, first + n).toArray()));
    }

    @Test
    void subsetsAndConcatenationsOfTensorDatasetsHaveRowsAndCopyEachSampleIntoItsRow() {
        TensorDataset first = rows(3, 0);
        TensorDataset second = rows(4, 3);
        Dataset<List<Tensor>> wrapped = new Subset<>(ConcatDataset.of(first, second), new long[] {6, 2, 3, 0});
        TensorRows rows = wrapped.tensorRows().orElseThrow();
        assertEquals(List.of(new TensorRows.Row(DType.FLOAT32, Shape.of(2)), new TensorRows.Row(DType.INT64,
                Shape.of())), rows.layout());
        try (Tensor x = Tensor.zeros(DType.FLOAT32, Shape.of(4, 2)); Tensor y = Tensor.zeros(DType.INT64,
                Shape.of(4))) {
            rows.copyRows(new long[] {0, 1, 2, 3}, new int[] {3, 2, 1, 0}, List.of(x, y));
            assertArrayEquals(new long[] {0, 3, 2, 6}, y.toLongArray());
            assertArrayEquals(new float[] {0, 1, 6, 7, 4, 5, 12, 13}, x.toFloatArray());
            assertThrows(IndexOutOfBoundsException.class,
                    () -> first.tensorRows().orElseThrow().copyRows(new long[] {3}, new int[] {0}, List.of(x, y)));
        } finally {
            first.tensors().forEach(Tensor::close);
            second.tensors().forEach(Tensor::close);
        }
    }

    @Test
    void rowsAreLostOnlyWhereASampleIsNoLongerARowOfTensors() {
        TensorDataset pairs = rows(3, 0);
        TensorDataset single = new TensorDataset(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        try {
            assertTrue(pairs.map((s, rng) -> s).tensorRows().isEmpty(), "a transform sees each sample");
            assertTrue(ConcatDataset.of(pairs, single).tensorRows().isEmpty(), "parts of different layouts");
            assertTrue(ConcatDataset.of(pairs, Datasets.<List<Tensor>>of(List.of())).tensorRows().isPresent(),
                    "an empty part contributes no row");
            assertTrue(ConcatDataset.of(pairs, Datasets.of(List.of(pairs.get(0)))).tensorRows().isEmpty(),
                    "a part without rows");
            assertEquals(Optional.empty(), Datasets.of(List.of("a")).tensorRows());
        } finally {
            pairs.tensors().forEach(Tensor::close);
            single.tensors().forEach(Tensor::close);
        }
    }
}
