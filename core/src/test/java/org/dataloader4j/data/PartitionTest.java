package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionTest {

    @Test
    void everyRankAndWorkerIsOneDistinctConsumer() {
        int worldSize = 3;
        int workers = 4;
        Set<Integer> seen = new HashSet<>();
        for (int rank = 0; rank < worldSize; rank++) {
            Partition partition = new Partition(rank, worldSize);
            for (int id = 0; id < workers; id++) {
                WorkerInfo w = new WorkerInfo(id, workers, 0, 0);
                assertEquals(12, partition.consumers(w));
                seen.add(partition.consumer(w));
            }
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), seen);
    }

    @Test
    void rankOutsideTheWorldIsRefusedNamingTheValueAndTheRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Partition(3, 3));
        assertEquals("rank should be in [0, 2], but got rank=3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Partition(-1, 3));
        assertEquals("rank should be in [0, 2], but got rank=-1", e.getMessage());
    }

    @Test
    void nonPositiveWorldSizeIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Partition(0, 0));
        assertEquals("worldSize should be a positive integer value, but got worldSize=0", e.getMessage());
    }

    @Test
    void swappedRankAndWorldSizeAreAlwaysRefused() {
        for (int worldSize = 1; worldSize < 20; worldSize++) {
            for (int rank = 0; rank < worldSize; rank++) {
                int r = rank;
                int w = worldSize;
                new Partition(r, w);
                assertThrows(IllegalArgumentException.class, () -> new Partition(w, r), "swapped " + r + " of " + w);
            }
        }
    }

    @Test
    void singleIsRankZeroOfOneAndReadsAsSuch() {
        assertEquals(new Partition(0, 1), Partition.SINGLE);
        assertEquals("rank 3 of 8", new Partition(3, 8).toString());
    }
}
