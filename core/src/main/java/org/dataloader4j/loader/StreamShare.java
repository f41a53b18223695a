package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

    /** Opens the share of {@code worker}; {@code workerId} is -1 on the calling thread. */
    StreamShare(LoaderConfig<T, B> config, long epoch, WorkerInfo worker, int workerId) {
        this.config = config;
        this.epoch = epoch;
        this.workerId = workerId;
        try {
            this.elements = config.stream().iterator(worker);
        } catch (Throwable e) {
            throw DataLoaderException.stream(epoch, -1, 0, workerId, e);
        }
    }

    /** The elements of the next batch, or an empty list when the share is exhausted. */
    private List<T> read() {
        int size = config.streamBatchSize();
        List<T> batch = new ArrayList<>(size);
        try {
            while (batch.size() < size && elements.hasNext()) {
                batch.add(elements.next());
                position++;
            }
        } catch (Throwable e) {
            throw DataLoaderException.stream(epoch, batchNumber, position, workerId, e);
        }
        if (batch.size() < size && config.streamDropLast()) {
            batch.clear();
        }
        return batch;
    }

    /** The next collated batch, or null when the share is exhausted. */
    B next() {
        List<T> batch = read();
        if (batch.isEmpty()) {
            return null;
        }
        try {
            return config.collate(batch);
        } catch (Throwable e) {
            long[] positions = new long[batch.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = position - batch.size() + i;
            }
            throw DataLoaderException.collate(epoch, batchNumber, positions, workerId, e);
        } finally {
            batchNumber++;
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
