package org.dataloader4j.loader;


/**
 * One epoch of an {@code IterableDataset} on the calling thread: the single worker's share is cut
 * into batches of {@code batchSize}; the last, smaller batch is kept unless {@code dropLast}.
 *
 * <p>Failures follow the rules of the worker engine: a failed batch is reported in its place and the
 * next call goes on with the share; a share that cannot be opened reports that, then the epoch ends.
 * The share is opened by the first {@link #hasNext()}, so that an opening failure surfaces where it
 * does with workers. The dataset's iterator is closed as soon as the share is exhausted, and on
 * {@link #close()}.
 */
final class SerialStreamEpoch<T, B> extends EpochIterator<B> {
    private final LoaderConfig<T, B> config;
    private StreamShare<T, B> share;
    private B pending;
    private long pendingPosition; // the share's position after the pending batch
    private boolean exhausted;
    private boolean closed;

    SerialStreamEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches alreadyDelivered) {
        super(epoch, alreadyDelivered, config.newSkipLog());
        this.config = config;
    }

    @Override
    boolean isFinished() {
        return closed || exhausted;
    }

    @Override
    public boolean hasNext() {
        checkNotAbandoned();
        if (closed || exhausted) {
            return false;
        }
        if (share == null) {
            try {
                // resumed: the share starts after the elements its delivered batches consumed
                share = new StreamShare<>(config, epoch, config.worker(0, 1, epoch), -1, delivered.start(0, 1));
            } catch (RuntimeException e) {
                exhausted = true;
                delivered.add(delivered.prefix());
                throw e;
            }
        }
        if (pending == null) {
            try {
                pending = share.next();
                pendingPosition = share.position();
            } catch (RuntimeException e) {
                delivered.add(delivered.prefix()); // a failure takes a batch's place: the next call goes on
                delivered.consumed(0, 1, share.position());
                throw e;
            }
            if (pending == null) {
                end();
            }
        }
        return !exhausted;
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
        delivered.consumed(0, 1, pendingPosition);
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
        if (share != null) {
            share.close();
        }
    }
}
