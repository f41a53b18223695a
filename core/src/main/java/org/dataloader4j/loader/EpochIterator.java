package org.dataloader4j.loader;

import java.util.NoSuchElementException;

/**
 * What every engine's epoch iterator shares: the epoch it loads and the batches delivered so far (read on
 * the consuming thread), from which the loader reports a {@link LoaderState}.
 */
abstract class EpochIterator<B> implements LoaderIterator<B> {
    final long epoch;
    final DeliveredBatches delivered;

    EpochIterator(long epoch, DeliveredBatches alreadyDelivered) {
        this.epoch = epoch;
        this.delivered = alreadyDelivered;
    }

    /** The epoch this iterator loads. */
    final long epoch() {
        return epoch;
    }

    /** The batches delivered so far. */
    final DeliveredBatches delivered() {
        return delivered;
    }

    /** The exception of {@code next()} when there is no batch: the iterator was closed, or the epoch is over. */
    final NoSuchElementException exhausted(boolean closed) {
        return new NoSuchElementException(closed ? "this epoch's iterator was closed" : "epoch " + epoch + " is over");
    }
}
