package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkerInfoTest {

    @Test
    void badIdsAreRefusedNamingThem() {
        var id = assertThrows(IllegalArgumentException.class, () -> new WorkerInfo(2, 2, 0, 0));
        assertTrue(id.getMessage().contains("got 2"), id.getMessage());
        var workers = assertThrows(IllegalArgumentException.class, () -> new WorkerInfo(0, 0, 0, 0));
        assertTrue(workers.getMessage().contains("got 0"), workers.getMessage());
    }
}
