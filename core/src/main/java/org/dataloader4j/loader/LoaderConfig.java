package org.dataloader4j.loader;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.collate.internal.PreallocatedBatch;
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

    /** A builder that names every option; {@code collate} is the one every loader has. */
    static <T, B> Builder<T, B> builder(Collate<? super T, ? extends B> collate) {
        return new Builder<>(collate);
    }

    /** Builds a {@link LoaderConfig} by name (the record has many components of the same types). */
    static final class Builder<T, B> {
        private final Collate<? super T, ? extends B> collate;
        private Dataset<T> dataset;
        private IterableDataset<T> stream;
        private BatchSampler batchSampler;
        private int streamBatchSize;
        private boolean streamDropLast;
        private long seed;
        private int numWorkers;
        private WorkerTuner tuner;
        private int prefetchFactor;
        private boolean pinMemory;
        private Duration timeout = Duration.ZERO;
        private boolean persistentWorkers;
        private boolean inOrder = true;
        private MemoryTracker memory;
        private BufferPool pool;
        private Consumer<WorkerInfo> workerInit;
        private SampleErrorPolicy onSampleError = SampleErrorPolicy.fail();

        private Builder(Collate<? super T, ? extends B> collate) {
            this.collate = collate;
        }

        /** A map-style dataset read in the batches of {@code batchSampler}. */
        Builder<T, B> dataset(Dataset<T> dataset, BatchSampler batchSampler) {
            this.dataset = dataset;
            this.batchSampler = batchSampler;
            return this;
        }

        /** A stream cut into batches of {@code batchSize}, the last smaller one dropped when {@code dropLast}. */
        Builder<T, B> stream(IterableDataset<T> stream, int batchSize, boolean dropLast) {
            this.stream = stream;
            this.streamBatchSize = batchSize;
            this.streamDropLast = dropLast;
            return this;
        }

        Builder<T, B> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** {@code numWorkers} threads (0: the calling thread), tuned by {@code tuner}, each {@code prefetchFactor} ahead. */
        Builder<T, B> workers(int numWorkers, WorkerTuner tuner, int prefetchFactor) {
            this.numWorkers = numWorkers;
            this.tuner = tuner;
            this.prefetchFactor = prefetchFactor;
            return this;
        }

        Builder<T, B> pinMemory(boolean pinMemory) {
            this.pinMemory = pinMemory;
            return this;
        }

        Builder<T, B> timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        Builder<T, B> persistentWorkers(boolean persistentWorkers) {
            this.persistentWorkers = persistentWorkers;
            return this;
        }

        Builder<T, B> inOrder(boolean inOrder) {
            this.inOrder = inOrder;
            return this;
        }

        /** What the loader holds is counted here (and bounded by its budget). */
        Builder<T, B> memory(MemoryTracker memory) {
            this.memory = memory;
            return this;
        }

        /** Where batch memory comes from. */
        Builder<T, B> pool(BufferPool pool) {
            this.pool = pool;
            return this;
        }

        Builder<T, B> workerInit(Consumer<WorkerInfo> workerInit) {
            this.workerInit = workerInit;
            return this;
        }

        Builder<T, B> onSampleError(SampleErrorPolicy onSampleError) {
            this.onSampleError = onSampleError;
            return this;
        }

        /** The configuration, with the {@link SlotLayout} that depends on the rest of it. */
        LoaderConfig<T, B> build() {
            return new LoaderConfig<T, B>(dataset, stream, batchSampler, streamBatchSize, streamDropLast, collate, seed,
                    numWorkers, prefetchFactor, pinMemory, timeout, persistentWorkers, inOrder, memory, pool, tuner,
                    workerInit, onSampleError, null).withSlots();
        }
    }

    /** This configuration with its {@link SlotLayout}, which depends on the rest of it. */
    private LoaderConfig<T, B> withSlots() {
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
        return new WorkerInfo(id, count, Workers.workerSeed(seed, epoch, id), epoch, source(),
                isStream() ? streamBatchSize : 1, WorkerInfo.epochSeedOf(seed, epoch));
    }

    boolean isStream() {
        return stream != null;
    }

    /** Collates {@code samples} with batch memory from the pool. */
    B collate(List<T> samples) {
        return collate(samples, pool);
    }

    /**
     * Collates {@code samples} into the batch tensors allocated ahead ({@code rows}; from the pool when null), gives back
     * the tensors the collate did not take, and learns the batch's layout for the next batches ({@link SlotLayout}):
     * the one collate step of map-style batches and of a stream's shares.
     */
    B collateLearning(List<T> samples, PreallocatedBatch rows) {
        List<PreallocatedBatch.Leaf> seen = SlotLayout.newRecord();
        B batch = collate(samples, slots.recording(rows != null ? rows.allocator() : pool, seen));
        boolean allTaken = rows == null || rows.releaseUnused();
        slots.learn(seen, allTaken);
        return batch;
    }

    /** Collates {@code samples}; a collate of a supertype of T reads them safely, it never adds to the list. */
    @SuppressWarnings("unchecked")
    B collate(List<T> samples, TensorAllocator allocator) {
        Collate<T, ? extends B> typed = (Collate<T, ? extends B>) collate;
        return BatchMemory.allocatingFrom(allocator, () -> typed.collate(samples));
    }
}
