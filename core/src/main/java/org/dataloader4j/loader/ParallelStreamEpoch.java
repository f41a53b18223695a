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
 */
final class ParallelStreamEpoch<T, B> extends EpochIterator<B> {
    private static final Object END = new Object();

    private final LoaderConfig<T, B> config;
    private final WorkerPool pool;
    private final boolean ownsPool;
    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final boolean[] finished;
    private final Duration timeout;
    private int turn;
    private int active;
    private Object lookahead;
    private volatile boolean closed;
    private long toSkip;

    /** A failure inside a worker, carried through the queue. */
    private record Failure(RuntimeException error) {
    }

    ParallelStreamEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered,
                        WorkerPool sharedPool) {
        super(epoch, alreadyDelivered);
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

    /** Runs on a worker: iterates share {@code w} and queues its batches, then {@link #END}. */
    private void produce(int w, int thread) {
        BlockingQueue<Object> out = queues.get(w);
        WorkerInfo worker = config.worker(w, queues.size(), epoch);
        try {
            Workers.initialize(config, pool, epoch, thread);
        } catch (RuntimeException e) {
            offerFailure(out, e);
            return;
        }
        try {
            try (StreamShare<T, B> share = new StreamShare<>(config, epoch, worker, w)) {
                for (B value; !closed && (value = share.next()) != null; ) {
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
            }
            out.put(END); // after the share is closed: an exhausted epoch holds no iterator open
        } catch (InterruptedException e) {
            // cancelled: the consumer is gone and drains nothing more
        } catch (RuntimeException e) {
            offerFailure(out, e);
        }
    }

    private void offerFailure(BlockingQueue<Object> out, RuntimeException e) {
        try {
            out.put(new Failure(e));
        } catch (InterruptedException ignored) {
            // cancelled while reporting: nobody is listening any more
        }
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        while (toSkip > 0 && lookahead == null) { // resumed: these batches were delivered before
            Object skipped = take();
            if (skipped == END) {
                toSkip = 0;
                lookahead = END;
                break;
            }
            release(skipped);
            toSkip--;
        }
        if (lookahead == null) {
            lookahead = take();
        }
        if (lookahead == END) {
            close();
            return false;
        }
        return true;
    }

    /** The next batch in turn order, or {@link #END} when every share is exhausted. */
    private Object take() {
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
            if (item instanceof Failure(RuntimeException error)) {
                close();
                throw error;
            }
            return item;
        }
        return END;
    }

    private Object poll(int w) {
        try {
            Object item = timeout.isZero() ? queues.get(w).take()
                    : queues.get(w).poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (item == null) {
                close();
                throw DataLoaderException.stream(epoch, -1, -1, w, new TimeoutException(
                        "worker " + w + " produced no batch within " + timeout + " (timeout option)"));
            }
            return item;
        } catch (InterruptedException e) {
            close();
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
        Object value = lookahead;
        lookahead = null;
        config.memory().left(true, MemoryTracker.bytesOf(value));
        delivered.add(delivered.prefix());
        return (B) value;
    }



    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.cancel(this);
        if (ownsPool) {
            pool.close();
        }
        if (lookahead != null && lookahead != END) {
            release(lookahead);
        }
        lookahead = null;
        queues.forEach(this::drain);
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
