package org.dataloader4j.loader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dataloader4j.data.WorkerInfo;

/**
 * One epoch of an {@code IterableDataset} loaded by worker threads, as PyTorch does it: worker
 * {@code w} iterates its own share ({@code iterator(WorkerInfo w of W)}), cuts it into batches and
 * collates them; the consumer takes batches from the workers in turn (0, 1, ..., W-1, 0, ...),
 * skipping workers whose share is exhausted. The order is therefore fixed for a given dataset and
 * worker count. Each worker has at most {@code prefetchFactor} batches waiting.
 *
 * <p>Failures: whatever a share throws (any {@link Throwable}) takes the place of a batch in that worker's
 * turn; the share then goes on, as it does at 0 workers. A share that cannot be opened (or whose
 * {@code workerInit} fails) reports that and ends. A close from any thread, a timeout or an interrupt wakes
 * a waiting consumer within a few milliseconds.
 */
final class ParallelStreamEpoch<T, B> extends EpochIterator<B> {
    private static final Object END = new Object();
    /** How often a waiting consumer looks whether the epoch was closed by another thread. */
    private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final LoaderConfig<T, B> config;
    private final WorkerPool pool;
    private final boolean ownsPool;
    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final boolean[] finished;
    private final Duration timeout;
    private int turn;
    private int active;
    private Object lookahead; // guarded by this
    private volatile boolean closed;
    private long toSkip;

    /** A failure inside a worker, carried through the queue in the place of a batch. */
    private record Failure(DataLoaderException error) {
    }

    ParallelStreamEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered,
                        WorkerPool sharedPool) {
        super(epoch, alreadyDelivered, config.newSkipLog());
        this.config = config;
        this.toSkip = alreadyDelivered.prefix();
        this.timeout = config.timeout();
        int n = config.numWorkers();
        this.ownsPool = sharedPool == null;
        this.pool = ownsPool ? new WorkerPool(n, "dataloader4j-worker-") : sharedPool;
        this.finished = new boolean[n];
        this.active = n;
        for (int w = 0; w < n; w++) {
            queues.add(new ArrayBlockingQueue<>(config.prefetchFactor()));
        }
        for (int w = 0; w < n; w++) {
            final int share = w;
            pool.submit(new WorkerPool.Task(this, workerId -> produce(share, workerId)));
        }
    }

    /** Runs on a worker: iterates share {@code w} and queues its batches and failures, then {@link #END}. */
    private void produce(int w, int thread) {
        BlockingQueue<Object> out = queues.get(w);
        WorkerInfo worker = config.worker(w, queues.size(), epoch);
        try {
            StreamShare<T, B> share;
            try {
                Workers.initialize(config, pool, epoch, thread);
                share = new StreamShare<>(config, epoch, worker, w);
            } catch (Throwable t) {
                out.put(new Failure(DataLoaderException.of(t, epoch, -1, w)));
                out.put(END);
                return;
            }
            try {
                while (!closed) {
                    B value;
                    try {
                        value = share.next();
                    } catch (Throwable t) {
                        out.put(new Failure(DataLoaderException.of(t, epoch, -1, w)));
                        continue; // the share goes on after a failed batch, as at 0 workers
                    }
                    if (value == null) {
                        break;
                    }
                    config.memory().arrived(MemoryTracker.bytesOf(value));
                    try {
                        out.put(value);
                    } catch (InterruptedException e) {
                        release(value); // cancelled while waiting for room: nobody will take it
                        throw e;
                    }
                    if (closed) {
                        drain(out); // the consumer left while this batch was being made
                        return;
                    }
                }
            } finally {
                closeShare(share, out);
            }
            out.put(END);
        } catch (InterruptedException e) {
            // cancelled: the consumer is gone and drains nothing more
        } catch (Throwable t) {
            offerFailure(out, DataLoaderException.of(t, epoch, -1, w)); // an engine failure: still never silent
        }
    }

    /** Closes the share's iterator; a failure to close is reported in the share's turn, before its end. */
    private void closeShare(StreamShare<T, B> share, BlockingQueue<Object> out) throws InterruptedException {
        try {
            share.close();
        } catch (Throwable t) {
            if (!closed) {
                out.put(new Failure(DataLoaderException.of(t, epoch, -1, -1)));
            }
        }
    }

    private void offerFailure(BlockingQueue<Object> out, DataLoaderException e) {
        try {
            out.put(new Failure(e));
            out.put(END);
        } catch (InterruptedException ignored) {
            // cancelled while reporting: nobody is listening any more
        }
    }

    @Override
    boolean isFinished() {
        return closed;
    }

    @Override
    public boolean hasNext() {
        checkNotAbandoned();
        if (closed) {
            return false;
        }
        while (toSkip > 0 && !hasLookahead()) { // resumed: these batches (or failures) were delivered before
            Object skipped = take(true);
            if (skipped == END) {
                toSkip = 0;
                keep(END);
                break;
            }
            if (!(skipped instanceof Failure)) {
                release(skipped);
            }
            toSkip--;
        }
        if (!hasLookahead()) {
            Object item = take(false);
            if (!keep(item)) {
                return false;
            }
        }
        if (peek() == END) {
            close();
            return false;
        }
        return true;
    }

    private synchronized boolean hasLookahead() {
        return lookahead != null;
    }

    private synchronized Object peek() {
        return lookahead;
    }

    /** Keeps {@code item} for {@link #next()}; false (and the item freed) when the epoch was closed meanwhile. */
    private synchronized boolean keep(Object item) {
        if (closed) {
            if (item != END && !(item instanceof Failure)) {
                release(item);
            }
            return false;
        }
        lookahead = item;
        return true;
    }

    /**
     * The next batch or failure in turn order, or {@link #END} when every share is exhausted. A failure is
     * thrown unless {@code keepFailures} (when skipping what a resumed epoch delivered before).
     */
    private Object take(boolean keepFailures) {
        while (active > 0) {
            int w = turn;
            turn = (turn + 1) % finished.length;
            if (finished[w]) {
                continue;
            }
            Object item = poll(w);
            if (item == END) {
                finished[w] = true;
                active--;
                continue;
            }
            if (item instanceof Failure(DataLoaderException error) && !keepFailures) {
                delivered.add(delivered.prefix()); // a failure takes a batch's place: the next call goes on
                throw error;
            }
            return item;
        }
        return END;
    }

    /** Waits for worker {@code w}'s next item, looking regularly whether the epoch was closed meanwhile. */
    private Object poll(int w) {
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                if (closed) {
                    throw closedWhileWaiting();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    DataLoaderException error = DataLoaderException.stream(epoch, -1, -1, w, new TimeoutException(
                            "worker " + w + " produced no batch within " + timeout + " (timeout option)"));
                    stop(false);
                    throw error;
                }
                Object item = queues.get(w).poll(Math.min(left, CLOSE_CHECK_NANOS), TimeUnit.NANOSECONDS);
                if (item != null) {
                    return item;
                }
            }
        } catch (InterruptedException e) {
            stop(false);
            Thread.currentThread().interrupt();
            throw DataLoaderException.general("wait for a batch: the consuming thread was interrupted", epoch, e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public B next() {
        if (!hasNext()) {
            throw exhausted(closed);
        }
        Object value;
        synchronized (this) {
            value = lookahead;
            lookahead = null;
        }
        if (value == null) {
            throw exhausted(true); // closed by another thread since hasNext()
        }
        config.memory().left(true, MemoryTracker.bytesOf(value));
        delivered.add(delivered.prefix());
        return (B) value;
    }

    @Override
    public void close() {
        stop(true);
    }

    /** Stops the epoch and frees what it holds; with {@code join}, waits (bounded) for an owned pool's threads. */
    private void stop(boolean join) {
        Object held;
        synchronized (this) {
            if (closed) {
                if (join && ownsPool) {
                    pool.close(); // stopped earlier without waiting (a timeout): now wait, bounded, for its threads
                }
                return;
            }
            closed = true;
            held = lookahead;
            lookahead = null;
        }
        pool.cancel(this);
        if (held != null && held != END && !(held instanceof Failure)) {
            release(held);
        }
        queues.forEach(this::drain);
        if (ownsPool) {
            pool.stop(join);
        }
        queues.forEach(this::drain); // what a worker put while it was being stopped
    }

    private void drain(BlockingQueue<Object> queue) {
        for (Object item; (item = queue.poll()) != null; ) {
            if (item != END && !(item instanceof Failure)) {
                release(item);
            }
        }
    }

    /** A batch leaves the loader without being delivered: un-count it, then free it. */
    private void release(Object batch) {
        config.memory().left(true, MemoryTracker.bytesOf(batch));
        Resources.closeQuietly(batch);
    }
}
