package org.dataloader4j.collate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dataloader4j.tensor.OffHeapAssertions;

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

    /** Runs {@code action} and asserts that it leaves no off-heap memory behind; see {@link OffHeapAssertions}. */
    static void assertNoLeak(Runnable action) {
        OffHeapAssertions.assertNoLeak(action);
    }
}
