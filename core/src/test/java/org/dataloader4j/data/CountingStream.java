package org.dataloader4j.data;

import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test stream of {@code 0 .. size - 1}, split round-robin between workers, whose iterators count how often they
 * are opened and closed (and closed twice, or read after being closed): a stand-in for a stream of files or shards
 * that must be released. Optionally {@code next()} fails at one value, and {@code close()} fails after counting.
 */
public final class CountingStream implements IterableDataset<Long> {
    private final long size;
    private final long failAt;
    private final boolean closeFails;
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger doubleCloses = new AtomicInteger();
    private final AtomicInteger readsAfterClose = new AtomicInteger();

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
        return opens.get();
    }

    /** Calls of {@code close()} so far, the second close of an iterator included. */
    public int closes() {
        return closes.get();
    }

    /** Iterators closed more than once. */
    public int doubleCloses() {
        return doubleCloses.get();
    }

    /** Calls of {@code hasNext()} or {@code next()} on a closed iterator. */
    public int readsAfterClose() {
        return readsAfterClose.get();
    }

    /** For messages: {@code opens=3 closes=2 doubleCloses=0 readsAfterClose=0}. */
    public String counts() {
        return "opens=" + opens() + " closes=" + closes() + " doubleCloses=" + doubleCloses() + " readsAfterClose="
                + readsAfterClose();
    }

    @Override
    public Iterator<Long> iterator(WorkerInfo worker) {
        opens.incrementAndGet();
        return new Counted(worker);
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
        private boolean closed;

        Counted(WorkerInfo worker) {
            this.next = worker.id();
            this.step = worker.numWorkers();
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                readsAfterClose.incrementAndGet();
            }
            return next < size;
        }

        @Override
        public Long next() {
            if (closed) {
                readsAfterClose.incrementAndGet();
            }
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
            closes.incrementAndGet();
            if (closed) {
                doubleCloses.incrementAndGet();
            }
            closed = true;
            if (closeFails) {
                throw new IOException("closing the counting stream fails");
            }
        }
    }
}
