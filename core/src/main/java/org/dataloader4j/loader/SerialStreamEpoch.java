package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.dataloader4j.data.WorkerInfo;

/**
 * One epoch of an {@code IterableDataset} on the calling thread: the single worker's iterator is
 * cut into batches of {@code batchSize}; the last, smaller batch is kept unless {@code dropLast}.
 */
final class SerialStreamEpoch<T, B> implements EpochIterator<B> {
    private final LoaderConfig<T, B> config;
    private final long epoch;
    private final Iterator<T> elements;
    private long batchNumber;
    private long position;
    private List<T> pending;
    private boolean closed;
    private final DeliveredBatches delivered;
    private long toSkip;

    SerialStreamEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered) {
        this.config = config;
        this.epoch = epoch;
        this.delivered = alreadyDelivered;
        this.toSkip = alreadyDelivered.prefix();
        WorkerInfo worker = WorkerInfo.single(Workers.workerSeed(config.seed(), epoch, 0), epoch);
        try {
            this.elements = config.stream().iterator(worker);
        } catch (RuntimeException e) {
            throw DataLoaderException.stream(epoch, 0, 0, -1, e);
        }
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        while (toSkip > 0 && pending == null) { // resumed: the stream's first batches were delivered before
            if (fill().isEmpty()) {
                toSkip = 0;
                break;
            }
            toSkip--;
            batchNumber++;
        }
        if (pending == null) {
            pending = fill();
        }
        return !pending.isEmpty();
    }

    private List<T> fill() {
        int size = config.streamBatchSize();
        List<T> batch = new ArrayList<>(size);
        try {
            while (batch.size() < size && elements.hasNext()) {
                batch.add(elements.next());
                position++;
            }
        } catch (RuntimeException | StackOverflowError | LinkageError | AssertionError e) {
            throw DataLoaderException.stream(epoch, batchNumber, position, -1, e);
        }
        if (batch.size() < size && config.streamDropLast()) {
            batch.clear();
        }
        return batch;
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "this epoch's iterator was closed" : "epoch " + epoch + " is over");
        }
        List<T> batch = pending;
        pending = null;
        long first = position - batch.size();
        long[] positions = new long[batch.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = first + i;
        }
        B value;
        try {
            value = config.collate(batch);
        } catch (RuntimeException | StackOverflowError | LinkageError | AssertionError e) {
            throw DataLoaderException.collate(epoch, batchNumber, positions, -1, e);
        }
        delivered.add(batchNumber++);
        return value;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public DeliveredBatches delivered() {
        return delivered;
    }

    @Override
    public void close() {
        closed = true;
        if (elements instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw DataLoaderException.general("close the stream's iterator", epoch, e);
            }
        }
    }
}
