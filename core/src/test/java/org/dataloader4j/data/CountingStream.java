package org.dataloader4j.data;

import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.dataloader4j.testing.ReleaseCounter;

/**
 * A test stream of {@code 0 .. size - 1}, split round-robin between workers, whose iterators count how often they
 * are opened and closed (and closed twice, or read after being closed): a stand-in for a stream of files or shards
 * that must be released. Optionally {@code next()} fails at one value, and {@code close()} fails after counting.
 */
public final class CountingStream implements IterableDataset<Long> {
    private final long size;
    private final long failAt;
    private final boolean closeFails;
    private final ReleaseCounter counter = new ReleaseCounter();

    /** The stream {@code 0 .. size - 1}; reading {@code failAt} throws (none if negative); {@code close()} may throw. */
    public CountingStream(long size, long failAt, boolean closeFails) {
        this.size = size;
        this.failAt = failAt;
        this.closeFails = closeFails;
    }

    /** The stream {@code 0 .. size - 1}, without failures. */
    public CountingStream(long size) {
        this(size, -1, false);
    }

    /** Iterators opened so far. */
    public int opens() {
        return counter.opens();
    }

    /** Calls of {@code close()} so far, the second close of an iterator included. */
    public int closes() {
        return counter.closes();
    }

    /** Iterators closed more than once. */
    public int doubleCloses() {
        return counter.doubleCloses();
    }

    /** Calls of {@code hasNext()} or {@code next()} on a closed iterator. */
    public int readsAfterClose() {
        return counter.readsAfterClose();
    }

    /** For messages: {@code opens=3 closes=2 doubleCloses=0 readsAfterClose=0}. */
    public String counts() {
        return counter.counts();
    }

    /**
     * Asserts that every iterator opened so far was closed exactly once and never read after its close.
     *
     * @param what the situation, for the message (which adds the counts)
     */
    public void assertReleased(String what) {
        counter.assertReleased(what);
    }

    @Override
    public Iterator<Long> iterator(WorkerInfo worker) {
        return new Counted(worker, counter.opened());
    }

    /** Thrown by {@code next()} at the failing value. */
    public static final class SourceFailure extends RuntimeException {
        SourceFailure(long value) {
            super("the source fails at " + value);
        }
    }

    private final class Counted implements Iterator<Long>, AutoCloseable {
        private long next;
        private final int step;
        private final ReleaseCounter.Handle handle;

        Counted(WorkerInfo worker, ReleaseCounter.Handle handle) {
            this.next = worker.id();
            this.step = worker.numWorkers();
            this.handle = handle;
        }

        @Override
        public boolean hasNext() {
            handle.read();
            return next < size;
        }

        @Override
        public Long next() {
            handle.read();
            if (next >= size) {
                throw new NoSuchElementException();
            }
            long value = next;
            if (value == failAt) {
                throw new SourceFailure(value);
            }
            next += step;
            return value;
        }

        @Override
        public void close() throws IOException {
            handle.close();
            if (closeFails) {
                throw new IOException("closing the counting stream fails");
            }
        }
    }
}
