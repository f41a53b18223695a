package org.dataloader4j.loader;

/**
 * How many batches of a map-style dataset a loader with worker threads keeps in flight (started and not yet
 * delivered).
 *
 * <p>PyTorch's workers each load whole batches, so each needs {@code prefetchFactor} batches of its own and the
 * memory in flight grows with {@code numWorkers × prefetchFactor}. Ours load single samples and every batch is
 * spread over all workers, so the default window is counted in samples instead: a batch is started while fewer
 * than {@value #MIN_BATCHES} are in flight (one being finished while the next is under way, so no worker waits at a
 * batch's end) or while those in flight hold fewer than {@value #SAMPLES_PER_WORKER} samples per active worker
 * (small batches, many workers). With batches of 64 that is two batches at any worker count up to 64.
 *
 * <p>An explicit {@code prefetchFactor}, and a {@link TensorGather} (whose unit of work is a whole batch), keep
 * PyTorch's rule: {@code prefetchFactor × active workers} batches.
 *
 * <p>Until the loader has learned the layout of its batches ({@link SlotLayout}), one batch is in flight at a time:
 * only the first batch learns it (its tensors allocated as its samples ask for rows); batches started before it is
 * known would be learning batches too, each with tensors of its own, at the start of an epoch's peak.
 *
 * @param prefetchFactor the batches each active worker may have in flight, or 0 for the default window in samples
 */
record BatchWindow(int prefetchFactor) {
    /** Batches in flight below which the default window always starts another. */
    static final int MIN_BATCHES = 2;
    /** Samples per active worker that the default window keeps started. */
    static final int SAMPLES_PER_WORKER = 2;
    /** The batches per worker of the whole-batch rule when no {@code prefetchFactor} was given (PyTorch's default). */
    static final int DEFAULT_PREFETCH_FACTOR = 2;

    BatchWindow {
        if (prefetchFactor < 0) {
            throw new IllegalArgumentException("prefetchFactor should be 0 (the default window) or positive, but got "
                    + prefetchFactor);
        }
    }

    /** The default window, counted in samples. */
    static BatchWindow bySamples() {
        return new BatchWindow(0);
    }

    /** PyTorch's window: {@code prefetchFactor} batches per active worker. */
    static BatchWindow perWorker(int prefetchFactor) {
        if (prefetchFactor < 1) {
            throw new IllegalArgumentException("prefetchFactor should be positive, but got " + prefetchFactor);
        }
        return new BatchWindow(prefetchFactor);
    }

    /**
     * True if one more batch may be started.
     *
     * @param batches         batches in flight now
     * @param samples         samples in those batches
     * @param activeWorkers   workers taking tasks now
     * @param wholeBatches    whether a worker loads a batch as one task ({@link TensorGather})
     * @param learningLayout  whether the layout of the batches to preallocate is still unknown
     */
    boolean hasRoom(int batches, long samples, int activeWorkers, boolean wholeBatches, boolean learningLayout) {
        if (batches == 0) {
            return true;
        }
        if (learningLayout) {
            return false;
        }
        int active = Math.max(1, activeWorkers);
        if (wholeBatches || prefetchFactor > 0) {
            int perWorker = prefetchFactor > 0 ? prefetchFactor : DEFAULT_PREFETCH_FACTOR;
            return batches < (long) perWorker * active;
        }
        return batches < MIN_BATCHES || samples < (long) SAMPLES_PER_WORKER * active;
    }
}
