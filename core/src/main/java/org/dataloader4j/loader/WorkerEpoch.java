package org.dataloader4j.loader;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The consumer side that both epochs loaded by worker threads share ({@link ParallelEpoch} for map-style datasets,
 * {@link ParallelStreamEpoch} for streams): {@code next()} waits for what the workers deliver and hands over a batch
 * or throws its failure; a close from any thread, the loader's timeout or an interrupt wakes a waiting consumer with
 * a clear {@link DataLoaderException}; and stopping (cancel the epoch's tasks, free what it holds, end an owned
 * pool's threads, bounded) happens once, whoever asks first.
 *
 * <p>Each subclass says how to look for the next item ({@link Wait}), what a timeout names, how to free what it
 * holds ({@link #stopOnce()}) and how to take the item {@code hasNext()} found ({@link #take()}).
 */
abstract class WorkerEpoch<B> extends EpochIterator<B> {
    final WorkerPool pool;
    final boolean ownsPool;
    final Duration timeout;
    volatile boolean closed; // set once, by stopOnce(), under the subclass's lock

    /** How a consumer looks for the next item of its epoch. */
    @FunctionalInterface
    interface Wait<I> {
        /**
         * The next item, or null when there is none yet: without waiting when {@code nanos} is 0, else after waiting
         * up to {@code nanos} (it may return null early, for example when woken; the caller looks again).
         */
        I poll(long nanos) throws InterruptedException;
    }

    WorkerEpoch(LoaderConfig<?, ?> config, long epoch, DeliveredBatches alreadyDelivered, WorkerPool sharedPool) {
        super(epoch, alreadyDelivered, config.newSkipLog());
        this.ownsPool = sharedPool == null;
        this.pool = ownsPool ? new WorkerPool(config.numWorkers(), "dataloader4j-worker-") : sharedPool;
        this.timeout = config.timeout();
    }

    /**
     * Waits for the next item of {@code wait}, looking at most every {@code step} nanoseconds whether the epoch was
     * closed meanwhile (an epoch whose close wakes the wait may give {@code Long.MAX_VALUE}). Fails when the epoch
     * is closed from another thread, with {@code timedOut}'s failure once the loader's timeout passed (the epoch is
     * stopped first: the consumer must not wait for workers that may never return), and when the consumer is
     * interrupted (the epoch is stopped and the interrupt flag restored).
     */
    final <I> I await(Wait<I> wait, long step, Supplier<DataLoaderException> timedOut) {
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                if (closed) {
                    throw closedWhileWaiting();
                }
                I ready = wait.poll(0);
                if (ready != null) {
                    return ready;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    DataLoaderException error = timedOut.get();
                    stop(false);
                    throw error;
                }
                ready = wait.poll(Math.min(left, step));
                if (ready != null) {
                    return ready;
                }
            }
        } catch (InterruptedException e) {
            stop(false);
            Thread.currentThread().interrupt();
            throw DataLoaderException.general("wait for a batch: the consuming thread was interrupted", epoch, e);
        }
    }

    @Override
    final boolean isFinished() {
        return closed;
    }

    /** The next batch, or its failure thrown in its place; when there is none, a {@link java.util.NoSuchElementException}. */
    @Override
    public final B next() {
        if (!hasNext()) {
            throw exhausted(closed);
        }
        return take();
    }

    /** After {@code hasNext()} said yes: takes that batch out of the epoch and returns it, or throws its failure. */
    abstract B take();

    /**
     * A batch's failure delivered in its place: thrown, after closing the epoch when {@code endsEpoch} (nothing can go
     * on after it); the next call goes on with the following batch otherwise.
     */
    final DataLoaderException deliverFailure(DataLoaderException failure, boolean endsEpoch) {
        if (endsEpoch) {
            close();
        }
        throw failure;
    }

    /** Stops this epoch's work and releases what it holds; waits (a bounded time) for its own threads to end. */
    @Override
    public final void close() {
        stop(true);
    }

    /**
     * Stops the epoch, once: its queued tasks are dropped, running ones interrupted, what it holds freed and a
     * waiting consumer woken. With {@code join}, also waits up to a second for the threads of an owned pool; a
     * later stop with {@code join} after one without (a timeout) does that wait.
     */
    final void stop(boolean join) {
        if (!stopOnce()) {
            if (join && ownsPool) {
                pool.close(); // stopped earlier without waiting (a timeout): now wait, bounded, for its threads
            }
            return;
        }
        if (ownsPool) {
            pool.stop(join);
        }
        afterStop();
    }

    /**
     * Marks the epoch closed and frees what it holds (cancelling its tasks with {@code pool.cancel(this)} and waking a
     * waiting consumer); false, doing nothing, when it was closed before.
     */
    abstract boolean stopOnce();

    /** After an owned pool was stopped: frees what a worker delivered while it was being stopped. */
    void afterStop() {
    }
}
