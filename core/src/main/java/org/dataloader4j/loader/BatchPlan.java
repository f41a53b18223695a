package org.dataloader4j.loader;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The batches an epoch still has to deliver, in sampler order: the batch sampler's batches of the
 * epoch, numbered, with the position of each one's first sample in the epoch, skipping those already
 * delivered before a resume (whose positions still count, so a resumed epoch reads every sample with
 * the same random generator as an uninterrupted one).
 *
 * <p>The batch sampler is user code: when it throws (creating the epoch's iterator or drawing a batch)
 * or yields an empty batch, the plan yields a batch that carries the failure in its place, so that
 * every engine reports it at the same point of the epoch. A throwing sampler ends the plan (its
 * iterator's state is unknown); an empty batch is refused and the plan goes on with the next.
 */
final class BatchPlan {
    /**
     * One batch to load: its number in the epoch, the position of its first sample, and its indices; or,
     * when {@code failure} is set, the sampler's failure in place of that batch ({@code indices} is then empty).
     */
    record Planned(long number, long firstPosition, long[] indices, DataLoaderException failure) {
        boolean failed() {
            return failure != null;
        }
    }

    private static final long[] NONE = new long[0];

    private final long epoch;
    private final Iterator<long[]> batches;
    private final DeliveredBatches skip;
    private long number;
    private long position;
    private Planned next;
    private boolean ended;

    BatchPlan(LoaderConfig<?, ?> config, long epoch, DeliveredBatches skip) {
        this.epoch = epoch;
        this.skip = skip;
        Iterator<long[]> opened = null;
        try {
            opened = config.batchSampler().batches(epoch);
        } catch (Throwable t) {
            next = new Planned(0, 0, NONE, DataLoaderException.sampler(epoch, 0, "start the epoch's batches", t));
            ended = true;
        }
        this.batches = opened;
        if (!ended) {
            advance();
        }
    }

    private void advance() {
        next = null;
        while (!ended) {
            long[] indices;
            try {
                if (!batches.hasNext()) {
                    ended = true;
                    return;
                }
                indices = batches.next();
            } catch (Throwable t) {
                ended = true; // the sampler's iterator is in an unknown state: nothing after this batch
                next = new Planned(number, position, NONE, DataLoaderException.sampler(epoch, number,
                        "draw batch " + number + " from the batch sampler", t));
                return;
            }
            long batchNumber = number++;
            if (indices == null || indices.length == 0) {
                if (!skip.contains(batchNumber)) {
                    next = new Planned(batchNumber, position, NONE, DataLoaderException.sampler(epoch, batchNumber,
                            "draw batch " + batchNumber + " from the batch sampler", new IllegalStateException(
                                    "the batch sampler yielded " + (indices == null ? "null" : "an empty batch")
                                            + " as batch " + batchNumber + "; every batch needs at least one index")));
                    return;
                }
                continue;
            }
            Planned candidate = new Planned(batchNumber, position, indices, null);
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
