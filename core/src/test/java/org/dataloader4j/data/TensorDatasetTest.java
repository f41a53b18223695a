package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TensorDatasetTest {

    @Test
    void sampleHoldsRowIOfEveryTensorInOrder() {
        try (Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 3, 2);
             Tensor y = Tensor.of(new long[] {7, 8, 9})) {
            TensorDataset dataset = new TensorDataset(x, y);
            assertEquals(3, dataset.size());
            List<Tensor> sample = dataset.get(2);
            assertEquals(2, sample.size());
            assertEquals(Shape.of(2), sample.get(0).shape());
            assertArrayEquals(new float[] {4, 5}, sample.get(0).toFloatArray());
            assertEquals(Shape.of(), sample.get(1).shape());
            assertEquals(9, sample.get(1).getLong());
        }
    }

    @Test
    void tensorDatasetSamplesAreViewsNotCopies() {
        try (Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 3, 2)) {
            TensorDataset dataset = new TensorDataset(x);
            Tensor row = dataset.get(1).getFirst();
            row.setFloat(42f, 1);                         // write through the sample ...
            assertEquals(42f, x.getFloat(1, 1));          // ... read from the original
            x.setFloat(-7f, 1, 0);                        // and the other way round
            assertEquals(-7f, dataset.get(1).getFirst().getFloat(0));
            assertTrue(!row.ownsMemory(), "a sample must be a view, not an owning copy");
        }
    }

    @Test
    void sampleListIsUnmodifiable() {
        try (Tensor x = Tensor.of(new int[] {1, 2})) {
            List<Tensor> sample = new TensorDataset(x).get(0);
            assertThrows(UnsupportedOperationException.class, () -> sample.set(0, x));
        }
    }

    @Test
    void tensorsAccessorReturnsTheGivenTensorsInOrder() {
        try (Tensor a = Tensor.of(new int[] {1, 2}); Tensor b = Tensor.of(new byte[] {3, 4})) {
            TensorDataset dataset = new TensorDataset(a, b);
            assertEquals(2, dataset.tensors().size());
            assertSame(a, dataset.tensors().get(0));
            assertSame(b, dataset.tensors().get(1));
            assertThrows(UnsupportedOperationException.class, () -> dataset.tensors().clear());
        }
    }

    @Test
    void datasetDoesNotOwnItsTensors() {
        Tensor x = Tensor.of(new float[] {1, 2, 3});
        TensorDataset dataset = new TensorDataset(x);
        assertEquals(2f, dataset.get(1).getFirst().getFloat());   // usable while the owner keeps it open
        x.close();                                                // the owner closes; the dataset never does
        assertThrows(IllegalStateException.class, () -> dataset.get(1).getFirst().getFloat());
    }

    @Test
    void emptyFirstDimensionGivesAnEmptyDataset() {
        try (Tensor x = Tensor.zeros(DType.FLOAT32, 0, 4); Tensor y = Tensor.zeros(DType.INT64, 0)) {
            TensorDataset dataset = new TensorDataset(x, y);
            assertEquals(0, dataset.size());
            assertThrows(IndexOutOfBoundsException.class, () -> dataset.get(0));
        }
    }

    @Test
    void refusesTensorsWithDifferentFirstDimensionsNamingBothShapesAndPositions() {
        try (Tensor a = Tensor.zeros(DType.FLOAT32, 10, 3); Tensor b = Tensor.zeros(DType.FLOAT32, 9, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(a, b));
            assertEquals("tensor 1 has shape [9, 2] but tensor 0 has shape [10, 3]: "
                    + "all tensors must have the same size in the first dimension", e.getMessage());
        }
    }

    @Test
    void mismatchAfterSeveralMatchingTensorsNamesTheFirstOffender() {
        try (Tensor a = Tensor.zeros(DType.INT64, 4); Tensor b = Tensor.zeros(DType.INT64, 4, 2);
             Tensor c = Tensor.zeros(DType.UINT8, 5, 1, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(a, b, c));
            assertTrue(e.getMessage().startsWith("tensor 2 has shape [5, 1, 1] but tensor 0 has shape [4]"),
                    e.getMessage());
        }
    }

    @Test
    void refusesNoTensors() {
        var e = assertThrows(IllegalArgumentException.class, TensorDataset::new);
        assertTrue(e.getMessage().contains("at least one tensor"), e.getMessage());
    }

    @Test
    void refusesScalarTensorNamingItsPosition() {
        try (Tensor a = Tensor.zeros(DType.FLOAT32, 3); Tensor s = Tensor.scalar(DType.FLOAT32, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(a, s));
            assertTrue(e.getMessage().contains("tensor 1 has shape []"), e.getMessage());
            assertTrue(e.getMessage().contains("rank >= 1"), e.getMessage());
        }
    }

    @Test
    void refusesNullTensorNamingItsPosition() {
        try (Tensor a = Tensor.zeros(DType.FLOAT32, 3)) {
            var e = assertThrows(NullPointerException.class, () -> new TensorDataset(a, null));
            assertEquals("tensor 1 is null", e.getMessage());
        }
    }

    @Test
    void toStringShowsDtypesAndShapes() {
        try (Tensor a = Tensor.zeros(DType.FLOAT32, 10, 3); Tensor b = Tensor.zeros(DType.INT64, 10)) {
            assertEquals("TensorDataset(size=10, tensors=[FLOAT32 [10, 3], INT64 [10]])",
                    new TensorDataset(a, b).toString());
        }
    }

    @Test
    void copiedRowsEqualTheSamplesForEveryRowWidthIncludingEightByteRows() {
        long n = 5;
        double[] f64 = new double[(int) n];
        int[] pairs = new int[(int) n * 2];
        byte[] octets = new byte[(int) n * 8];
        int[] singles = new int[(int) n];
        short[] triples = new short[(int) n * 6];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = -1000 * i - 7;
        }
        for (int i = 0; i < octets.length; i++) {
            octets[i] = (byte) (31 * i + 5);
        }
        for (int i = 0; i < triples.length; i++) {
            triples[i] = (short) (977 * i);
        }
        for (int i = 0; i < n; i++) {
            f64[i] = Math.PI * i - 0.5;
            singles[i] = Integer.MIN_VALUE + i;
        }
        try (Tensor a = Tensor.of(f64, n); Tensor b = Tensor.of(pairs, n, 2); Tensor c = Tensor.of(octets, n, 8);
             Tensor d = Tensor.of(singles, n); Tensor e = Tensor.of(triples, n, 6)) {
            TensorDataset dataset = new TensorDataset(a, b, c, d, e);
            TensorRows rows = dataset.tensorRows().orElseThrow();
            long[] indices = {4, 0, 3, 3, 1};
            int[] into = {2, 4, 0, 1, 3};
            List<Tensor> batch = rows.layout().stream()
                    .map(r -> Tensor.zeros(r.dtype(), r.shape().prepend(indices.length))).toList();
            try {
                rows.copyRows(indices, into, batch);
                for (int k = 0; k < indices.length; k++) {
                    List<Tensor> sample = dataset.get(indices[k]);
                    for (int t = 0; t < batch.size(); t++) {
                        assertArrayEquals(sample.get(t).toBytes(), batch.get(t).select(into[k]).toBytes(),
                                "tensor " + t + ", sample " + indices[k] + " in row " + into[k]);
                    }
                }
            } finally {
                batch.forEach(Tensor::close);
            }
        }
    }
}
