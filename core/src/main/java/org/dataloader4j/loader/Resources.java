package org.dataloader4j.loader;

/** Releases values that hold resources (batches the consumer will never see). */
final class Resources {
    private Resources() {
    }

    /** Closes {@code value} if it is {@link AutoCloseable}; a failure to close is not worth more than the original problem. */
    static void closeQuietly(Object value) {
        if (value instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Nothing sensible to do: the batch was never delivered and its memory has a GC fallback.
            }
        }
    }
}
