package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.dataloader4j.data.WorkerInfo;

/**
 * One epoch of a map-style dataset loaded on the calling thread ({@code numWorkers = 0}): each
 * {@code next()} reads the batch's samples in order and collates them. Stack traces stay short and
 * a debugger stops inside {@code Dataset.get}.
 */
final class SerialEpoch<T, B> implements LoaderIterator<B> {
    private final SampleReader<T, B> reader;
    private final Iterator<long[]> batches;
    private final long epoch;
    private final WorkerInfo worker;
    private long batchNumber;
    private long position;
    private boolean closed;

    SerialEpoch(LoaderConfig<T, B> config, long epoch) {
        this.reader = new SampleReader<>(config);
        this.batches = config.batchSampler().batches(epoch);
        this.epoch = epoch;
        this.worker = WorkerInfo.single(Workers.workerSeed(config.seed(), epoch, 0), epoch);
    }

    @Override
    public boolean hasNext() {
        return !closed && batches.hasNext();
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "this epoch's iterator was closed" : "epoch " + epoch + " is over");
        }
        long[] indices = batches.next();
        List<T> samples = new ArrayList<>(indices.length);
        for (long index : indices) {
            samples.add(reader.read(epoch, batchNumber, position++, index, worker, -1));
        }
        return reader.collate(epoch, batchNumber++, indices, samples, -1);
    }

    @Override
    public void close() {
        closed = true;
    }
}
