package org.dataloader4j.loader;

import java.util.Iterator;

/**
 * The iterator of one epoch of a {@link DataLoader}. Closing it mid-epoch stops the loading work
 * of that epoch at once; it is also closed when the epoch ends, when the next epoch starts and when
 * the loader is closed, so a plain for-each loop that breaks early leaks nothing.
 *
 * <pre>{@code
 * try (LoaderIterator<Batch> it = loader.epoch(0).iterator()) {
 *     Batch first = it.next();   // look at one batch, then stop
 * }
 * }</pre>
 *
 * @param <B> batch type
 */
public interface LoaderIterator<B> extends Iterator<B>, AutoCloseable {

    /** Stops this epoch's loading and releases what it holds. Idempotent. */
    @Override
    void close();
}
