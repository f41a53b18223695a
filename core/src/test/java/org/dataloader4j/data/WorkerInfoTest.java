package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerInfoTest {

    @Test
    void everyRankAndWorkerIsOneDistinctConsumer() {
        int worldSize = 3;
        int workers = 4;
        Set<Integer> seen = new HashSet<>();
        for (int rank = 0; rank < worldSize; rank++) {
            for (int id = 0; id < workers; id++) {
                WorkerInfo w = new WorkerInfo(id, workers, 0, 0);
                assertEquals(12, w.consumers(worldSize));
                seen.add(w.consumer(rank));
            }
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), seen);
    }

    @Test
    void badIdsRanksAndWorldSizesAreRefusedNamingThem() {
        var id = assertThrows(IllegalArgumentException.class, () -> new WorkerInfo(2, 2, 0, 0));
        assertTrue(id.getMessage().contains("got 2"), id.getMessage());
        var rank = assertThrows(IllegalArgumentException.class, () -> WorkerInfo.checkRank(3, 3));
        assertTrue(rank.getMessage().contains("rank must be in [0, 3), but got rank=3"), rank.getMessage());
        var world = assertThrows(IllegalArgumentException.class, () -> WorkerInfo.checkRank(0, 0));
        assertTrue(world.getMessage().contains("worldSize=0"), world.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> WorkerInfo.single(0, 0).consumer(-1));
        assertTrue(negative.getMessage().contains("rank=-1"), negative.getMessage());
    }
}
