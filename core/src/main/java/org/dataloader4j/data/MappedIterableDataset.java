package org.dataloader4j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.collate.internal.SampleSlots;
import org.dataloader4j.collate.internal.SlotWriting;

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
        return iterator(worker, StreamStart.BEGINNING);
    }

    /**
     * The source's share from {@code start} on, transformed: the skipped elements are passed over by the source and
     * never transformed, and element {@code k} of the share keeps its generator (counted from the share's start, or,
     * for an elastic source, keyed by its global position).
     */
    @Override
    public Iterator<R> iterator(WorkerInfo worker, StreamStart start) {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(start, "start");
        Iterator<T> elements = Objects.requireNonNull(source.iterator(worker, start),
                () -> "the source stream returned a null iterator for " + worker);
        return elements instanceof PositionedIterator<T> positioned ? new PositionedMapped(positioned, worker)
                : new Mapped(elements, worker, start.skip());
    }

    @Override
    public java.util.Optional<Partition> elasticPartition() {
        return source.elasticPartition();
    }

    /** One worker's transformed share; releases the source's iterator on close, at its end and on a failure. */
    private class Mapped implements SlotWriting<R>, AutoCloseable {
        final Iterator<T> elements;
        final WorkerInfo worker;
        private long counter;
        private boolean closed;

        Mapped(Iterator<T> elements, WorkerInfo worker, long firstElement) {
            this.elements = elements;
            this.worker = worker;
            this.counter = firstElement;
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
            return read(null);
        }

        /**
         * The next element transformed with {@code slots} serving the transform's sample tensors (this stage only:
         * the source's element is read outside it).
         */
        @Override
        public R next(SampleSlots slots) {
            return read(slots);
        }

        /** Reads the source's next element and transforms it, writing into {@code slots} when given. */
        private R read(SampleSlots slots) {
            if (closed) {
                throw new NoSuchElementException("this mapped stream of " + worker + " is closed or exhausted");
            }
            try {
                T element = elements.next();
                return slots == null ? transform(element) : BatchMemory.writingInto(slots, () -> transform(element));
            } catch (Throwable t) {
                closeAfter(t);
                throw t;
            }
        }

        /** The transformed element, with the generator of element {@code counter} of the share. */
        R transform(T element) {
            return stage.applyToElement(element, worker, counter++);
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

    /** The share of an elastic source: each element's generator is keyed by its global position. */
    private final class PositionedMapped extends Mapped implements PositionedIterator<R> {
        private final PositionedIterator<T> positioned;

        PositionedMapped(PositionedIterator<T> elements, WorkerInfo worker) {
            super(elements, worker, 0);
            this.positioned = elements;
        }

        @Override
        R transform(T element) {
            return stage.applyToPosition(element, worker, positioned.position());
        }

        @Override
        public long position() {
            return positioned.position();
        }
    }

    @Override
    public java.util.Optional<String> fingerprint() {
        return source.fingerprint();
    }
}
