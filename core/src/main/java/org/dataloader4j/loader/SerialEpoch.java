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
    public boolean hasNext() {
        return !closed && plan.hasNext();
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw exhausted(closed);
        }
        BatchPlan.Planned batch = plan.next();
        long[] indices = batch.indices();
        if (gather != null) {
            @SuppressWarnings("unchecked") // the gather path is taken only with the default collate, whose B is Batch
            B value = (B) gather.gather(config, epoch, batch.number(), indices, -1);
            delivered.add(batch.number());
            return value;
        }
        List<T> samples = new ArrayList<>(indices.length);
        PreallocatedBatch preallocated = reader.preallocate(indices.length);
        try {
            for (int slot = 0; slot < indices.length; slot++) {
                samples.add(reader.read(epoch, batch.number(), batch.firstPosition() + slot, indices[slot], worker, -1,
                        preallocated == null ? null : preallocated.slots(slot)));
            }
        } catch (RuntimeException e) {
            if (preallocated != null) {
                preallocated.releaseUnused(); // nothing else writes into it on this thread
            }
            throw e;
        }
        B value = reader.collate(epoch, batch.number(), indices, samples, -1, preallocated);
        delivered.add(batch.number());
        return value;
    }



    @Override
    public void close() {
        closed = true;
    }
}
