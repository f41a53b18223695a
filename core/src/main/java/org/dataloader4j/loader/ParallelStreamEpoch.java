package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dataloader4j.data.StreamStart;
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
final class ParallelStreamEpoch<T, B> extends WorkerEpoch<B> {
    private static final Object END = new Object();
    /** How often a waiting consumer looks whether the epoch was closed by another thread. */
    private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final LoaderConfig<T, B> config;
    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final boolean[] finished;
    private final StreamStart[] starts;
    private int turn;
    private int active;
    private Object lookahead; // guarded by this
    private int lookaheadWorker;

    /** A batch of a worker, with its share's position after it (elements consumed). */
    private record Produced(Object batch, long position) {
    }

    /**
     * A failure inside a worker, carried through the queue in the place of a batch, with the share's position after
     * it (-1 when unknown: the failure was the engine's).
     */
    private record Failure(DataLoaderException error, long position) {
    }

    ParallelStreamEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered,
                        WorkerPool sharedPool) {
        super(config, epoch, alreadyDelivered, sharedPool);
        this.config = config;
        int n = config.numWorkers();
        this.finished = new boolean[n];
        this.active = n;
        this.starts = new StreamStart[n];
        for (int w = 0; w < n; w++) {
            starts[w] = alreadyDelivered.start(w, n); // resumed: after what the delivered batches consumed
        }
        this.turn = alreadyDelivered.nextWorker(n);
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
                share = new StreamShare<>(config, epoch, worker, w, starts[w]);
            } catch (Throwable t) {
                out.put(new Failure(DataLoaderException.of(t, epoch, -1, w), starts[w].skip()));
                out.put(END);
                return;
            }
            try {
                while (!closed) {
                    B value;
                    try {
                        value = share.next();
                    } catch (Throwable t) {
                        out.put(new Failure(DataLoaderException.of(t, epoch, -1, w), share.position()));
                        continue; // the share goes on after a failed batch, as at 0 workers
                    }
                    if (value == null) {
                        break;
                    }
                    config.memory().arrived(MemoryTracker.bytesOf(value));
                    try {
                        out.put(new Produced(value, share.position()));
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
                out.put(new Failure(DataLoaderException.of(t, epoch, -1, -1), -1));
            }
        }
    }

    private void offerFailure(BlockingQueue<Object> out, DataLoaderException e) {
        try {
            out.put(new Failure(e, -1));
            out.put(END);
        } catch (InterruptedException ignored) {
            // cancelled while reporting: nobody is listening any more
        }
    }

    @Override
    public boolean hasNext() {
        checkNotAbandoned();
        if (closed) {
            return false;
        }
        if (!hasLookahead()) {
            Object item = takeInTurn();
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
            if (item instanceof Produced p) {
                release(p.batch());
            }
            return false;
        }
        lookahead = item;
        return true;
    }

    /** The next batch in turn order, or {@link #END} when every share is exhausted; a failure is thrown. */
    private Object takeInTurn() {
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
            if (item instanceof Failure(DataLoaderException error, long position)) {
                delivered.add(delivered.prefix()); // a failure takes a batch's place: the next call goes on
                delivered.consumed(w, finished.length, position); // -1 (an engine failure): unchanged
                throw deliverFailure(error, false);
            }
            lookaheadWorker = w;
            return item;
        }
        return END;
    }

    /** Waits for worker {@code w}'s next item, looking regularly whether the epoch was closed meanwhile. */
    private Object poll(int w) {
        BlockingQueue<Object> queue = queues.get(w);
        return await(nanos -> queue.poll(nanos, TimeUnit.NANOSECONDS), CLOSE_CHECK_NANOS,
                () -> DataLoaderException.stream(epoch, -1, -1, w, new TimeoutException(
                        "worker " + w + " produced no batch within " + timeout + " (timeout option)")));
    }

    @Override
    @SuppressWarnings("unchecked")
    B take() {
        Object value;
        synchronized (this) {
            value = lookahead;
            lookahead = null;
        }
        if (!(value instanceof Produced(Object batch, long position))) {
            throw exhausted(true); // closed by another thread since hasNext()
        }
        config.memory().left(true, MemoryTracker.bytesOf(batch));
        delivered.add(delivered.prefix());
        delivered.consumed(lookaheadWorker, finished.length, position);
        return (B) batch;
    }

    /** Cancels the shares, frees the batch looked ahead and what the queues hold, and ends the waiting. */
    @Override
    boolean stopOnce() {
        Object held;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            held = lookahead;
            lookahead = null;
        }
        pool.cancel(this);
        if (held instanceof Produced p) {
            release(p.batch());
        }
        queues.forEach(this::drain);
        return true;
    }

    /** What a worker put while it was being stopped. */
    @Override
    void afterStop() {
        queues.forEach(this::drain);
    }

    private void drain(BlockingQueue<Object> queue) {
        for (Object item; (item = queue.poll()) != null; ) {
            if (item instanceof Produced p) {
                release(p.batch());
            }
        }
    }

    /** A batch leaves the loader without being delivered: un-count it, then free it. */
    private void release(Object batch) {
        config.memory().left(true, MemoryTracker.bytesOf(batch));
        Resources.closeQuietly(batch);
    }
}
