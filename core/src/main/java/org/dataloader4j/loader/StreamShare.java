package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.dataloader4j.collate.internal.PreallocatedBatch;
import org.dataloader4j.collate.internal.SlotWriting;
import org.dataloader4j.data.StreamStart;
import org.dataloader4j.data.WorkerInfo;

/**
 * One worker's share of an {@code IterableDataset} in one epoch, cut into batches of
 * {@code batchSize} (the last, smaller one kept unless {@code dropLast}) and collated, with failures
 * turned into {@link DataLoaderException}s naming the element's position in the share. Used by the
 * calling thread ({@code numWorkers = 0}) and by each worker alike. Whoever opens a share closes it: at the end of
 * the share, on a failure and when the epoch is stopped early.
 */
final class StreamShare<T, B> implements AutoCloseable {
    private final LoaderConfig<T, B> config;
    private final long epoch;
    private final int workerId;
    private final Iterator<T> elements;
    private long batchNumber;
    private long position;
    private boolean closed;

    /**
     * Opens the share of {@code worker} from {@code start} on (after the elements a resumed epoch delivered before);
     * {@code workerId} is -1 on the calling thread.
     */
    StreamShare(LoaderConfig<T, B> config, long epoch, WorkerInfo worker, int workerId, StreamStart start) {
        this.config = config;
        this.epoch = epoch;
        this.workerId = workerId;
        this.position = start.skip();
        try {
            this.elements = Objects.requireNonNull(config.stream().iterator(worker, start),
                    () -> "the stream returned a null iterator for " + worker);
        } catch (Throwable e) {
            throw DataLoaderException.stream(epoch, -1, position, workerId, e);
        }
    }

    /**
     * The elements of the share consumed so far, counting from the share's start: those of the batches made and of
     * failed batches, including the element whose reading failed.
     */
    long position() {
        return position;
    }

    /**
     * The elements of the next batch, or an empty list when the share is exhausted. When the batch's memory is
     * allocated ahead ({@code rows} not null), each element's last stage writes into its row of it.
     */
    @SuppressWarnings("unchecked")
    private List<T> read(PreallocatedBatch rows) {
        int size = config.streamBatchSize();
        List<T> batch = new ArrayList<>(size);
        try {
            while (batch.size() < size && elements.hasNext()) {
                try {
                    batch.add(rows != null ? ((SlotWriting<T>) elements).next(rows.slots(batch.size()))
                            : elements.next());
                } finally {
                    position++; // a failed element is consumed too: a resumed share must not read it again
                }
            }
        } catch (Throwable e) {
            throw DataLoaderException.stream(epoch, batchNumber, position, workerId, e);
        }
        if (batch.size() < size && config.streamDropLast()) {
            batch.clear();
        }
        return batch;
    }

    /**
     * The next collated batch, or null when the share is exhausted. Once the loader knows the layout of its batches
     * (from the first one collated), a share whose elements come from a {@code map} allocates each batch's tensors
     * before reading it, and the map's transform writes every element straight into its row (as map-style datasets
     * do), so the collate copies nothing that is already in place.
     */
    B next() {
        PreallocatedBatch rows = elements instanceof SlotWriting<T>
                ? config.slots().preallocate(config.streamBatchSize(), config.pool()) : null;
        List<T> batch;
        try {
            batch = read(rows);
        } catch (Throwable e) {
            release(rows);
            throw e;
        }
        if (batch.isEmpty()) {
            release(rows);
            return null;
        }
        try {
            return config.collateLearning(batch, rows);
        } catch (Throwable e) {
            release(rows);
            long[] positions = new long[batch.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = position - batch.size() + i;
            }
            throw DataLoaderException.collate(epoch, batchNumber, positions, workerId, e);
        } finally {
            batchNumber++;
        }
    }

    /** Gives back the tensors of a batch allocated ahead that no collate took. */
    private static void release(PreallocatedBatch rows) {
        if (rows != null) {
            rows.releaseUnused();
        }
    }

    /** Closes the dataset's iterator if it holds resources (it is {@link AutoCloseable}). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (elements instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Throwable e) {
                throw DataLoaderException.general("close the stream's iterator", epoch, e);
            }
        }
    }
}
