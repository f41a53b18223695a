package org.dataloader4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts how often test resources (iterators, streams) are opened and closed, closed twice, or read after being
 * closed: what a test of releasing needs to check that every resource was closed exactly once. Thread-safe; each
 * resource gets its own {@link Handle} when it is opened.
 *
 * <pre>{@code
 * ReleaseCounter counter = new ReleaseCounter();
 * ReleaseCounter.Handle handle = counter.opened();
 * handle.read();
 * handle.close();
 * counter.counts();   // "opens=1 closes=1 doubleCloses=0 readsAfterClose=0"
 * counter.assertReleased("after one read");
 * }</pre>
 */
public final class ReleaseCounter {
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger doubleCloses = new AtomicInteger();
    private final AtomicInteger readsAfterClose = new AtomicInteger();

    /** A counter at zero. */
    public ReleaseCounter() {
    }

    /**
     * Counts the opening of a resource.
     *
     * @return the handle through which the resource reports its reads and closes
     */
    public Handle opened() {
        opens.incrementAndGet();
        return new Handle();
    }

    /** {@return resources opened so far} */
    public int opens() {
        return opens.get();
    }

    /** {@return calls of {@link Handle#close()} so far, the second close of a resource included} */
    public int closes() {
        return closes.get();
    }

    /** {@return closes of a resource that was already closed} */
    public int doubleCloses() {
        return doubleCloses.get();
    }

    /** {@return reads of a resource that was already closed} */
    public int readsAfterClose() {
        return readsAfterClose.get();
    }

    /** {@return the counts, for messages: {@code opens=3 closes=2 doubleCloses=0 readsAfterClose=0}} */
    public String counts() {
        return "opens=" + opens() + " closes=" + closes() + " doubleCloses=" + doubleCloses() + " readsAfterClose="
                + readsAfterClose();
    }

    /**
     * Asserts that every resource opened so far was closed exactly once and never read after its close.
     *
     * @param what the situation, for the message (which adds the counts)
     */
    public void assertReleased(String what) {
        assertEquals(opens(), closes(), what + ": " + counts());
        assertEquals(0, doubleCloses(), what + ": " + counts());
        assertEquals(0, readsAfterClose(), what + ": " + counts());
    }

    /** One opened resource; its methods are called by that resource, from one thread at a time. */
    public final class Handle {
        private volatile boolean closed;

        private Handle() {
        }

        /** Counts a read: one after the resource was closed counts as a read after close. */
        public void read() {
            if (closed) {
                readsAfterClose.incrementAndGet();
            }
        }

        /** Counts a close: one after the resource was already closed counts as a double close. */
        public void close() {
            closes.incrementAndGet();
            if (closed) {
                doubleCloses.incrementAndGet();
            }
            closed = true;
        }
    }
}
