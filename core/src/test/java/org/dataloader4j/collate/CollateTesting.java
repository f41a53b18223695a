package org.dataloader4j.collate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.dataloader4j.tensor.OffHeapMemory;

/** Helpers shared by the collate tests. */
final class CollateTesting {
    private CollateTesting() {
    }

    /** Asserts that the message of {@code e} contains every part. */
    static void assertMessageContains(Throwable e, String... parts) {
        String message = String.valueOf(e.getMessage());
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected the message to contain <" + part + "> but it was: "
                    + message);
        }
    }

    /**
     * Runs {@code action} and asserts that it leaves {@link OffHeapMemory#liveBytes()} where it was. The
     * tensor cleaner may free garbage of other tests at any moment, which only lowers the count; the
     * action is then tried again, while any growth fails at once.
     */
    static void assertNoLeak(Runnable action) {
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = OffHeapMemory.liveBytes();
            action.run();
            long after = OffHeapMemory.liveBytes();
            if (after == before) {
                return;
            }
            assertTrue(after < before, () -> "leaked " + (after - before) + " off-heap bytes");
        }
        fail("off-heap bytes kept changing under the test (other tensors being freed); could not check for leaks");
    }
}
