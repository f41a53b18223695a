package org.dataloader4j.loader;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.dataloader4j.collate.internal.PreallocatedBatch;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.tensor.Tensor;

/**
 * One epoch of a map-style dataset loaded by worker threads. The calling thread draws batches of
 * indices from the batch sampler and keeps the batches its {@link BatchWindow} allows in flight (by default
 * two, at any worker count, as every batch is spread over all workers). Each batch is split into one share per
 * active worker; the unit of work is a share, read with one {@code Dataset.getBatch} call, so the workers read one
 * batch in parallel and a slow sample delays only its own share. The worker that completes a batch's last share
 * collates it. On the {@link TensorGather} path a batch is one task: a worker allocates its tensors and copies its
 * rows in, while the other workers gather the next batches; the consumer only receives, woken for two batches at a
 * time ({@link #consumerNeedsWaking}). Batches are delivered in sampler order
 * unless {@code inOrder(false)}, in which case a completed batch may overtake an earlier one.
 *
 * <p>Failures: whatever a worker throws (any {@link Throwable}) completes its batch with a
 * {@link DataLoaderException}; the consumer receives it in the batch's place and the next {@code next()}
 * continues with the following batch, as at 0 workers. When several shares fail, the batch reports the first
 * failed share's failure once the shares before it have loaded, so the error names the same sample as at 0 workers,
 * whichever worker failed first (a share after a failed one is not read). A failed {@code workerInit} ends the
 * epoch after it is reported. A close from any thread, a timeout or an interrupt wakes a waiting consumer at once.
 *
 * <p>Threads: one lock guards the batches in flight; workers take it only to complete a batch, and the
 * consumer never holds it while waiting or while running the loader's callbacks.
 */
final class ParallelEpoch<T, B> extends WorkerEpoch<B> {
    private static final int QUEUED = -1;
    private static final int FINISHED = -2;
    private static final Object SHARE_LOADED = new Object();
    /** The longest a consumer of gathered batches parks before looking again (see {@link #consumerNeedsWaking}). */
    private static final long PAIRED_WAIT_NANOS = 2_000_000L;

    private final SampleReader<T, B> reader;
    private final BatchPlan plan;
    private final WorkerInfo[] workers;
    private final WorkerTuner tuner;
    private final LoaderConfig<T, B> config;
    private final TensorGather gather;
    private final boolean inOrder;
    private final MemoryTracker memory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();  // guarded by lock
    private final ArrayDeque<Pending> completed = new ArrayDeque<>(); // guarded by lock
    private long lastDelivery;
    private Runnable whenAllStarted; // set by the loader after construction: prefetch the next epoch
    private boolean announced;

    ParallelEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered, WorkerPool sharedPool) {
        super(config, epoch, alreadyDelivered, sharedPool);
        this.reader = new SampleReader<>(config);
        this.plan = new BatchPlan(config, epoch, alreadyDelivered);
        this.workers = new WorkerInfo[config.numWorkers()];
        for (int id = 0; id < workers.length; id++) {
            workers[id] = config.worker(id, workers.length, epoch);
        }
        this.tuner = config.workers();
        this.config = config;
        this.gather = TensorGather.of(config);
        this.inOrder = config.inOrder();
        this.memory = config.memory();
        try {
            pool.setActive(tuner.active());
            lock.lock();
            try {
                refill();
            } finally {
                lock.unlock();
            }
        } catch (Throwable t) {
            stop(false);
            throw t;
        }
    }

    /** A batch whose samples are being loaded. */
    private final class Pending {
        final long number;
        final long firstPosition;
        final long[] indices;
        final AtomicReferenceArray<T> samples;
        final AtomicInteger remaining;
        // per share: null while it loads, SHARE_LOADED, or its failure; a failed batch reports its first failed share's
        // failure once every share before it has loaded, so the error names the same sample at any worker count
        final AtomicReferenceArray<Object> shareOutcomes;
        volatile boolean shareFailed;
        final AtomicIntegerArray readers; // per slot: the worker reading it, QUEUED or FINISHED
        final AtomicReferenceArray<SkippedSample> skippedSlots; // with onSampleError(skip): the slots that failed
        volatile boolean done;
        volatile int collator = -1;    // the worker collating the batch, once every sample is read
        B value;                       // guarded by lock, like the fields below
        DataLoaderException failure;
        boolean endsEpoch;             // the failure leaves no worker able to go on (workerInit)
        boolean empty;                 // every sample was skipped: nothing to deliver
        long bytes;                    // what the batch holds once done
        boolean left;                  // delivered, or dropped by close()

        private PreallocatedBatch preallocated; // guarded by this: allocated by the first share that reads (a worker,
                                                // not the consumer, pays for fresh memory); may stay null; given
                                                // back by the collate, or by seal() when abandoned
        private boolean preallocationTried;     // guarded by this
        private Throwable preallocationFailure; // guarded by this: rethrown to every share that asks again
        private volatile List<Tensor> gathered; // the gather path's batch tensors, allocated by the first share; the
                                                // batch's once handed over, else freed by seal()
        volatile boolean handedOver;  // the gathered tensors belong to the delivered batch now
        volatile boolean fellBack;    // a share's getBatch failed and its samples were read one by one (skipping)
        final AtomicInteger writers = new AtomicInteger(); // share tasks writing into it now; -1 once sealed
        volatile boolean abandoned;    // failed or dropped: the preallocated memory goes back once no task writes

        Pending(long number, long firstPosition, long[] indices, int shares) {
            this.number = number;
            this.firstPosition = firstPosition;
            this.indices = indices;
            int slots = gather != null ? 0 : indices.length; // a gathered batch holds no samples
            this.samples = new AtomicReferenceArray<>(slots);
            this.remaining = new AtomicInteger(shares);
            this.shareOutcomes = new AtomicReferenceArray<>(shares);
            this.readers = new AtomicIntegerArray(Math.max(1, slots)); // gathered: slot 0 stands for the batch
            this.skippedSlots = new AtomicReferenceArray<>(slots);
            for (int i = 0; i < readers.length(); i++) {
                readers.set(i, QUEUED);
            }
        }

        /** Loads share {@code share} of this batch's samples on worker {@code workerId}. */
        void loadShare(int share, int workerId) {
            if (closed || done || anEarlierShareFailed(share) || !enterWriter()) {
                return;
            }
            int shares = shareOutcomes.length();
            int from = (int) ((long) share * indices.length / shares);
            int to = (int) ((long) (share + 1) * indices.length / shares);
            try {
                loadShareWriting(share, from, to, workerId);
            } finally {
                exitWriter();
            }
        }

        /** Whether a share before {@code share} has failed: the batch's failure is then not this share's. */
        private boolean anEarlierShareFailed(int share) {
            if (!shareFailed) {
                return false;
            }
            for (int i = 0; i < share; i++) {
                if (shareOutcomes.get(i) instanceof DataLoaderException) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Share {@code share} failed: the batch fails with the failure of its first failed share, once every share
         * before that one has loaded (a worker, not the order of the workers' finishing, decides what is reported).
         */
        private void shareFailed(int share, DataLoaderException failure) {
            shareOutcomes.set(share, failure);
            shareFailed = true;
            completeWithFirstFailure();
        }

        /** Share {@code share} loaded; when a later share has failed, its failure may now be the batch's. */
        private void shareLoaded(int share) {
            shareOutcomes.set(share, SHARE_LOADED);
            if (shareFailed) {
                completeWithFirstFailure();
            }
        }

        private void completeWithFirstFailure() {
            for (int i = 0; i < shareOutcomes.length(); i++) {
                Object outcome = shareOutcomes.get(i);
                if (outcome == null) {
                    return; // an earlier share is still loading: it may fail first, or the later failure waits
                }
                if (outcome instanceof DataLoaderException failure) {
                    complete(null, failure, false); // a second caller's outcome is ignored by complete
                    return;
                }
            }
        }

        /** Counts a task that may write into the preallocated batch; false once it is sealed (given back). */
        private boolean enterWriter() {
            while (true) {
                int n = writers.get();
                if (n < 0) {
                    return false;
                }
                if (writers.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        private void exitWriter() {
            if (writers.decrementAndGet() == 0) {
                seal();
            }
        }

        /** The batch failed or was dropped: its preallocated memory goes back as soon as no task writes into it. */
        void abandon() {
            abandoned = true;
            seal();
        }

        private void seal() {
            // memory is allocated only by a task counted in writers, so once sealed nothing allocates any more
            if (abandoned && writers.compareAndSet(0, -1)) {
                PreallocatedBatch allocated = allocated();
                if (allocated != null) {
                    allocated.releaseUnused();
                }
                List<Tensor> tensors = gathered;
                if (tensors != null && !handedOver) {
                    tensors.forEach(Tensor::close);
                }
            }
        }

        @SuppressWarnings("unchecked") // the gather path is taken only with the default collate, whose B is Batch
        private void loadShareWriting(int share, int from, int to, int workerId) {
            if (done) {
                return;
            }
            if (gather != null) {
                readers.set(0, workerId);
            } else {
                for (int slot = from; slot < to; slot++) {
                    readers.set(slot, workerId);
                }
            }
            if (!initialized(workerId)) {
                return;
            }
            boolean completedHere = false;
            try {
                if (gather != null) {
                    List<Tensor> tensors = batchTensors();
                    gather.copy(epoch, number, indices, from, to, tensors, workerId);
                    shareLoaded(share);
                    if (remaining.decrementAndGet() == 0) {
                        collator = workerId;
                        handedOver = true;
                        complete((B) TensorGather.batch(tensors, indices.length), null, false);
                        completedHere = true;
                    }
                } else {
                    readShare(from, to, workerId);
                    shareLoaded(share);
                    if (remaining.decrementAndGet() == 0) {
                        collator = workerId;
                        collateLoaded(workerId);
                        completedHere = true;
                    }
                }
            } catch (Throwable t) {
                shareFailed(share, DataLoaderException.of(t, epoch, number, workerId));
            }
            if (completedHere) {
                startNextBatches(); // outside the try: a failure here is not this batch's (WorkerPool reports it)
            }
        }

        /**
         * The batch's tensors allocated ahead (null when the loader does not preallocate), allocated by the first share
         * that asks: on a worker, so that the consumer hands out the batch before it and starts the next batches
         * without paying for their memory (fresh memory is zeroed and faulted in: ~20 ms for a batch of 64 images
         * of 224 x 224 at the start of an epoch). A failed allocation fails every share that asks.
         */
        private synchronized PreallocatedBatch preallocated() {
            if (!preallocationTried) {
                preallocationTried = true;
                try {
                    preallocated = reader.preallocate(indices.length);
                } catch (Throwable t) {
                    preallocationFailure = t;
                }
            }
            if (preallocationFailure instanceof RuntimeException e) {
                throw e;
            }
            if (preallocationFailure instanceof Error e) {
                throw e;
            }
            if (preallocationFailure != null) {
                throw DataLoaderException.of(preallocationFailure, epoch, number, -1);
            }
            return preallocated;
        }

        /** The tensors {@link #preallocated()} allocated, or null. */
        private synchronized PreallocatedBatch allocated() {
            return preallocated;
        }

        /** The gather path's batch tensors, allocated (from the pool) by the first share that needs them. */
        private List<Tensor> batchTensors() {
            List<Tensor> tensors = gathered;
            if (tensors == null) {
                synchronized (this) {
                    tensors = gathered;
                    if (tensors == null) {
                        tensors = gather.allocate(indices.length, config.pool());
                        gathered = tensors;
                    }
                }
            }
            return tensors;
        }

        /**
         * Reads slots {@code from .. to - 1} with one {@code getBatch} call. When it fails and failed samples are
         * skipped, reads them again one by one to find the ones to skip.
         */
        private void readShare(int from, int to, int workerId) {
            PreallocatedBatch preallocated = preallocated();
            List<T> read;
            try {
                read = reader.readBatch(epoch, number, firstPosition + from, Arrays.copyOfRange(indices, from, to),
                        workers[workerId], workerId, preallocated == null ? null : s -> preallocated.slots(from + s),
                        new SampleReader.Progress() {
                            @Override
                            public void started(int s) {
                                readers.set(from + s, workerId);
                            }

                            @Override
                            public void finished(int s) {
                                readers.set(from + s, FINISHED);
                            }
                        });
            } catch (Throwable t) {
                DataLoaderException failure = DataLoaderException.of(t, epoch, number, workerId);
                if (!config.skipsFailedSamples()) {
                    throw failure;
                }
                readOneByOne(from, to, workerId);
                return;
            }
            for (int slot = from; slot < to; slot++) {
                samples.set(slot, read.get(slot - from));
            }
            finished(from, to);
        }

        /** After a failed share: each sample on its own (not into the preallocated rows), skipping those that fail. */
        private void readOneByOne(int from, int to, int workerId) {
            fellBack = true;
            reader.readOneByOne(epoch, number, firstPosition, indices, from, to, workers[workerId], workerId,
                    new SampleReader.SlotOutcome<>() {
                        @Override
                        public void started(int slot) {
                            readers.set(slot, workerId);
                        }

                        @Override
                        public void loaded(int slot, T sample) {
                            samples.set(slot, sample);
                            readers.set(slot, FINISHED);
                        }

                        @Override
                        public void skipped(int slot, SkippedSample failure) {
                            skippedSlots.set(slot, failure);
                            readers.set(slot, FINISHED);
                        }
                    });
        }

        private void finished(int from, int to) {
            for (int slot = from; slot < to; slot++) {
                readers.set(slot, FINISHED);
            }
        }

        /** Once every slot is read: collates the samples that loaded (all of them, unless some were skipped). */
        private void collateLoaded(int workerId) {
            List<T> all = snapshot();
            for (int i = 0; i < indices.length; i++) {
                samples.set(i, null); // the batch holds the data now: let the samples go before delivery
            }
            List<SkippedSample> skipped = skipped();
            PreallocatedBatch preallocated = allocated();
            if (skipped.isEmpty() && !fellBack) {
                complete(reader.collate(epoch, number, indices, all, workerId, preallocated), null, false);
                return;
            }
            List<T> loaded = new java.util.ArrayList<>(indices.length);
            long[] loadedIndices = new long[indices.length - skipped.size()];
            for (int i = 0; i < indices.length; i++) {
                if (skippedSlots.get(i) == null) {
                    loadedIndices[loaded.size()] = indices[i];
                    loaded.add(all.get(i));
                }
            }
            try {
                // the survivors are copied out of the rows they were read into, which are then given back
                complete(loaded.isEmpty() ? null : reader.collate(epoch, number, loadedIndices, loaded, workerId, null),
                        null, false);
            } finally {
                if (preallocated != null) {
                    preallocated.releaseUnused();
                }
            }
        }

        /** The samples of this batch that were skipped, in slot order. */
        List<SkippedSample> skipped() {
            List<SkippedSample> out = new java.util.ArrayList<>(0);
            for (int i = 0; i < indices.length; i++) {
                SkippedSample s = skippedSlots.get(i);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }

        /** Runs the loader's workerInit on this thread once; false (the batch failed) when it fails. */
        private boolean initialized(int workerId) {
            try {
                Workers.initialize(config, pool, epoch, workerId);
                return true;
            } catch (Throwable t) {
                complete(null, DataLoaderException.of(t, epoch, number, workerId), true);
                return false;
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

        /** The outcome of this batch, once: a batch or a failure. A late or second outcome is freed at once. */
        void complete(B batch, DataLoaderException error, boolean fatal) {
            lock.lock();
            try {
                if (done || left) {
                    Resources.closeQuietly(batch); // a second outcome, or the consumer is gone: free the batch now
                    return;
                }
                if (error != null) {
                    abandon();
                }
                value = batch;
                failure = error;
                endsEpoch = fatal;
                empty = batch == null && error == null;
                bytes = MemoryTracker.bytesOf(batch);
                done = true;
                memory.ready(bytes);
                completed.addLast(this);
                if (consumerNeedsWaking()) {
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Whether a worker has begun this batch (gathered batches: one task, so the whole batch). */
        boolean started() {
            return readers.get(0) != QUEUED;
        }

        /** Takes this batch out of the loader's accounting, once: delivered, or dropped (then its value is freed). */
        void leave(boolean dropped) { // under lock
            if (left) {
                return;
            }
            left = true;
            memory.left(done, bytes);
            if (dropped && done) {
                Resources.closeQuietly(value);
            }
            if (dropped && (!done || failure != null)) {
                abandon();
            }
        }

        /** The slot of the first sample that has not finished loading, or -1. */
        int firstUnfinishedSlot() {
            for (int i = 0; i < indices.length; i++) {
                if (readers.get(i) != FINISHED) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * Under the lock, after a batch completed: whether the consumer, if it waits, should be woken now. Out of order,
     * any completed batch is deliverable. In order, only the first batch in flight is: a later one completing first
     * would wake the consumer for nothing. Gathered batches (one task each, the workers copying different batches at
     * once) wake it two at a time once the epoch's first batch is out: the first batch, once done, waits for the
     * second while a worker has it under way, so the consumer takes both in one wake-up. Each wake-up of a consumer
     * that is faster than the workers preempts a worker on a busy machine; the held batch waits at most
     * {@link #PAIRED_WAIT_NANOS} (the consumer looks again by then).
     */
    private boolean consumerNeedsWaking() {
        if (!inOrder) {
            return true;
        }
        Pending first = inFlight.peekFirst();
        if (first == null || !first.done) {
            return false;
        }
        if (gather == null || lastDelivery == 0 || inFlight.size() < 2) {
            return true;
        }
        Iterator<Pending> batches = inFlight.iterator();
        batches.next();
        Pending second = batches.next();
        return second.done || !second.started();
    }

    /** Runs {@code action} once, on the consuming thread, when every batch of this epoch has been started. */
    void whenAllStarted(Runnable action) {
        this.whenAllStarted = action;
    }

    /**
     * On a worker that has just completed a batch: starts the batches the window has room for, so that a worker
     * goes on to its next batch without waiting for the consumer to wake and start it (the consumer starts
     * batches too, as it takes them out). The sampler is drawn under the epoch's lock by whichever thread starts a
     * batch, in order, so the batches are the same whoever starts them.
     */
    private void startNextBatches() {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            startBatches();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, on the consumer: starts batches until the window is full or the plan is exhausted. Returns
     * true, once, when every batch has been started and the caller should run {@link #whenAllStarted} (after
     * unlocking).
     */
    private boolean refill() {
        startBatches();
        if (!plan.hasNext() && !announced && whenAllStarted != null && !closed) {
            announced = true;
            return true;
        }
        return false;
    }

    /** Under the lock: starts batches until the window is full or the plan is exhausted. */
    private void startBatches() {
        while (!closed && plan.hasNext() && windowHasRoom() && memory.mayStartAnother()) {
            BatchPlan.Planned planned = plan.next();
            long[] indices = planned.indices();
            if (planned.failed()) { // the sampler's failure takes this batch's place
                startFailed(planned, indices, planned.failure(), false);
                continue;
            }
            // the batch's memory is allocated by the worker that starts it (Pending.preallocated, batchTensors)
            // read: one getBatch per active worker, so the workers read one batch together; gathered: one task per
            // batch, the workers gathering different batches at once (splitting a batch of row copies only adds
            // waiting for its slowest part)
            int shares = gather != null ? 1 : Math.clamp(tuner.active(), 1, Math.max(1, indices.length));
            Pending batch;
            try {
                batch = new Pending(planned.number(), planned.firstPosition(), indices, shares);
            } catch (RuntimeException | Error e) { // out of memory: the batch fails in its place and the epoch ends
                startFailed(planned, new long[0], DataLoaderException.of(e, epoch, planned.number(), -1), true);
                return;
            }
            inFlight.addLast(batch);
            memory.started();
            try {
                for (int share = 0; share < shares; share++) {
                    int s = share;
                    pool.submit(new WorkerPool.Task(this, workerId -> batch.loadShare(s, workerId)));
                }
            } catch (RuntimeException | Error e) { // the pool was shut down: the batch fails in its place, not silently
                batch.complete(null, DataLoaderException.of(e, epoch, planned.number(), -1), false);
            }
        }
    }

    /**
     * Under the lock: puts {@code failure} in flight in the place of batch {@code planned}; a fatal one ends
     * the epoch.
     */
    private void startFailed(BatchPlan.Planned planned, long[] indices, DataLoaderException failure, boolean fatal) {
        Pending failed = new Pending(planned.number(), planned.firstPosition(), indices, 1);
        inFlight.addLast(failed);
        memory.started();
        failed.complete(null, failure, fatal);
    }

    /** Under the lock: whether the loader's {@link BatchWindow} lets one more batch start. */
    private boolean windowHasRoom() {
        long samples = 0;
        for (Pending p : inFlight) {
            samples += p.indices.length;
        }
        return memory.window().hasRoom(inFlight.size(), samples, tuner.active(), gather != null,
                config.slots().learning());
    }

    @Override
    public boolean hasNext() {
        checkNotAbandoned();
        while (true) {
            Pending emptied;
            boolean announce;
            lock.lock();
            try {
                if (closed) {
                    return false;
                }
                if (inFlight.isEmpty() && !plan.hasNext()) {
                    break;
                }
                if (!config.skipsFailedSamples()) {
                    return true;
                }
                Pending head = awaitBatch(); // with skipping, a batch may turn out empty: look before answering
                if (!head.empty) {
                    return true;
                }
                emptied = head;
                announce = takeOut(head, System.nanoTime());
            } finally {
                lock.unlock();
            }
            afterTakingOut(emptied, announce);
        }
        close(); // the epoch is over
        return false;
    }

    @Override
    B take() {
        Pending batch;
        boolean announce;
        long waitStart = System.nanoTime();
        lock.lock();
        try {
            batch = awaitBatch();
            announce = takeOut(batch, waitStart);
        } finally {
            lock.unlock();
        }
        afterTakingOut(batch, announce);
        if (batch.failure != null) {
            throw deliverFailure(batch.failure, batch.endsEpoch);
        }
        return batch.value;
    }

    /** Under the lock: takes a completed batch out of the window, counts it as passed and starts more batches. */
    private boolean takeOut(Pending batch, long waitStart) {
        inFlight.remove(batch);
        completed.remove(batch);
        batch.leave(false);
        delivered.add(batch.number); // a failed or emptied batch is passed too: the next call goes on after it
        long now = System.nanoTime();
        // the first batch's wait is start-up (threads, first reads), not a sign of too few workers
        if (batch.failure == null && lastDelivery != 0 && tuner.observe(now - waitStart, waitStart - lastDelivery)) {
            pool.setActive(tuner.active());
        }
        lastDelivery = now;
        return refill();
    }

    /** Outside the lock, on the consumer: runs the loader's callback and records the batch's skipped samples. */
    private void afterTakingOut(Pending batch, boolean announce) {
        if (announce) {
            whenAllStarted.run();
        }
        if (config.skipsFailedSamples()) {
            List<SkippedSample> skipped = batch.skipped();
            if (!skipped.isEmpty()) {
                try {
                    skips.admit(epoch, batch.number, skipped);
                } catch (DataLoaderException e) {
                    Resources.closeQuietly(batch.value);
                    close();
                    throw e;
                }
            }
        }
    }

    /** Under the lock: waits for the next batch to deliver, or fails on close, timeout or interrupt. */
    private Pending awaitBatch() {
        return await(nanos -> { // a completed batch and a close both signal the condition
            if (nanos > 0) {
                changed.awaitNanos(nanos);
                return null; // look again, after looking whether the epoch was closed meanwhile
            }
            return inOrder ? (inFlight.getFirst().done ? inFlight.getFirst() : null) : completed.peekFirst();
        }, gather != null ? PAIRED_WAIT_NANOS : Long.MAX_VALUE, () -> timedOut(inFlight.getFirst()));
    }

    private DataLoaderException timedOut(Pending batch) {
        int slot = gather != null ? 0 : batch.firstUnfinishedSlot();
        int worker = slot >= 0 ? batch.readers.get(slot) : batch.collator;
        if (slot < 0 || (gather != null && worker >= 0)) { // every sample is read (or gathered whole): collating
            return DataLoaderException.collate(epoch, batch.number, batch.indices, worker,
                    new TimeoutException("batch " + batch.number + " was not " + (gather != null ? "gathered" : "collated")
                            + " within " + timeout + " (timeout option)"));
        }
        long index = batch.indices[slot];
        return DataLoaderException.sampleTimeout(epoch, batch.number, index, reader.sourceOf(index), worker,
                new TimeoutException("sample " + index + " did not load within " + timeout + " (timeout option)"));
    }

    /** Drops queued samples, interrupts running ones, frees the batches in flight and wakes a waiting consumer. */
    @Override
    boolean stopOnce() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            pool.cancel(this);
            for (Pending batch : inFlight) {
                batch.leave(true);
            }
            inFlight.clear();
            completed.clear();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }
}
