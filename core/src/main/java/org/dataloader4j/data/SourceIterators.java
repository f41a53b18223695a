package org.dataloader4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * How the stream wrappers of this package ({@link IterableDataset#map}, {@link ChainDataset}, {@link ShuffleBuffer})
 * release the iterator of the stream they wrap: an iterator that is {@link AutoCloseable} (an open file, a shard, a
 * connection) is closed when the wrapper is closed, when it is exhausted and when reading or transforming an
 * element fails; any other iterator holds nothing to release.
 */
final class SourceIterators {
    private SourceIterators() {
    }

    /**
     * Closes {@code source} if it is {@link AutoCloseable}; a checked exception of its {@code close()} becomes an
     * {@link UncheckedIOException} (an {@link IOException}) or an {@link IllegalStateException}, both naming it.
     */
    static void close(Iterator<?> source) {
        if (source instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException("closing the source stream's iterator " + source + " failed: " + e, e);
            } catch (Exception e) {
                throw new IllegalStateException("closing the source stream's iterator " + source + " failed: " + e, e);
            }
        }
    }

    /**
     * Closes {@code source} after {@code failure} ended the iteration; a failure to close is added to
     * {@code failure} as suppressed, so the first problem stays the one reported.
     */
    static void closeAfter(Throwable failure, Iterator<?> source) {
        try {
            close(source);
        } catch (Throwable t) {
            if (t != failure) {
                failure.addSuppressed(t);
            }
        }
    }
}
