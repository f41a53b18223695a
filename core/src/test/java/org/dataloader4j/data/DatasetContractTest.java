package org.dataloader4j.data;

import static org.dataloader4j.data.SampleAssertions.assertMentions;
import static org.dataloader4j.data.SampleAssertions.assertSameSample;
import static org.dataloader4j.data.SampleAssertions.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Dataset} must keep, run against each implementation in this package:
 * the size is right, every index in range can be read (repeatably), and indices out of range throw
 * an {@link IndexOutOfBoundsException} that names the index and the size.
 */
class DatasetContractTest {

    /** The shared suite; each nested class supplies one implementation. */
    abstract static class Contract {
        private final List<AutoCloseable> resources = new ArrayList<>();
        Dataset<?> dataset;

        /** The dataset under test; tensors it needs go through {@link #keep}. */
        abstract Dataset<?> create();

        /** The size {@link #create()}'s dataset must report. */
        abstract long expectedSize();

        Tensor keep(Tensor tensor) {
            resources.add(tensor);
            return tensor;
        }

        @BeforeEach
        void createDataset() {
            dataset = create();
        }

        @AfterEach
        void closeResources() throws Exception {
            for (int i = resources.size() - 1; i >= 0; i--) {
                resources.get(i).close();
            }
        }

        @Test
        void sizeMatches() {
            assertEquals(expectedSize(), dataset.size());
        }

        @Test
        void everyIndexInRangeCanBeRead() {
            for (long i = 0; i < dataset.size(); i++) {
                assertNotNull(dataset.get(i), "sample " + i);
            }
        }

        @Test
        void getIsRepeatable() {
            for (long i = 0; i < dataset.size(); i++) {
                assertSameSample(dataset.get(i), dataset.get(i));
            }
        }

        @Test
        void getBelowZeroThrowsNamingIndexAndSize() {
            var e = assertThrows(IndexOutOfBoundsException.class, () -> dataset.get(-1));
            assertMentions(e.getMessage(), -1, dataset.size());
        }

        @Test
        void getAtSizeThrowsNamingIndexAndSize() {
            var e = assertThrows(IndexOutOfBoundsException.class, () -> dataset.get(dataset.size()));
            assertMentions(e.getMessage(), dataset.size(), dataset.size());
        }

        @Test
        void getFarOutOfRangeThrowsNamingIndexAndSize() {
            for (long index : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE + 1L}) {
                var e = assertThrows(IndexOutOfBoundsException.class, () -> dataset.get(index));
                assertMentions(e.getMessage(), index, dataset.size());
            }
        }

        @Test
        void getBatchGivesWhatGetGivesForEachIndexInOrder() {
            long n = dataset.size();
            long[] indices = n == 0 ? new long[0] : new long[] {n - 1, 0, n / 2, n - 1};
            List<?> batch = dataset.getBatch(indices);
            assertEquals(indices.length, batch.size());
            for (int slot = 0; slot < indices.length; slot++) {
                assertSameSample(dataset.get(indices[slot]), batch.get(slot));
            }
        }

        @Test
        void getBatchWithAnIndexOutOfRangeThrowsNamingIt() {
            long n = dataset.size();
            var e = assertThrows(IndexOutOfBoundsException.class,
                    () -> dataset.getBatch(n == 0 ? new long[] {n} : new long[] {0, n}));
            assertTrue(e.getMessage().contains(Long.toString(n)), e.getMessage());
        }

        @Test
        void tensorRowsCopyWhatGetGives() {
            var rows = dataset.tensorRows();
            if (rows.isEmpty() || dataset.size() == 0) {
                return; // the dataset has no rows: nothing to compare
            }
            long n = dataset.size();
            long[] indices = {n - 1, 0};
            List<TensorRows.Row> layout = rows.get().layout();
            List<Tensor> batch = new ArrayList<>();
            for (TensorRows.Row row : layout) {
                batch.add(keep(Tensor.zeros(row.dtype(), row.shape().prepend(indices.length))));
            }
            rows.get().copyRows(indices, new int[] {0, 1}, batch);
            for (int slot = 0; slot < indices.length; slot++) {
                List<?> sample = (List<?>) dataset.get(indices[slot]);
                for (int t = 0; t < layout.size(); t++) {
                    assertSameSample(sample.get(t), batch.get(t).select(slot));
                }
            }
        }

        @Test
        void sourceOfEveryIndexInRangeIsAnOptional() {
            for (long i = 0; i < dataset.size(); i++) {
                assertNotNull(dataset.source(i), "source " + i);
            }
        }

        @Test
        void toStringDoesNotThrow() {
            assertNotNull(dataset.toString());
        }
    }

    @Nested
    class TensorDatasetOfTwoTensors extends Contract {
        @Override
        Dataset<?> create() {
            return new TensorDataset(keep(Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 5, 2)),
                    keep(Tensor.of(new long[] {10, 11, 12, 13, 14})));
        }

        @Override
        long expectedSize() {
            return 5;
        }
    }

    @Nested
    class TensorDatasetOfOneVector extends Contract {
        @Override
        Dataset<?> create() {
            return new TensorDataset(keep(Tensor.of(new int[] {7, 8, 9})));
        }

        @Override
        long expectedSize() {
            return 3;
        }
    }

    @Nested
    class ConcatDatasetWithEmptyParts extends Contract {
        @Override
        Dataset<?> create() {
            return ConcatDataset.of(Datasets.of(List.of()), Datasets.of(List.of("a", "b")), Datasets.of(List.of()),
                    Datasets.of(List.of("c")), Datasets.of(List.of()));
        }

        @Override
        long expectedSize() {
            return 3;
        }
    }

    @Nested
    class SubsetWithRepeatedIndices extends Contract {
        @Override
        Dataset<?> create() {
            return new Subset<>(range(10), new long[] {9, 0, 9, 4});
        }

        @Override
        long expectedSize() {
            return 4;
        }
    }

    @Nested
    class StackDatasetPositional extends Contract {
        @Override
        Dataset<?> create() {
            return StackDataset.of(range(4), Datasets.of(List.of("w", "x", "y", "z")),
                    new TensorDataset(keep(Tensor.of(new double[] {1, 2, 3, 4}))));
        }

        @Override
        long expectedSize() {
            return 4;
        }
    }

    @Nested
    class StackDatasetNamed extends Contract {
        @Override
        Dataset<?> create() {
            Map<String, Dataset<?>> parts = new LinkedHashMap<>();
            parts.put("label", range(2));
            parts.put("name", Datasets.of(List.of("p", "q")));
            return StackDataset.of(parts);
        }

        @Override
        long expectedSize() {
            return 2;
        }
    }

    @Nested
    class MappedDatasetWithRandomTransform extends Contract {
        @Override
        Dataset<?> create() {
            return range(6).map((x, rng) -> x * 1000 + rng.nextInt(1000));
        }

        @Override
        long expectedSize() {
            return 6;
        }
    }

    @Nested
    class ListDataset extends Contract {
        @Override
        Dataset<?> create() {
            return Datasets.of(List.of("only"));
        }

        @Override
        long expectedSize() {
            return 1;
        }
    }

    @Nested
    class EmptyListDataset extends Contract {
        @Override
        Dataset<?> create() {
            return Datasets.of(List.of());
        }

        @Override
        long expectedSize() {
            return 0;
        }
    }

    @Nested
    class RandomSplitPart extends Contract {
        @Override
        Dataset<?> create() {
            return Datasets.randomSplit(range(9), new long[] {2, 7}, 5).get(1);
        }

        @Override
        long expectedSize() {
            return 7;
        }
    }
}
