package org.dataloader4j.loader;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The batches an epoch still has to deliver, in sampler order: the batch sampler's batches of the
 * epoch, numbered, with the position of each one's first sample in the epoch, skipping those already
 * delivered before a resume (whose positions still count, so a resumed epoch reads every sample with
 * the same random generator as an uninterrupted one).
 */
final class BatchPlan {
    /** One batch to load: its number in the epoch, the position of its first sample, and its indices. */
    record Planned(long number, long firstPosition, long[] indices) {
    }

    private final Iterator<long[]> batches;
    private final DeliveredBatches skip;
    private long number;
    private long position;
    private Planned next;

    BatchPlan(LoaderConfig<?, ?> config, long epoch, DeliveredBatches skip) {
        this.batches = config.batchSampler().batches(epoch);
        this.skip = skip;
        advance();
    }

    private void advance() {
        next = null;
        while (batches.hasNext()) {
            long[] indices = batches.next();
            Planned candidate = new Planned(number++, position, indices);
            position += indices.length;
            if (!skip.contains(candidate.number())) {
                next = candidate;
                return;
            }
        }
    }

    boolean hasNext() {
        return next != null;
    }

    Planned next() {
        if (next == null) {
            throw new NoSuchElementException("no more batches in this epoch");
        }
        Planned current = next;
        advance();
        return current;
    }
}
