package org.dataloader4j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The lazy result of {@link IterableDataset#map}: each element of a worker's share is transformed
 * as it is read. Element {@code k} of the share of worker {@code w} gets the generator keyed by
 * (w's seed, epoch, w's id, k, stream), where the stream, as in {@link MappedDataset}, differs for
 * every {@code map} stage of a chain.
 */
final class MappedIterableDataset<T, R> implements IterableDataset<R>, TransformDepth {
    private final IterableDataset<T> source;
    private final MapStage<T, R> stage;

    MappedIterableDataset(IterableDataset<T> source, SampleTransform<? super T, ? extends R> transform) {
        this.stage = MapStage.over(source, transform);
        this.source = source;
    }

    @Override
    public int transformDepth() {
        return stage.depth();
    }

    /**
     * {@code worker}'s share of the source, transformed. The iterator is {@link AutoCloseable}: closing it closes the
     * source's iterator (if that one is {@code AutoCloseable}), and so does reaching the end of the share or a
     * failure of the source or of the transform, after which the iterator is closed and ends.
     */
    @Override
    public Iterator<R> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        Iterator<T> elements = Objects.requireNonNull(source.iterator(worker),
                () -> "the source stream returned a null iterator for " + worker);
        return new Mapped(elements, worker);
    }

    /** One worker's transformed share; releases the source's iterator on close, at its end and on a failure. */
    private final class Mapped implements Iterator<R>, AutoCloseable {
        private final Iterator<T> elements;
        private final WorkerInfo worker;
        private long counter;
        private boolean closed;

        Mapped(Iterator<T> elements, WorkerInfo worker) {
            this.elements = elements;
            this.worker = worker;
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            boolean more;
            try {
                more = elements.hasNext();
            } catch (Throwable t) {
                closeAfter(t);
                throw t;
            }
            if (!more) {
                close();
            }
            return more;
        }

        @Override
        public R next() {
            if (closed) {
                throw new NoSuchElementException("this mapped stream of " + worker + " is closed or exhausted");
            }
            try {
                T element = elements.next();
                return stage.applyToElement(element, worker, counter++);
            } catch (Throwable t) {
                closeAfter(t);
                throw t;
            }
        }

        private void closeAfter(Throwable failure) {
            closed = true;
            SourceIterators.closeAfter(failure, elements);
        }

        /** Closes the source's iterator. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            SourceIterators.close(elements);
        }
    }

    @Override
    public java.util.Optional<String> fingerprint() {
        return source.fingerprint();
    }
}
