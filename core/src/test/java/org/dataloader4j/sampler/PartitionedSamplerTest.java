package org.dataloader4j.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import org.junit.jupiter.api.Test;

class PartitionedSamplerTest {

    private static long[] drain(PrimitiveIterator.OfLong it) {
        List<Long> out = new ArrayList<>();
        it.forEachRemaining((long v) -> out.add(v));
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void weightedDrawsArePartitionedAcrossRanksWithNothingRepeatedOrLost() {
        double[] weights = {1, 5, 0, 2, 8, 3};
        WeightedRandomSampler weighted = new WeightedRandomSampler(weights, 1001, true, 77);
        long[] all = drain(weighted.indices(3));
        for (int world = 1; world <= 4; world++) {
            long[][] shares = new long[world][];
            long total = 0;
            for (int rank = 0; rank < world; rank++) {
                PartitionedSampler mine = PartitionedSampler.of(weighted, rank, world, false);
                shares[rank] = drain(mine.indices(3));
                assertEquals(mine.size(), shares[rank].length);
                total += shares[rank].length;
            }
            assertEquals(all.length, total);
            for (int p = 0; p < all.length; p++) {
                assertEquals(all[p], shares[p % world][p / world], "position " + p + " at worldSize " + world);
            }
        }
    }

    @Test
    void paddingGivesEqualSharesAsDistributedSamplerDoes() {
        for (int world = 1; world <= 4; world++) {
            for (int rank = 0; rank < world; rank++) {
                long[] ours = drain(PartitionedSampler.of(new SequentialSampler(10), rank, world, true).indices(0));
                long[] theirs = drain(DistributedSampler.builder(10).worldSize(world).rank(rank).shuffle(false).build()
                        .indices(0));
                assertArrayEquals(theirs, ours, "rank " + rank + " of " + world);
            }
        }
        // padding longer than the order: it repeats from the start as often as needed
        long[] last = drain(PartitionedSampler.of(new SequentialSampler(2), 4, 5, true).indices(0));
        assertArrayEquals(new long[] {0}, last);
    }

    @Test
    void sharesRepeatForAnEpochAndChangeWithIt() {
        RandomSampler shuffled = new RandomSampler(50, 9);
        PartitionedSampler mine = PartitionedSampler.of(shuffled, 1, 3, true);
        assertArrayEquals(drain(mine.indices(4)), drain(mine.indices(4)));
        assertTrue(!java.util.Arrays.equals(drain(mine.indices(4)), drain(mine.indices(5))));
    }

    @Test
    void badRanksAndWorldSizesAreRefusedNamingThem() {
        var rank = assertThrows(IllegalArgumentException.class,
                () -> PartitionedSampler.of(new SequentialSampler(4), 3, 2, false));
        assertTrue(rank.getMessage().contains("Invalid rank 3, rank should be in the interval [0, 1]"), rank.getMessage());
        var world = assertThrows(IllegalArgumentException.class,
                () -> PartitionedSampler.of(new SequentialSampler(4), 0, 0, false));
        assertTrue(world.getMessage().contains("worldSize=0"), world.getMessage());
        var empty = assertThrows(IllegalArgumentException.class,
                () -> PartitionedSampler.of(new SequentialSampler(0), 0, 2, true));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertEquals(0, PartitionedSampler.of(new SequentialSampler(0), 1, 2, false).size());
    }
}
