package org.dataloader4j.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leak checks on {@link OffHeapMemory} for tests of every package. Small tensors are freed by the
 * garbage collector, and garbage of other tests may be freed at any moment, so a check first lets the
 * count settle, then gives the collector time to free what became unreachable, and fails only if
 * the count grew.
 */
public final class OffHeapAssertions {
    private OffHeapAssertions() {
    }

    /** Live off-heap bytes once the garbage left by earlier work has been collected. */
    public static long settledLiveBytes() {
        long last = -1;
        for (int attempt = 0; attempt < 50 && OffHeapMemory.liveBytes() != last; attempt++) {
            last = OffHeapMemory.liveBytes();
            collect();
        }
        return OffHeapMemory.liveBytes();
    }

    /** Asserts that live off-heap bytes return to at most {@code before} once garbage is collected. */
    public static void assertNoGrowthSince(long before, String what) {
        for (int attempt = 0; attempt < 100 && OffHeapMemory.liveBytes() > before; attempt++) {
            collect();
        }
        long grown = OffHeapMemory.liveBytes() - before;
        assertTrue(grown <= 0, () -> what + ": " + grown + " off-heap bytes are still held");
    }

    /** How many pooled (batch) tensors the garbage collector reclaimed without their being closed, so far. */
    public static long unclosedPooledTensors() {
        return LeakDetector.leaked();
    }

    /** Runs {@code action} and asserts that it leaves no off-heap memory behind. */
    public static void assertNoLeak(Runnable action) {
        long before = settledLiveBytes();
        action.run();
        assertNoGrowthSince(before, "leaked");
    }

    private static void collect() {
        System.gc();
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the garbage collector", e);
        }
    }
}
