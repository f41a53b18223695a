package org.dataloader4j.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Several streams one after another, PyTorch's {@code ChainDataset}: the stream-style counterpart of
 * {@link ConcatDataset}. For each worker, {@link #iterator(WorkerInfo)} yields that worker's share
 * of the first dataset, then its share of the second, and so on; each part is asked for its
 * iterator only when the previous one is exhausted, and that one is closed first (if its iterator is
 * {@link AutoCloseable}), so chaining many files keeps one open at a time.
 * Since every part hands each worker a disjoint share, so does the chain.
 *
 * <pre>{@code
 * IterableDataset<String> january = worker -> readLines("2025-01.log", worker);
 * IterableDataset<String> february = worker -> readLines("2025-02.log", worker);
 * ChainDataset<String> logs = ChainDataset.of(january, february);
 * logs.iterator(WorkerInfo.single(0, 0)).forEachRemaining(System.out::println);
 * }</pre>
 *
 * @param <T> the type of one sample
 */
public final class ChainDataset<T> implements IterableDataset<T>, TransformDepth {
    private final List<IterableDataset<? extends T>> datasets;
    private final int depth;

    /**
     * The chain of {@code datasets}, in order.
     *
     * @param datasets the streams to chain
     * @throws IllegalArgumentException if the list is empty
     * @throws NullPointerException     if the list or one of its datasets is null (naming its position)
     */
    public ChainDataset(List<? extends IterableDataset<? extends T>> datasets) {
        this.datasets = Datasets.checkParts("ChainDataset", datasets);
        this.depth = TransformDepth.deepest(this.datasets);
    }

    /**
     * {@return the chain of {@code datasets}, in order; see {@link #ChainDataset(List)}}
     *
     * @param <T> the element type
     * @param datasets the streams to chain
     */
    @SafeVarargs
    public static <T> ChainDataset<T> of(IterableDataset<? extends T>... datasets) {
        // nulls pass through, so the constructor names their position
        return new ChainDataset<>(Arrays.asList(Objects.requireNonNull(datasets, "datasets")));
    }

    /** {@return the chained datasets, in order (an unmodifiable list)} */
    public List<IterableDataset<? extends T>> datasets() {
        return datasets;
    }

    /**
     * {@code worker}'s share of each dataset in turn. The iterator is {@link AutoCloseable}: each part's iterator (if
     * {@code AutoCloseable}) is closed as soon as it is exhausted, and the current one when the chain is closed or
     * when reading from it fails, after which the chain is closed and ends.
     *
     * @throws NullPointerException (from the iterator) naming the dataset if one returns a null iterator
     */
    @Override
    public Iterator<T> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        return new Chained(worker);
    }

    /** One worker's share of the chain: one part's iterator open at a time. */
    private final class Chained implements Iterator<T>, AutoCloseable {
        private final WorkerInfo worker;
        private int nextPart;
        private Iterator<? extends T> current = Collections.emptyIterator();
        private boolean closed;
        private boolean exhausted;

        Chained(WorkerInfo worker) {
            this.worker = worker;
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            try {
                while (!current.hasNext()) {
                    Iterator<? extends T> done = current;
                    current = Collections.emptyIterator();
                    SourceIterators.close(done);
                    if (nextPart == datasets.size()) {
                        closed = true;
                        exhausted = true;
                        return false;
                    }
                    int part = nextPart++;
                    Iterator<? extends T> it = datasets.get(part).iterator(worker);
                    if (it == null) {
                        throw new NullPointerException("dataset " + part + " of the chain returned a null iterator"
                                + " for " + worker);
                    }
                    current = it;
                }
                return true;
            } catch (Throwable t) {
                closeAfter(t);
                throw t;
            }
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException(exhausted
                        ? "all " + datasets.size() + " chained datasets are exhausted for " + worker
                        : "this iterator over " + datasets.size() + " chained datasets was closed for " + worker);
            }
            try {
                return current.next();
            } catch (Throwable t) {
                closeAfter(t);
                throw t;
            }
        }

        private void closeAfter(Throwable failure) {
            closed = true;
            Iterator<? extends T> open = current;
            current = Collections.emptyIterator();
            SourceIterators.closeAfter(failure, open);
        }

        /** Closes the iterator of the part being read. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Iterator<? extends T> open = current;
            current = Collections.emptyIterator();
            SourceIterators.close(open);
        }
    }

    @Override
    public int transformDepth() {
        return depth;
    }

    /** For example {@code ChainDataset(parts=2)}. */
    @Override
    public java.util.Optional<String> fingerprint() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (IterableDataset<? extends T> d : datasets) {
            java.util.Optional<String> f = d.fingerprint();
            if (f.isEmpty()) {
                return java.util.Optional.empty();
            }
            parts.add(f.get());
        }
        return java.util.Optional.of("Chain(" + String.join(", ", parts) + ")");
    }

    @Override
    public String toString() {
        return "ChainDataset(parts=" + datasets.size() + ")";
    }
}
