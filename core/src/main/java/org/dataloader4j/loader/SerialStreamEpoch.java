package org.dataloader4j.loader;


/**
 * One epoch of an {@code IterableDataset} on the calling thread: the single worker's share is cut
 * into batches of {@code batchSize}; the last, smaller batch is kept unless {@code dropLast}. The dataset's
 * iterator is closed as soon as the share is exhausted, when reading or collating fails, and on {@link #close()}.
 */
final class SerialStreamEpoch<T, B> extends EpochIterator<B> {
    private final StreamShare<T, B> share;
    private long toSkip;
    private B pending;
    private boolean exhausted;
    private boolean closed;

    SerialStreamEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered) {
        super(epoch, alreadyDelivered);
        this.toSkip = alreadyDelivered.prefix();
        this.share = new StreamShare<>(config, epoch,
                config.worker(0, 1, epoch), -1);
    }

    @Override
    public boolean hasNext() {
        if (closed || exhausted) {
            return false;
        }
        try {
            for (; toSkip > 0; toSkip--) { // resumed: the stream's first batches were delivered before
                if (!share.skip()) {
                    toSkip = 0;
                    end();
                    return false;
                }
            }
            if (pending == null) {
                pending = share.next();
                if (pending == null) {
                    end();
                    return false;
                }
            }
            return true;
        } catch (Throwable t) {
            try {
                close(); // a failed epoch holds nothing open: the dataset's iterator is closed before the error surfaces
            } catch (Throwable closing) {
                t.addSuppressed(closing);
            }
            throw t;
        }
    }

    /** The share is exhausted: release the dataset's iterator now, not when the loader moves on. */
    private void end() {
        exhausted = true;
        share.close();
    }

    @Override
    public B next() {
        if (!hasNext()) {
            throw exhausted(closed);
        }
        B value = pending;
        pending = null;
        delivered.add(delivered.prefix());
        return value;
    }



    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Resources.closeQuietly(pending);
        pending = null;
        share.close();
    }
}
