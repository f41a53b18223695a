package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How many batches a loader keeps in flight, by default and with PyTorch's prefetchFactor. */
class BatchWindowTest {

    /** The largest number of batches of {@code batchSize} the window lets start, one after another. */
    private static int filled(BatchWindow window, int batchSize, int workers, boolean wholeBatches) {
        int batches = 0;
        while (window.hasRoom(batches, (long) batches * batchSize, workers, wholeBatches, false) && batches < 10_000) {
            batches++;
        }
        return batches;
    }

    @Test
    void defaultWindowDoesNotGrowWithWorkersWhileBatchesCoverThem() {
        for (int workers : new int[] {1, 2, 8, 32}) {
            assertEquals(2, filled(BatchWindow.bySamples(), 64, workers, false), "workers=" + workers);
        }
    }

    @Test
    void defaultWindowKeepsTwoSamplesPerWorker() {
        assertEquals(16, filled(BatchWindow.bySamples(), 1, 8, false));
        assertEquals(3, filled(BatchWindow.bySamples(), 16, 24, false)); // 48 samples for 24 workers
    }

    @Test
    void explicitPrefetchFactorKeepsPyTorchsWindow() {
        assertEquals(6, filled(BatchWindow.perWorker(3), 64, 2, false));
        assertEquals(2, filled(BatchWindow.perWorker(1), 64, 2, false));
    }

    @Test
    void wholeBatchTasksGetTwoBatchesPerWorkerByDefault() {
        assertEquals(8, filled(BatchWindow.bySamples(), 256, 4, true));
    }

    @Test
    void oneBatchWhileTheLayoutIsLearned() {
        BatchWindow window = BatchWindow.bySamples();
        assertTrue(window.hasRoom(0, 0, 2, false, true));
        assertFalse(window.hasRoom(1, 64, 2, false, true));
        assertFalse(BatchWindow.perWorker(4).hasRoom(1, 64, 2, false, true));
    }

    @Test
    void refusesANonPositivePrefetchFactor() {
        var e = assertThrows(IllegalArgumentException.class, () -> BatchWindow.perWorker(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
