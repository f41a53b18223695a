package org.dataloader4j.collate;

import static org.dataloader4j.collate.CollateTesting.assertMessageContains;
import static org.dataloader4j.collate.CollateTesting.assertNoLeak;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PaddingCollateTest {

    private static Batch pad(double value, Object... samples) {
        return PaddingCollate.padWith(value).collate(Arrays.asList(samples));
    }

    @Test
    void padsShorterSequencesWithTheValueAndRecordsLengths() {
        Collate<Tensor, Batch> collate = PaddingCollate.padWith(-1);
        try (Batch batch = collate.collate(List.of(Tensor.of(new long[] {4, 5, 6}), Tensor.of(new long[] {7}),
                Tensor.of(new long[0])))) {
            PaddedSequences seq = batch.content(PaddedSequences.class);
            assertEquals(Shape.of(3, 3), seq.padded().shape());
            assertArrayEquals(new long[] {4, 5, 6, 7, -1, -1, -1, -1, -1}, seq.padded().toLongArray());
            assertArrayEquals(new long[] {3, 1, 0}, seq.lengths().toLongArray());
            assertSame(seq.padded(), batch.tensor("padded"));
            assertSame(seq.lengths(), batch.tensor("lengths"));
            assertEquals(3, batch.size());
        }
    }

    @Test
    void padsPrimitiveArraysOfEveryType() {
        try (Batch floats = pad(0.5, new float[] {1, 2}, new float[] {3});
             Batch ints = pad(9, new int[] {1}, new int[] {2, 3, 4});
             Batch bytes = pad(255, new byte[] {1}, new byte[] {2, 3});
             Batch flags = pad(1, new boolean[] {false}, new boolean[] {false, false});
             Batch shorts = pad(-2, new short[] {1, 2}, new short[0]);
             Batch doubles = pad(-0.0, new double[] {1}, new double[] {2, 3})) {
            assertArrayEquals(new float[] {1, 2, 3, 0.5f}, floats.tensor("padded").toFloatArray());
            assertArrayEquals(new int[] {1, 9, 9, 2, 3, 4}, ints.tensor("padded").toIntArray());
            assertArrayEquals(new double[] {1, 255, 2, 3}, bytes.tensor("padded").toDoubles());
            assertArrayEquals(new boolean[] {false, true, false, false}, flags.tensor("padded").toBooleanArray());
            assertArrayEquals(new short[] {1, 2, -2, -2}, shorts.tensor("padded").toShortArray());
            double[] d = doubles.tensor("padded").toDoubleArray();
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d[1]), "-0.0 is written, not left as 0");
            assertEquals(DType.FLOAT64, doubles.tensor("padded").dtype());
        }
    }

    @Test
    void padsMultiDimensionalSequencesAlongTheFirstDimension() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6}, 1, 2);
        try (Batch batch = pad(0, a, b)) {
            Tensor padded = batch.tensor("padded");
            assertEquals(Shape.of(2, 2, 2), padded.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 0, 0}, padded.toFloatArray());
            assertArrayEquals(new long[] {2, 1}, batch.tensor("lengths").toLongArray());
        }
    }

    @Test
    void mismatchedTrailingDimensionsNamePositionsAndShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> pad(0, Tensor.zeros(DType.FLOAT32, 3, 2), Tensor.zeros(DType.FLOAT32, 3, 4)));
        assertMessageContains(e, "batch position 0 has shape [3, 2]", "position 1 has shape [3, 4]",
                "only the first (sequence) dimension may differ");
    }

    @Test
    void mismatchedTypesAndDtypesNamePositions() {
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> pad(0, Tensor.of(new int[] {1}), Tensor.of(new long[] {1}))),
                "batch position 0 has dtype INT32", "position 1 has dtype INT64");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> pad(0, new int[] {1}, new long[] {1})),
                "batch position 0 is an int[] but position 1 is a long[]");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> pad(0, Tensor.of(new int[] {1}), new int[] {1})),
                "batch position 0 is a Tensor but position 1 is an int[]");
    }

    @Test
    void padValueMustFitTheDtype() {
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> pad(-1, new byte[] {1}, new byte[] {1, 2})), "UINT8", "-1.0", "0..255");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> pad(0.5, new int[] {1}, new int[] {1, 2})), "INT32", "0.5");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> pad(2, new boolean[] {true}, new boolean[0])), "BOOL", "0 or 1");
    }

    @Test
    void invalidSamplesAreRejectedWithPositions() {
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> pad(0, new int[] {1}, null)),
                "batch position 1 is null");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> pad(0, Tensor.scalar(DType.INT64, 1))), "scalar");
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> pad(0, "abc")),
                "java.lang.String", "custom Collate");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> PaddingCollate.padWith(0).collate(List.of())), "empty batch");
        Tensor closed = Tensor.of(new int[] {1});
        closed.close();
        assertMessageContains(assertThrows(IllegalStateException.class,
                () -> pad(0, Tensor.of(new int[] {1}), closed)), "batch position 1", "closed");
    }

    @Test
    void closingBatchFreesPaddedAndLengths() {
        Tensor a = Tensor.of(new float[] {1, 2, 3});
        Tensor b = Tensor.of(new float[] {4});
        Tensor[] seen = new Tensor[2];
        assertNoLeak(() -> {
            Batch batch = pad(0, a, b);
            seen[0] = batch.tensor("padded");
            seen[1] = batch.tensor("lengths");
            batch.close();
        });
        assertTrue(seen[0].isClosed());
        assertTrue(seen[1].isClosed());
        assertArrayEquals(new float[] {1, 2, 3}, a.toFloatArray(), "samples are left open");
    }

    @Test
    void failedPaddingAllocatesNothing() {
        assertNoLeak(() -> assertThrows(IllegalArgumentException.class,
                () -> pad(-1, new byte[] {1, 2, 3}, new byte[] {4})));
    }

    @Test
    void toStringNamesThePadValue() {
        assertEquals("PaddingCollate(padValue=-1.0)", PaddingCollate.padWith(-1).toString());
    }
}
