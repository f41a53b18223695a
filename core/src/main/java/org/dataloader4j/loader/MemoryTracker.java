package org.dataloader4j.loader;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.tensor.BufferPool;
import org.dataloader4j.tensor.Tensor;

/**
 * Counts the batches and bytes a loader holds between the workers and the consumer, and holds the two limits on
 * them: the {@link BatchWindow} (how many batches of a map-style dataset may be in flight) and the optional
 * {@code maxInflightBytes} budget. Updated by workers and the consumer concurrently; each update and
 * each snapshot is atomic, so a report is always consistent.
 */
final class MemoryTracker {
    private final long budget;
    private final BatchWindow window;
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicLong readyBytes = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private volatile long largestBatch;

    /** No byte budget when {@code budget} is 0; {@code window} bounds the batches of a map-style dataset in flight. */
    MemoryTracker(long budget, BatchWindow window) {
        this.budget = budget;
        this.window = java.util.Objects.requireNonNull(window, "window");
    }

    /** How many batches of a map-style dataset may be in flight. */
    BatchWindow window() {
        return window;
    }

    /** Off-heap bytes a batch value holds: a {@link Batch}'s tensors, a tensor, or 0 when unknown. */
    static long bytesOf(Object value) {
        return switch (value) {
            case Batch batch -> batch.byteSize();
            case Tensor tensor -> tensor.isClosed() ? 0 : tensor.byteSize();
            case null, default -> 0;
        };
    }

    /**
     * True if one more batch may be started: always without a budget or when none is in flight; under a
     * budget, one at a time until a batch's size is known, then while the ready bytes plus the loading
     * batches at the largest size seen stay within it.
     */
    synchronized boolean mayStartAnother() {
        int inFlight = batches.get();
        if (budget == 0 || inFlight == 0) {
            return true;
        }
        if (largestBatch == 0) {
            return false;
        }
        long loading = inFlight - ready.get();
        return readyBytes.get() + (loading + 1) * largestBatch <= budget;
    }

    synchronized void started() {
        batches.incrementAndGet();
    }

    /** A batch that was made whole by a worker before being counted (streams): started and ready at once. */
    synchronized void arrived(long bytes) {
        started();
        ready(bytes);
    }

    /** A batch finished loading and now waits for the consumer. */
    synchronized void ready(long bytes) {
        ready.incrementAndGet();
        peak.accumulateAndGet(readyBytes.addAndGet(bytes), Math::max);
        if (bytes > largestBatch) {
            largestBatch = bytes;
        }
    }

    /** A batch left the loader: delivered, or dropped when an epoch was cancelled. */
    synchronized void left(boolean wasReady, long bytes) {
        batches.decrementAndGet();
        if (wasReady) {
            ready.decrementAndGet();
            readyBytes.addAndGet(-bytes);
        }
    }

    synchronized LoaderMemory snapshot(BufferPool pool) {
        return new LoaderMemory(batches.get(), readyBytes.get(), peak.get(), budget, pool.pooledBytes(),
                pool.lockedBytes(), pool.pinFailure().orElse(null));
    }
}
