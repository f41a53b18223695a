package org.dataloader4j.loader;

import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;

/**
 * What every engine's epoch iterator shares: the epoch it loads and the batches delivered so far (read on
 * the consuming thread), from which the loader reports a {@link LoaderState}; and what happens when the
 * loader closes the iterator behind its consumer's back (another epoch started, or the loader closed):
 * from then on {@link #hasNext()} and {@link #next()} throw an {@link IllegalStateException} that says so,
 * so a loop can never end early without an error.
 */
abstract class EpochIterator<B> implements LoaderIterator<B> {
    final long epoch;
    final DeliveredBatches delivered;
    final SkipLog skips;
    private volatile String abandoned; // why the loader closed this iterator; null while it has not

    EpochIterator(long epoch, DeliveredBatches alreadyDelivered, SkipLog skips) {
        this.epoch = epoch;
        this.delivered = alreadyDelivered;
        this.skips = skips;
    }

    /** The epoch this iterator loads. */
    final long epoch() {
        return epoch;
    }

    /** The batches delivered so far. */
    final DeliveredBatches delivered() {
        return delivered;
    }

    /**
     * Closes this iterator on behalf of the loader, for the reason {@code why} (completing "closed because
     * ..."); a consumer waiting in {@code next()} returns with a {@link DataLoaderException}, and a later call
     * throws an {@link IllegalStateException} giving the reason.
     */
    final void abandon(String why) {
        if (abandoned == null && !isFinished()) {
            abandoned = "epoch " + epoch + "'s iterator was closed after " + delivered.prefix() + " delivered batches"
                    + " because " + why;
        }
        close();
    }

    /** True once the iterator was closed or delivered its whole epoch. */
    abstract boolean isFinished();

    /**
     * The failure of a consumer that was waiting for a batch when this iterator was closed from another thread (by
     * the loader, or by a direct {@code close()}).
     */
    final DataLoaderException closedWhileWaiting() {
        String why = abandoned;
        return DataLoaderException.general("wait for a batch", epoch, new CancellationException(why != null ? why
                : "epoch " + epoch + "'s iterator was closed by another thread while the consumer waited for a batch"));
    }

    /** Throws when the loader closed this iterator behind its consumer's back. */
    final void checkNotAbandoned() {
        String why = abandoned;
        if (why != null) {
            throw new IllegalStateException(why);
        }
    }

    /** The exception of {@code next()} when there is no batch: the iterator was closed, or the epoch is over. */
    final NoSuchElementException exhausted(boolean closed) {
        return new NoSuchElementException(closed ? "this epoch's iterator was closed" : "epoch " + epoch + " is over");
    }
}
