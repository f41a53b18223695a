package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.collate.PreallocatedBatch;
import org.dataloader4j.data.WorkerInfo;

/**
 * One epoch of a map-style dataset loaded on the calling thread ({@code numWorkers = 0}): each
 * {@code next()} reads the batch's samples in order and collates them. Stack traces stay short and
 * a debugger stops inside {@code Dataset.get}.
 */
final class SerialEpoch<T, B> extends EpochIterator<B> {
    private final SampleReader<T, B> reader;
    private final BatchPlan plan;
    private final WorkerInfo worker;
    private final LoaderConfig<T, B> config;
    private final TensorGather gather;
    private boolean closed;

    SerialEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered) {
        super(epoch, alreadyDelivered);
        this.reader = new SampleReader<>(config);
        this.config = config;
        this.gather = TensorGather.of(config);
        this.plan = new BatchPlan(config, epoch, alreadyDelivered);
        this.worker = config.worker(0, 1, epoch);
    }

    @Override
    boolean isFinished() {
        return closed || !plan.hasNext();
    }

    @Override
    public boolean hasNext() {
        checkNotAbandoned();
        return !closed && plan.hasNext();
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw exhausted(closed);
        }
        BatchPlan.Planned batch = plan.next();
        long[] indices = batch.indices();
        if (batch.failed()) { // the sampler's failure takes this batch's place
            delivered.add(batch.number());
            throw batch.failure();
        }
        if (gather != null) {
            try {
                @SuppressWarnings("unchecked") // the gather path is taken only with the default collate, whose B is Batch
                B value = (B) gather.gather(config, epoch, batch.number(), indices, -1);
                return value;
            } catch (Throwable e) {
                throw DataLoaderException.of(e, epoch, batch.number(), -1);
            } finally {
                delivered.add(batch.number());
            }
        }
        List<T> samples = new ArrayList<>(indices.length);
        PreallocatedBatch preallocated = null;
        try {
            preallocated = reader.preallocate(indices.length);
            for (int slot = 0; slot < indices.length; slot++) {
                samples.add(reader.read(epoch, batch.number(), batch.firstPosition() + slot, indices[slot], worker, -1,
                        preallocated == null ? null : preallocated.slots(slot)));
            }
            return reader.collate(epoch, batch.number(), indices, samples, -1, preallocated);
        } catch (Throwable e) {
            if (preallocated != null) {
                preallocated.releaseUnused(); // nothing else writes into it on this thread
            }
            throw DataLoaderException.of(e, epoch, batch.number(), -1);
        } finally {
            delivered.add(batch.number()); // delivered or failed: the next call goes on after it
        }
    }



    @Override
    public void close() {
        closed = true;
    }
}
