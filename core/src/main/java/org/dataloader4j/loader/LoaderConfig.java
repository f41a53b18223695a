package org.dataloader4j.loader;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.dataloader4j.collate.BatchMemory;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.sampler.BatchSampler;
import org.dataloader4j.tensor.BufferPool;
import org.dataloader4j.tensor.TensorAllocator;

/**
 * The validated settings of a {@link DataLoader}. Exactly one of {@code dataset} and {@code stream}
 * is non-null; {@code batchSampler} is non-null exactly for map-style datasets. {@code memory} counts what
 * the loader's epochs hold, over the loader's life; {@code pool} serves the memory of batch tensors (pinned
 * when asked) and is closed with the loader.
 */
record LoaderConfig<T, B>(
        Dataset<T> dataset,
        IterableDataset<T> stream,
        BatchSampler batchSampler,
        int streamBatchSize,
        boolean streamDropLast,
        Collate<? super T, ? extends B> collate,
        long seed,
        int numWorkers,
        int prefetchFactor,
        boolean pinMemory,
        Duration timeout,
        boolean persistentWorkers,
        boolean inOrder,
        MemoryTracker memory,
        BufferPool pool,
        WorkerTuner workers,
        Consumer<WorkerInfo> workerInit,
        SampleErrorPolicy onSampleError,
        SlotLayout slots) {

    /** This configuration with its {@link SlotLayout}, which depends on the rest of it. */
    LoaderConfig<T, B> withSlots() {
        return new LoaderConfig<>(dataset, stream, batchSampler, streamBatchSize, streamDropLast, collate, seed,
                numWorkers, prefetchFactor, pinMemory, timeout, persistentWorkers, inOrder, memory, pool, workers,
                workerInit, onSampleError, SlotLayout.of(this));
    }

    /** Whether a failed sample is left out of its batch instead of failing it. */
    boolean skipsFailedSamples() {
        return onSampleError.skip();
    }

    /** A new epoch's record of skipped samples, with the budget of {@link #onSampleError}. */
    SkipLog newSkipLog() {
        return new SkipLog(onSampleError.skip() && dataset != null ? onSampleError.budget(dataset.size()) : 0);
    }

    /** The dataset being read, whichever kind it is (for {@link WorkerInfo#dataset()}). */
    Object source() {
        return dataset != null ? dataset : stream;
    }

    /** The {@link WorkerInfo} of worker {@code id} of {@code count} in {@code epoch}. */
    WorkerInfo worker(int id, int count, long epoch) {
        return new WorkerInfo(id, count, Workers.workerSeed(seed, epoch, id), epoch, source());
    }

    boolean isStream() {
        return stream != null;
    }

    /** Collates {@code samples} with batch memory from the pool. */
    B collate(List<T> samples) {
        return collate(samples, pool);
    }

    /** Collates {@code samples}; a collate of a supertype of T reads them safely, it never adds to the list. */
    @SuppressWarnings("unchecked")
    B collate(List<T> samples, TensorAllocator allocator) {
        Collate<T, ? extends B> typed = (Collate<T, ? extends B>) collate;
        return BatchMemory.allocatingFrom(allocator, () -> typed.collate(samples));
    }
}
