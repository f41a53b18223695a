package org.dataloader4j.loader;

import java.util.function.Supplier;

/**
 * The batches of one epoch of a {@link DataLoader}, from {@link DataLoader#epoch(long)} or
 * {@link DataLoader#resume(LoaderState)}: {@link Iterable}, so a for-each loop reads it, and
 * {@link AutoCloseable}, so that stopping early needs no cast. Each {@link #iterator()} starts the epoch
 * (again, with the same batches); {@link #close()} stops the iterator started last.
 *
 * <pre>{@code
 * try (Epoch<Batch> epoch = loader.epoch(3)) {
 *     for (Batch batch : epoch) {
 *         try (batch) {
 *             if (train(batch) < target) break;   // the rest of the epoch's loading stops with the try
 *         }
 *     }
 * }
 * }</pre>
 *
 * @param <B> batch type
 */
public final class Epoch<B> implements Iterable<B>, AutoCloseable {
    private final Supplier<LoaderIterator<B>> start;
    private LoaderIterator<B> last;

    Epoch(Supplier<LoaderIterator<B>> start) {
        this.start = start;
    }

    /** Starts the epoch: its batches in order (or in completion order with {@code inOrder(false)}). */
    @Override
    public synchronized LoaderIterator<B> iterator() {
        last = start.get();
        return last;
    }

    /** Stops the iterator started last, if any, and releases what it holds. Idempotent. */
    @Override
    public synchronized void close() {
        if (last != null) {
            last.close();
        }
    }
}
