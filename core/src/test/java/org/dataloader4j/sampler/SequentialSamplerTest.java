package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SequentialSamplerTest {

    @Test
    void visitsZeroToSizeInOrderInEveryEpoch() {
        Sampler s = new SequentialSampler(5);
        for (long e : new long[] {0, 1, 99}) {
            assertArrayEquals(new long[] {0, 1, 2, 3, 4}, epoch(s, e));
        }
    }

    @Test
    void emptyDatasetGivesAnEmptyEpoch() {
        assertEquals(0, epoch(new SequentialSampler(0), 0).length);
    }

    @Test
    void sizeBeyondIntRangeNeedsNoMemory() {
        Sampler s = new SequentialSampler(5_000_000_000L);
        assertEquals(5_000_000_000L, s.size());
        var it = s.indices(0);
        assertEquals(0, it.nextLong());
        assertEquals(1, it.nextLong());
    }

    @Test
    void negativeSizeIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SequentialSampler(-3));
        assertEquals("size should be a non-negative integer value, but got size=-3", e.getMessage());
    }

    @Test
    void toStringShowsTheSize() {
        assertEquals("SequentialSampler(size=5)", new SequentialSampler(5).toString());
    }
}
