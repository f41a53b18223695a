package org.dataloader4j.loader;

import java.time.Duration;
import java.util.List;
import org.dataloader4j.collate.BatchMemory;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.sampler.BatchSampler;
import org.dataloader4j.tensor.BufferPool;

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
        WorkerTuner workers) {

    boolean isStream() {
        return stream != null;
    }

    /** Collates {@code samples}; a collate of a supertype of T reads them safely, it never adds to the list. */
    @SuppressWarnings("unchecked")
    B collate(List<T> samples) {
        Collate<T, ? extends B> typed = (Collate<T, ? extends B>) collate;
        return BatchMemory.allocatingFrom(pool, () -> typed.collate(samples));
    }
}
