package org.dataloader4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PreconditionsTest {

    @Test
    void acceptedValuesAreReturned() {
        assertEquals(1L, Preconditions.checkPositive("n", 1L));
        assertEquals(7, Preconditions.checkPositive("n", 7));
        assertEquals(0L, Preconditions.checkNonNegative("n", 0L));
        assertEquals(0, Preconditions.checkNonNegative("n", 0));
        assertEquals(0.0, Preconditions.checkNonNegative("f", 0.0));
        assertEquals(3L, Preconditions.checkRange("r", 3L, 3, 5));
        assertEquals(5L, Preconditions.checkRange("r", 5L, 3, 5));
        assertEquals(1.0, Preconditions.checkRange("p", 1.0, 0, 1));
        assertEquals(4L, Preconditions.checkIndex(4, 5, "a dataset"));
    }

    @Test
    void positiveNamesTheArgumentAndTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkPositive("batchSize", 0));
        assertEquals("batchSize should be a positive integer value, but got batchSize=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkPositive("numSamples", -4L));
        assertEquals("numSamples should be a positive integer value, but got numSamples=-4", e.getMessage());
    }

    @Test
    void nonNegativeNamesTheArgumentAndTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkNonNegative("size", -3L));
        assertEquals("size should be a non-negative integer value, but got size=-3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkNonNegative("epoch", -1));
        assertEquals("epoch should be a non-negative integer value, but got epoch=-1", e.getMessage());
    }

    @Test
    void nonNegativeNumberRefusesNegativeNanAndInfinity() {
        for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkNonNegative("factor", bad));
            assertEquals("factor should be a non-negative number, but got factor=" + bad, e.getMessage());
        }
    }

    @Test
    void rangeNamesTheBoundsAsWritten() {
        var e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkRange("rank", 4L, 0, 3));
        assertEquals("rank should be in [0, 3], but got rank=4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkRange("rank", -1L, 0, 3));
        assertEquals("rank should be in [0, 3], but got rank=-1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkRange("maxFraction", 1.5, 0, 1));
        assertEquals("maxFraction should be in [0, 1], but got maxFraction=1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkRange("hue", 0.75, -0.5, 0.5));
        assertEquals("hue should be in [-0.5, 0.5], but got hue=0.75", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preconditions.checkRange("p", Double.NaN, 0, 1));
        assertEquals("p should be in [0, 1], but got p=NaN", e.getMessage());
    }

    @Test
    void indexNamesTheIndexWhatIsIndexedAndItsSize() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Preconditions.checkIndex(5, 5, "a dataset"));
        assertEquals("index 5 is out of range for a dataset of size 5", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> Preconditions.checkIndex(-1, 5, "a dataset"));
        assertEquals("index -1 is out of range for a dataset of size 5", e.getMessage());
    }
}
