package org.dataloader4j.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import org.dataloader4j.data.Partition;
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
        WeightedRandomSampler weighted = WeightedRandomSampler.builder(weights).numSamples(1001).seed(77).build();
        long[] all = drain(weighted.indices(3));
        for (int world = 1; world <= 4; world++) {
            long[][] shares = new long[world][];
            long total = 0;
            for (int rank = 0; rank < world; rank++) {
                PartitionedSampler mine = PartitionedSampler.builder(weighted).partition(new Partition(rank, world))
                        .padding(false).build();
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
                long[] ours = drain(PartitionedSampler.builder(new SequentialSampler(10))
                        .partition(new Partition(rank, world)).build().indices(0));
                long[] theirs = drain(DistributedSampler.builder(10).partition(new Partition(rank, world))
                        .shuffle(false).build()
                        .indices(0));
                assertArrayEquals(theirs, ours, "rank " + rank + " of " + world);
            }
        }
        // padding longer than the order: it repeats from the start as often as needed
        long[] last = drain(PartitionedSampler.builder(new SequentialSampler(2)).partition(new Partition(4, 5))
                .build().indices(0));
        assertArrayEquals(new long[] {0}, last);
    }

    @Test
    void sharesRepeatForAnEpochAndChangeWithIt() {
        RandomSampler shuffled = RandomSampler.builder(50).seed(9).build();
        PartitionedSampler mine = PartitionedSampler.builder(shuffled).partition(new Partition(1, 3)).build();
        assertArrayEquals(drain(mine.indices(4)), drain(mine.indices(4)));
        assertTrue(!java.util.Arrays.equals(drain(mine.indices(4)), drain(mine.indices(5))));
    }

    @Test
    void badRanksAndWorldSizesAreRefusedNamingThem() {
        var rank = assertThrows(IllegalArgumentException.class,
                () -> PartitionedSampler.builder(new SequentialSampler(4)).partition(new Partition(3, 2))
                        .padding(false).build());
        assertTrue(rank.getMessage().contains("rank should be in [0, 1], but got rank=3"), rank.getMessage());
        var world = assertThrows(IllegalArgumentException.class,
                () -> PartitionedSampler.builder(new SequentialSampler(4)).partition(new Partition(0, 0))
                        .padding(false).build());
        assertTrue(world.getMessage().contains("worldSize=0"), world.getMessage());
        var empty = assertThrows(IllegalArgumentException.class,
                () -> PartitionedSampler.builder(new SequentialSampler(0)).partition(new Partition(0, 2)).build());
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertEquals(0, PartitionedSampler.builder(new SequentialSampler(0)).partition(new Partition(1, 2))
                .padding(false).build().size());
    }
}
