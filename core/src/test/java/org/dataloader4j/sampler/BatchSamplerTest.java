package org.dataloader4j.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchSamplerTest {

    private static List<long[]> batches(BatchSampler b, long epoch) {
        List<long[]> out = new ArrayList<>();
        b.batches(epoch).forEachRemaining(out::add);
        return out;
    }

    @Test
    void keepsTheSmallerLastBatchUnlessDropLast() {
        List<long[]> kept = batches(BatchSampler.of(new SequentialSampler(10), 3), 0);
        assertEquals(4, kept.size());
        assertArrayEquals(new long[] {0, 1, 2}, kept.get(0));
        assertArrayEquals(new long[] {6, 7, 8}, kept.get(2));
        assertArrayEquals(new long[] {9}, kept.get(3));
        List<long[]> dropped = batches(BatchSampler.dropLast(new SequentialSampler(10), 3), 0);
        assertEquals(3, dropped.size());
        assertArrayEquals(new long[] {6, 7, 8}, dropped.get(2));
    }

    @ParameterizedTest(name = "{0} indices in batches of {1}, dropLast {2}: {3} batches")
    @CsvSource({"10,3,false,4", "10,3,true,3", "9,3,false,3", "9,3,true,3", "0,3,false,0", "0,3,true,0",
            "2,3,false,1", "2,3,true,0", "1,1,false,1"})
    void sizeCountsTheBatchesYielded(long n, int batchSize, boolean dropLast, long expected) {
        Sampler order = new SequentialSampler(n);
        BatchSampler b = dropLast ? BatchSampler.dropLast(order, batchSize) : BatchSampler.of(order, batchSize);
        assertEquals(expected, b.size());
        assertEquals(expected, batches(b, 0).size());
    }

    @Test
    void batchesFollowTheSamplersEpoch() {
        Sampler s = RandomSampler.builder(20).seed(3).build();
        BatchSampler b = BatchSampler.of(s, 6);
        for (long e = 0; e < 3; e++) {
            long[] flat = batches(b, e).stream().flatMapToLong(java.util.Arrays::stream).toArray();
            assertArrayEquals(SamplerTesting.epoch(s, e), flat, "epoch " + e);
        }
    }

    @Test
    void hugeBatchSizeOnASmallSamplerAllocatesOnlyWhatItNeeds() {
        BatchSampler b = BatchSampler.of(new SequentialSampler(3), Integer.MAX_VALUE);
        List<long[]> all = batches(b, 0);
        assertEquals(1, all.size());
        assertArrayEquals(new long[] {0, 1, 2}, all.get(0));
        assertEquals(0, batches(BatchSampler.dropLast(new SequentialSampler(3), Integer.MAX_VALUE), 0).size());
    }

    @Test
    void samplerThatUnderstatesItsSizeStillHasEveryIndexBatched() {
        Sampler liar = new Sampler() {
            @Override
            public long size() {
                return 1;
            }

            @Override
            public java.util.PrimitiveIterator.OfLong indices(long epoch) {
                return java.util.stream.LongStream.range(0, 10).iterator();
            }
        };
        List<long[]> all = batches(BatchSampler.of(liar, 4), 0);
        assertArrayEquals(new long[] {0, 1, 2, 3}, all.get(0));
        assertArrayEquals(new long[] {4, 5, 6, 7}, all.get(1));
        assertArrayEquals(new long[] {8, 9}, all.get(2));
    }

    @Test
    void sizeDoesNotOverflowForHugeSamplers() {
        Sampler endless = RandomSampler.builder(10).replacement(true).numSamples(Long.MAX_VALUE).seed(0).build();
        assertEquals(Long.MAX_VALUE / 1000 + 1, BatchSampler.of(endless, 1000).size());
        assertEquals(Long.MAX_VALUE / 1000, BatchSampler.dropLast(endless, 1000).size());
    }

    @Test
    void batchesAreFreshArraysTheCallerMayKeep() {
        Iterator<long[]> it = BatchSampler.of(new SequentialSampler(4), 2).batches(0);
        long[] first = it.next();
        first[0] = 99;
        assertArrayEquals(new long[] {2, 3}, it.next());
        assertFalse(it.hasNext());
        var e = assertThrows(NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("epoch 0"), e.getMessage());
    }

    @Test
    void forEachLoopVisitsEpochZero() {
        int count = 0;
        for (long[] batch : BatchSampler.of(new SequentialSampler(7), 2)) {
            count += batch.length;
        }
        assertEquals(7, count);
    }

    @Test
    void nonPositiveBatchSizeIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> BatchSampler.of(new SequentialSampler(3), 0));
        assertEquals("batchSize should be a positive integer value, but got batchSize=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchSampler.dropLast(new SequentialSampler(3), -5));
        assertEquals("batchSize should be a positive integer value, but got batchSize=-5", e.getMessage());
    }

    @Test
    void toStringShowsTheSamplerAndSettings() {
        assertEquals("BatchSampler(SequentialSampler(size=3), batchSize=2, dropLast=true)",
                BatchSampler.dropLast(new SequentialSampler(3), 2).toString());
    }
}
