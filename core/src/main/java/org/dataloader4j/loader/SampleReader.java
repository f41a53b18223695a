package org.dataloader4j.loader;

import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.collate.internal.PreallocatedBatch;
import org.dataloader4j.collate.internal.SampleSlots;
import org.dataloader4j.data.BatchContext;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.SampleContext;
import org.dataloader4j.data.WorkerInfo;

/**
 * Reads the samples of a map-style dataset, a batch (or a worker's share of one) at a time through
 * {@link Dataset#getBatch} with a {@link BatchContext} bound, or one at a time with its {@link SampleContext}
 * bound (when failed samples are looked for one by one to be skipped), and turns any failure into a
 * {@link DataLoaderException} that names the sample (or the batch); collates likewise. Shared by
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

    /**
     * Reads the samples {@code indices} (a batch, or a worker's share of one whose first sample is the
     * {@code firstPosition}-th of the epoch) with one {@link Dataset#getBatch} call, a {@link BatchContext} bound.
     * Each sample read through the context ({@link BatchContext#readSlot}, as the default {@code getBatch} does) is
     * read as {@link #read} reads it, into {@code slots.apply(slot)} where that is not null, and named when it
     * fails; {@code progress} (may be null) hears when each such read starts and ends. Any other failure names the
     * batch.
     */
    List<T> readBatch(long epoch, long batchNumber, long firstPosition, long[] indices, WorkerInfo worker,
                      int workerId, IntFunction<SampleSlots> slots, Progress progress) {
        BatchContext.SlotReader perSample = (slot, context, action) -> {
            long index = indices[slot];
            try {
                if (progress != null) {
                    progress.started(slot);
                }
                SampleSlots into = slots == null ? null : slots.apply(slot);
                Object sample = into == null ? action.get() : BatchMemory.writingInto(into, action::get);
                if (progress != null) {
                    progress.finished(slot);
                }
                return sample;
            } catch (Throwable e) {
                throw DataLoaderException.sample(epoch, batchNumber, index, sourceOf(index), workerId, e);
            }
        };
        BatchContext context = new BatchContext(seed, epoch, firstPosition, indices, worker, perSample);
        List<T> samples;
        try {
            samples = BatchContext.callWith(context, () -> dataset.getBatch(indices));
        } catch (DataLoaderException e) {
            throw e;
        } catch (Throwable e) {
            throw DataLoaderException.batch(epoch, batchNumber, indices, workerId, e);
        }
        if (samples == null || samples.size() != indices.length) {
            throw DataLoaderException.batch(epoch, batchNumber, indices, workerId, new IllegalStateException(
                    "getBatch returned " + (samples == null ? "null" : samples.size() + " samples") + " for "
                            + indices.length + " indices"));
        }
        return samples;
    }

    /**
     * Reads the samples in slots {@code from .. to - 1} of a batch one by one with {@link #read} (not into preallocated
     * rows), after its {@code getBatch} failed and failed samples are skipped: {@code outcome} hears of each sample
     * read and of each one that failed, in slot order.
     */
    void readOneByOne(long epoch, long batchNumber, long firstPosition, long[] indices, int from, int to,
                      WorkerInfo worker, int workerId, SlotOutcome<T> outcome) {
        for (int slot = from; slot < to; slot++) {
            outcome.started(slot);
            T sample;
            try {
                sample = read(epoch, batchNumber, firstPosition + slot, indices[slot], worker, workerId, null);
            } catch (Throwable t) {
                outcome.skipped(slot, SkippedSample.of(DataLoaderException.of(t, epoch, batchNumber, workerId)));
                continue;
            }
            outcome.loaded(slot, sample);
        }
    }

    /** What {@link #readOneByOne} reports for each slot. */
    interface SlotOutcome<T> {
        /** Slot {@code slot} is being read. */
        default void started(int slot) {
        }

        /** Slot {@code slot} was read. */
        void loaded(int slot, T sample);

        /** Slot {@code slot} failed and is left out. */
        void skipped(int slot, SkippedSample failure);
    }

    /** Hears which sample of a {@link #readBatch} is being read, for a timeout to name it. */
    interface Progress {
        /** The sample in {@code slot} is being read (or transformed). */
        void started(int slot);

        /** The sample in {@code slot} was read (or transformed). */
        void finished(int slot);
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
        try {
            return config.collateLearning(samples, preallocated);
        } catch (Throwable e) {
            throw DataLoaderException.collate(epoch, batchNumber, indices, workerId, e);
        }
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
