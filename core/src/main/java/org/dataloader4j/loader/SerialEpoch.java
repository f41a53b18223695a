package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dataloader4j.collate.internal.PreallocatedBatch;
import org.dataloader4j.data.WorkerInfo;

/**
 * One epoch of a map-style dataset loaded on the calling thread ({@code numWorkers = 0}): each
 * {@code next()} reads the batch's samples with one {@code Dataset.getBatch} call (or gathers its rows, see
 * {@link TensorGather}) and collates them. When that fails and failed samples are skipped, the batch's samples are
 * read again one by one to find the ones to leave out. Stack traces stay short and
 * a debugger stops inside {@code Dataset.get}.
 */
final class SerialEpoch<T, B> extends EpochIterator<B> {
    private final SampleReader<T, B> reader;
    private final BatchPlan plan;
    private final WorkerInfo worker;
    private final LoaderConfig<T, B> config;
    private final TensorGather gather;
    private boolean closed;
    private B ready;          // with skipping, the batch hasNext() loaded ahead
    private boolean hasReady;

    SerialEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered) {
        super(epoch, alreadyDelivered, config.newSkipLog());
        this.reader = new SampleReader<>(config);
        this.config = config;
        this.gather = TensorGather.of(config);
        this.plan = new BatchPlan(config, epoch, alreadyDelivered);
        this.worker = config.worker(0, 1, epoch);
    }

    @Override
    boolean isFinished() {
        return closed || !hasReady && !plan.hasNext();
    }

    @Override
    public boolean hasNext() {
        checkNotAbandoned();
        if (closed) {
            return false;
        }
        if (!config.skipsFailedSamples()) {
            return hasReady || plan.hasNext();
        }
        while (!hasReady && plan.hasNext()) { // a batch whose every sample was skipped is left out
            loadNext();
        }
        return hasReady;
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw exhausted(closed);
        }
        if (!hasReady) {
            loadNext(); // without skipping, every planned batch gives a batch or throws
        }
        B value = ready;
        ready = null;
        hasReady = false;
        return value;
    }

    /**
     * Loads the next planned batch into {@link #ready}, or throws its failure; leaves {@link #hasReady} false
     * when every sample of the batch was skipped.
     */
    private void loadNext() {
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
                ready(value);
                return;
            } catch (Throwable e) {
                throw DataLoaderException.of(e, epoch, batch.number(), -1);
            } finally {
                delivered.add(batch.number());
            }
        }
        List<T> samples;
        List<SkippedSample> skipped = new ArrayList<>();
        long[] loaded = indices;
        PreallocatedBatch preallocated = null;
        try {
            preallocated = reader.preallocate(indices.length);
            PreallocatedBatch into = preallocated;
            try {
                samples = reader.readBatch(epoch, batch.number(), batch.firstPosition(), indices, worker, -1,
                        into == null ? null : into::slots, null);
            } catch (DataLoaderException e) {
                if (!config.skipsFailedSamples()) {
                    throw e;
                }
                // find the samples that fail by reading each on its own (not into the preallocated rows)
                List<T> survivors = new ArrayList<>(indices.length);
                long[] survivorIndices = new long[indices.length];
                reader.readOneByOne(epoch, batch.number(), batch.firstPosition(), indices, 0, indices.length, worker,
                        -1, new SampleReader.SlotOutcome<>() {
                            @Override
                            public void loaded(int slot, T sample) {
                                survivorIndices[survivors.size()] = indices[slot];
                                survivors.add(sample);
                            }

                            @Override
                            public void skipped(int slot, SkippedSample failure) {
                                skipped.add(failure);
                            }
                        });
                samples = survivors;
                loaded = survivorIndices;
            }
            if (loaded == indices) {
                ready(reader.collate(epoch, batch.number(), indices, samples, -1, preallocated));
                return;
            }
            if (!skipped.isEmpty()) {
                admit(batch.number(), skipped);
            }
            if (!samples.isEmpty()) { // the survivors, copied out of the rows they were read into
                ready(reader.collate(epoch, batch.number(), Arrays.copyOf(loaded, samples.size()), samples, -1, null));
            }
            if (preallocated != null) {
                preallocated.releaseUnused();
            }
        } catch (Throwable e) {
            if (preallocated != null) {
                preallocated.releaseUnused(); // nothing else writes into it on this thread
            }
            throw DataLoaderException.of(e, epoch, batch.number(), -1);
        } finally {
            delivered.add(batch.number()); // delivered, failed or skipped: the next call goes on after it
        }
    }

    /** Records a batch's skipped samples; over the budget, the epoch ends with the failure. */
    private void admit(long batchNumber, List<SkippedSample> skipped) {
        try {
            skips.admit(epoch, batchNumber, skipped);
        } catch (DataLoaderException e) {
            closed = true;
            throw e;
        }
    }

    private void ready(B value) {
        ready = value;
        hasReady = true;
    }

    @Override
    public void close() {
        closed = true;
        if (hasReady) {
            Resources.closeQuietly(ready);
            ready = null;
            hasReady = false;
        }
    }
}
