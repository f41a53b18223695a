package org.dataloader4j.loader;

import java.time.Duration;
import java.util.List;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.sampler.BatchSampler;

/**
 * The validated settings of a {@link DataLoader}. Exactly one of {@code dataset} and {@code stream}
 * is non-null; {@code batchSampler} is non-null exactly for map-style datasets. {@code memory} counts what
 * the loader's epochs hold, over the loader's life.
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
        MemoryTracker memory) {

    boolean isStream() {
        return stream != null;
    }

    /** Collates {@code samples}; a collate of a supertype of T reads them safely, it never adds to the list. */
    @SuppressWarnings("unchecked")
    B collate(List<T> samples) {
        return ((Collate<T, ? extends B>) collate).collate(samples);
    }
}
