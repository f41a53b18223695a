package org.dataloader4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.ShardSplit;
import org.dataloader4j.data.WorkerInfo;
import org.junit.jupiter.api.Test;

class ShardAssignmentTest {
    private static final long[] COUNTS = {5, 0, 3, 7, 1};

    /** Every (shard, element) that the consumers of a job of {@code worldSize} ranks × {@code workers} read. */
    private static List<Long> readByAll(ShardAssignment a, int worldSize, int workers, long epoch) {
        List<Long> seen = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            for (int id = 0; id < workers; id++) {
                for (ShardAssignment.Part p : a.parts(new Partition(rank, worldSize), new WorkerInfo(id, workers, 0,
                        epoch))) {
                    for (long e = p.from(); e < p.to(); e++) {
                        seen.add(p.shard() * 1000L + e);
                    }
                }
            }
        }
        return seen;
    }

    @Test
    void everyElementIsReadExactlyOnceForEverySplitAndShuffle() {
        List<Long> all = new ArrayList<>();
        for (int s = 0; s < COUNTS.length; s++) {
            for (long e = 0; e < COUNTS[s]; e++) {
                all.add(s * 1000L + e);
            }
        }
        for (ShardSplit split : ShardSplit.values()) {
            for (boolean shuffle : new boolean[] {false, true}) {
                ShardAssignment a = new ShardAssignment(COUNTS, shuffle, 9, split);
                assertEquals(16, a.total());
                for (int worldSize = 1; worldSize <= 4; worldSize++) {
                    for (int workers = 1; workers <= 3; workers++) {
                        List<Long> seen = readByAll(a, worldSize, workers, 2);
                        seen.sort(null);
                        assertEquals(all, seen, split + " shuffle=" + shuffle + " " + worldSize + "x" + workers);
                    }
                }
            }
        }
    }

    @Test
    void wholeShardsGoRoundRobinInTheGivenOrderWithoutShuffle() {
        ShardAssignment a = new ShardAssignment(COUNTS, false, 0, ShardSplit.SHARDS);
        assertEquals(List.of(new ShardAssignment.Part(0, 0, 5), new ShardAssignment.Part(2, 0, 3),
                new ShardAssignment.Part(4, 0, 1)), a.parts(0, 2, 0));
        assertEquals(List.of(new ShardAssignment.Part(1, 0, 0), new ShardAssignment.Part(3, 0, 7)), a.parts(1, 2, 0));
    }

    @Test
    void elementsSplitEvenlyWhateverTheShardSizes() {
        ShardAssignment a = new ShardAssignment(COUNTS, true, 4, ShardSplit.ELEMENTS);
        for (int c = 0; c < 3; c++) {
            long n = a.parts(c, 3, 1).stream().mapToLong(ShardAssignment.Part::size).sum();
            assertTrue(n == 5 || n == 6, "consumer " + c + " got " + n);
        }
    }

    @Test
    void theShardOrderIsDrawnFromSeedAndEpoch() {
        ShardAssignment a = new ShardAssignment(new long[20], true, 4, ShardSplit.SHARDS);
        assertEquals(Arrays.toString(a.order(3)), Arrays.toString(a.order(3)));
        assertNotEquals(Arrays.toString(a.order(3)), Arrays.toString(a.order(4)));
        assertEquals(Arrays.toString(new int[] {0, 1, 2, 3, 4}),
                Arrays.toString(new ShardAssignment(COUNTS, false, 4, ShardSplit.SHARDS).order(7)));
    }

    @Test
    void negativeCountsAndConsumersOutsideTheJobAreRefusedNamingThem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ShardAssignment(new long[] {1, -2}, false, 0, ShardSplit.SHARDS));
        assertEquals("counts[1] should be a non-negative integer value, but got counts[1]=-2", e.getMessage());
        ShardAssignment a = new ShardAssignment(COUNTS, false, 0, ShardSplit.SHARDS);
        e = assertThrows(IllegalArgumentException.class, () -> a.parts(2, 2, 0));
        assertEquals("consumer should be in [0, 1], but got consumer=2", e.getMessage());
    }
}
