package org.dataloader4j.loader;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.dataloader4j.collate.PreallocatedBatch;
import org.dataloader4j.data.WorkerInfo;

/**
 * One epoch of a map-style dataset loaded by worker threads. The calling thread draws batches of
 * indices from the batch sampler and keeps at most {@code prefetchFactor × numWorkers} batches in
 * flight; the unit of work is one sample, so a slow sample delays only its own batch's slot. The
 * worker that completes a batch's last sample collates it. Batches are delivered in sampler order
 * unless {@code inOrder(false)}, in which case a completed batch may overtake an earlier one.
 */
final class ParallelEpoch<T, B> extends EpochIterator<B> {
    private final SampleReader<T, B> reader;
    private final BatchPlan plan;
    private final WorkerPool pool;
    private final boolean ownsPool;
    private final WorkerInfo[] workers;
    private final int prefetchFactor;
    private final WorkerTuner tuner;
    private final LoaderConfig<T, B> config;
    private final TensorGather gather;
    private long lastDelivery;
    private Runnable whenAllStarted; // set by the loader after construction: prefetch the next epoch
    private boolean announced;
    private final boolean inOrder;
    private final Duration timeout;
    private final MemoryTracker memory;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private final LinkedBlockingQueue<Pending> completed = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    ParallelEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered, WorkerPool sharedPool) {
        super(epoch, alreadyDelivered);
        this.reader = new SampleReader<>(config);
        this.plan = new BatchPlan(config, epoch, alreadyDelivered);
        this.ownsPool = sharedPool == null;
        this.pool = ownsPool ? new WorkerPool(config.numWorkers(), "dataloader4j-worker-") : sharedPool;
        this.workers = new WorkerInfo[config.numWorkers()];
        for (int id = 0; id < workers.length; id++) {
            workers[id] = config.worker(id, workers.length, epoch);
        }
        this.prefetchFactor = config.prefetchFactor();
        this.tuner = config.workers();
        this.config = config;
        this.gather = TensorGather.of(config);
        pool.setActive(tuner.active());
        this.inOrder = config.inOrder();
        this.timeout = config.timeout();
        this.memory = config.memory();
        refill();
    }

    /** A batch whose samples are being loaded. */
    private final class Pending {
        final long number;
        final long firstPosition;
        final long[] indices;
        final AtomicReferenceArray<T> samples;
        final AtomicInteger remaining;
        volatile boolean done;
        volatile B value;
        volatile RuntimeException failure;
        long bytes;      // guarded by this: what the batch holds once done
        boolean left;    // guarded by this: delivered, or dropped by close()

        final PreallocatedBatch preallocated; // may be null; given back after a successful collate, else to the GC

        Pending(long number, long firstPosition, long[] indices, PreallocatedBatch preallocated) {
            this.number = number;
            this.firstPosition = firstPosition;
            this.indices = indices;
            this.preallocated = preallocated;
            this.samples = new AtomicReferenceArray<>(indices.length);
            this.remaining = new AtomicInteger(indices.length);
        }

        void loadSlot(int slot, int workerId) {
            if (closed || done) {
                return;
            }
            try {
                Workers.initialize(config, pool, epoch, workerId);
                T sample = reader.read(epoch, number, firstPosition + slot, indices[slot], workers[workerId], workerId,
                        preallocated == null ? null : preallocated.slots(slot));
                samples.set(slot, sample);
                if (remaining.decrementAndGet() == 0) {
                    List<T> all = snapshot();
                    for (int i = 0; i < indices.length; i++) {
                        samples.set(i, null); // the batch holds the data now: let the samples go before delivery
                    }
                    complete(reader.collate(epoch, number, indices, all, workerId, preallocated), null);
                }
            } catch (RuntimeException e) {
                complete(null, e);
            }
        }

        /** The fast path: the whole batch gathered by one worker. */
        @SuppressWarnings("unchecked") // taken only with the default collate, whose B is Batch
        void loadWhole(int workerId) {
            if (closed || done) {
                return;
            }
            try {
                Workers.initialize(config, pool, epoch, workerId);
                complete((B) gather.gather(config, epoch, number, indices, workerId), null);
            } catch (RuntimeException e) {
                complete(null, e);
            }
        }

        private List<T> snapshot() {
            @SuppressWarnings("unchecked")
            T[] values = (T[]) new Object[indices.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = samples.get(i);
            }
            return Arrays.asList(values);
        }

        private synchronized void complete(B batch, RuntimeException error) {
            if (done || left) {
                Resources.closeQuietly(batch); // a second outcome, or the consumer is gone: free the batch now
                return;
            }
            value = batch;
            failure = error;
            bytes = MemoryTracker.bytesOf(batch);
            done = true;
            memory.ready(bytes);
            notifyAll();
            completed.add(this);
        }

        /** Takes this batch out of the loader's accounting, once: delivered, or dropped (then its value is freed). */
        synchronized void leave(boolean dropped) {
            if (left) {
                return;
            }
            left = true;
            memory.left(done, bytes);
            if (dropped && done) {
                Resources.closeQuietly(value);
            }
        }

        /** The index of a sample of this batch that has not finished loading, for timeout messages. */
        long firstUnfinishedIndex() {
            for (int i = 0; i < indices.length; i++) {
                if (samples.get(i) == null) {
                    return indices[i];
                }
            }
            return -1;
        }
    }

    /** Submits batches until the window is full or the sampler is exhausted. */
    /** Runs {@code action} once, on the consuming thread, when every batch of this epoch has been started. */
    void whenAllStarted(Runnable action) {
        this.whenAllStarted = action;
    }

    private void refill() {
        if (!plan.hasNext() && !announced && whenAllStarted != null && !closed) {
            announced = true;
            whenAllStarted.run();
        }
        while (inFlight.size() < prefetchFactor * tuner.active() && plan.hasNext() && memory.mayStartAnother()) {
            BatchPlan.Planned planned = plan.next();
            long[] indices = planned.indices();
            Pending batch = new Pending(planned.number(), planned.firstPosition(), indices,
                    gather == null ? reader.preallocate(indices.length) : null);
            inFlight.addLast(batch);
            memory.started();
            if (gather != null) {
                pool.submit(new WorkerPool.Task(this, batch::loadWhole));
                continue;
            }
            for (int slot = 0; slot < indices.length; slot++) {
                final int s = slot;
                pool.submit(new WorkerPool.Task(this, workerId -> batch.loadSlot(s, workerId)));
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (inFlight.isEmpty() && !plan.hasNext()) {
            close();
            return false;
        }
        return true;
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw exhausted(closed);
        }
        Pending batch;
        long waitStart = System.nanoTime();
        try {
            batch = inOrder ? awaitFirst() : awaitAny();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw DataLoaderException.general("wait for a batch: the consuming thread was interrupted", epoch, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        inFlight.remove(batch);
        completed.remove(batch);
        batch.leave(false);
        if (batch.failure != null) {
            close();
            throw batch.failure;
        }
        delivered.add(batch.number);
        long now = System.nanoTime();
        // the first batch's wait is start-up (threads, first reads), not a sign of too few workers
        if (lastDelivery != 0 && tuner.observe(now - waitStart, waitStart - lastDelivery)) {
            pool.setActive(tuner.active());
        }
        lastDelivery = now;
        refill();
        return batch.value;
    }



    private Pending awaitFirst() throws InterruptedException {
        Pending first = inFlight.getFirst();
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        synchronized (first) {
            while (!first.done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw timedOut(first);
                }
                TimeUnit.NANOSECONDS.timedWait(first, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
        }
        return first;
    }

    private Pending awaitAny() throws InterruptedException {
        Pending next = timeout.isZero() ? completed.take() : completed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (next == null) {
            throw timedOut(inFlight.getFirst());
        }
        return next;
    }

    private DataLoaderException timedOut(Pending batch) {
        if (batch.remaining.get() == 0 || gather != null) { // every sample is read: the batch is being collated
            return DataLoaderException.collate(epoch, batch.number, batch.indices, -1,
                    new java.util.concurrent.TimeoutException("batch " + batch.number + " was not collated within "
                            + timeout + " (timeout option)"));
        }
        long index = batch.firstUnfinishedIndex();
        return DataLoaderException.sample(epoch, batch.number, index, reader.sourceOf(index), -1,
                new java.util.concurrent.TimeoutException("sample " + index + " did not load within " + timeout
                        + " (timeout option)"));
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
        for (Pending batch : inFlight) {
            batch.leave(true);
        }
        inFlight.clear();
        completed.clear();
    }
}
