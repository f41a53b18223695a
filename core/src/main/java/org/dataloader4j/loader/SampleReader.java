package org.dataloader4j.loader;

import java.util.List;
import java.util.Optional;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.collate.internal.PreallocatedBatch;
import org.dataloader4j.collate.internal.SampleSlots;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.SampleContext;
import org.dataloader4j.data.WorkerInfo;

/**
 * Reads one sample of a map-style dataset with its {@link SampleContext} bound, and turns any
 * failure into a {@link DataLoaderException} that names the sample; collates likewise. Shared by
 * every engine so that messages are the same at any number of workers.
 */
final class SampleReader<T, B> {
    private final LoaderConfig<T, B> config;
    private final Dataset<T> dataset;
    private final long seed;

    SampleReader(LoaderConfig<T, B> config) {
        this.config = config;
        this.dataset = config.dataset();
        this.seed = config.seed();
    }

    /** Reads sample {@code index}, the {@code position}-th of the epoch. {@code workerId} is -1 on the calling thread. */
    T read(long epoch, long batchNumber, long position, long index, WorkerInfo worker, int workerId) {
        return read(epoch, batchNumber, position, index, worker, workerId, null);
    }

    /** Reads a sample that may write straight into its row of a preallocated batch ({@code slots} may be null). */
    T read(long epoch, long batchNumber, long position, long index, WorkerInfo worker, int workerId,
           SampleSlots slots) {
        SampleContext context = new SampleContext(seed, epoch, position, index, worker);
        try {
            return slots == null ? SampleContext.callWith(context, () -> dataset.get(index))
                    : BatchMemory.writingInto(slots, () -> SampleContext.callWith(context, () -> dataset.get(index)));
        } catch (Throwable e) {
            throw DataLoaderException.sample(epoch, batchNumber, index, sourceOf(index), workerId, e);
        }
    }

    /** Allocates batch {@code size}'s tensors ahead when the layout is known; null otherwise. */
    PreallocatedBatch preallocate(int size) {
        return config.slots().preallocate(size, config.pool());
    }

    /**
     * Collates the samples of batch {@code batchNumber}, into {@code preallocated} tensors where given, and
     * learns the layout of the batch's tensors for the next batches.
     */
    B collate(long epoch, long batchNumber, long[] indices, List<T> samples, int workerId,
              PreallocatedBatch preallocated) {
        List<PreallocatedBatch.Leaf> seen = SlotLayout.newRecord();
        B batch;
        try {
            batch = config.collate(samples, config.slots().recording(
                    preallocated != null ? preallocated.allocator() : config.pool(), seen));
        } catch (Throwable e) {
            throw DataLoaderException.collate(epoch, batchNumber, indices, workerId, e);
        }
        boolean allTaken = preallocated == null || preallocated.releaseUnused();
        config.slots().learn(seen, allTaken);
        return batch;
    }

    String sourceOf(long index) {
        try {
            Optional<String> source = dataset.source(index);
            return source == null ? null : source.orElse(null);
        } catch (Throwable e) {
            return null; // the dataset cannot describe this index; the original failure matters more
        }
    }
}
