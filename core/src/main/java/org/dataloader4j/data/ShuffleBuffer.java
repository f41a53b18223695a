package org.dataloader4j.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.tensor.Tensor;

/**
 * An approximate shuffle of a stream, for data that cannot be shuffled by index (PyTorch's shuffle buffer of
 * streaming pipelines). Each worker keeps a buffer of up to {@code bufferSize} elements of its share of the
 * source: once the buffer is full, every new element replaces a uniformly chosen buffered one, which is
 * delivered; when the source ends, the rest of the buffer is delivered in random order. Every element of the
 * source is delivered exactly once; an element can move at most about {@code bufferSize} places
 * earlier, and a buffer as large as the share gives a uniform shuffle.
 *
 * <h2>Determinism</h2>
 * The random choices of worker {@code w} derive from its {@link WorkerInfo} (seed, epoch and id, with the
 * loader's shuffle stream), so the same seed, epoch and worker count give the same order, and every epoch a
 * different one.
 *
 * <h2>Memory</h2>
 * {@link #bufferedElements()} and {@link #bufferedBytes()} report what the buffers of all unfinished iterators
 * hold right now (bytes count the {@link Tensor}s in elements that are tensors, or collections, maps or arrays
 * of them); each iterator also reports its own. An iterator that is exhausted or {@linkplain Shuffled#close()
 * closed} holds nothing. The buffer keeps references only; buffered tensors are not copied.
 *
 * <h2>Closing</h2>
 * Each iterator is {@link AutoCloseable}. The source's iterator, if {@code AutoCloseable} too (an open file or
 * shard), is closed exactly once: when the source is exhausted (while the buffer may still be delivering), when
 * this iterator is closed, or when reading from the source fails, which also empties the buffer and ends the
 * iterator.
 *
 * <pre>{@code
 * IterableDataset<String> lines = new LineDataset(List.of(Path.of("corpus.txt")));
 * ShuffleBuffer<String> shuffled = new ShuffleBuffer<>(lines, 10_000);
 * try (var loader = DataLoader.builder(shuffled).batchSize(32).numWorkers(4).seed(7)
 *         .collate(List::copyOf).build()) {
 *     for (List<String> batch : loader.epoch(epoch)) { ... }
 * }
 * }</pre>
 *
 * @param <T> the element type
 */
public final class ShuffleBuffer<T> implements IterableDataset<T>, TransformDepth {
    private final IterableDataset<T> source;
    private final int bufferSize;
    private final AtomicLong elements = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * A shuffle of {@code source} through buffers of {@code bufferSize} elements per worker.
     *
     * @param source the stream to shuffle
     * @param bufferSize the elements each worker holds to draw from
     * @throws IllegalArgumentException if {@code bufferSize < 1}
     */
    public ShuffleBuffer(IterableDataset<T> source, int bufferSize) {
        this.source = Objects.requireNonNull(source, "source");
        this.bufferSize = Preconditions.checkPositive("bufferSize", bufferSize);
    }

    /** {@return the buffer capacity per worker} */
    public int bufferSize() {
        return bufferSize;
    }

    /** {@return elements held right now by the buffers of all unfinished iterators} */
    public long bufferedElements() {
        return elements.get();
    }

    /** {@return bytes of the tensors held right now by the buffers of all unfinished iterators} */
    public long bufferedBytes() {
        return bytes.get();
    }

    @Override
    public int transformDepth() {
        return TransformDepth.of(source);
    }

    /** {@code worker}'s share of the source, shuffled through its own buffer. */
    @Override
    public Shuffled<T> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        Iterator<T> upstream = Objects.requireNonNull(source.iterator(worker),
                () -> "the source stream returned a null iterator for " + worker);
        RandomGenerator rng = CounterRandom.fromKey(
                CounterRandom.key(worker.seed(), worker.epoch(), worker.id(), RandomStreams.SHUFFLE));
        return new Shuffled<>(this, upstream, rng);
    }

    /** For example {@code ShuffleBuffer(bufferSize=10000, buffered=812)}. */
    @Override
    public String toString() {
        return "ShuffleBuffer(bufferSize=" + bufferSize + ", buffered=" + elements.get() + ")";
    }

    /**
     * One worker's shuffled share: an iterator that reports its buffer and releases it on {@link #close()}.
     *
     * @param <T> the element type
     */
    public static final class Shuffled<T> implements Iterator<T>, AutoCloseable {
        private final ShuffleBuffer<T> owner;
        private final Iterator<T> upstream;
        private final RandomGenerator rng;
        private final ArrayList<T> buffer = new ArrayList<>();
        private long bytes;
        private boolean sourceDone;
        private boolean closed;
        private boolean upstreamClosed;

        private Shuffled(ShuffleBuffer<T> owner, Iterator<T> upstream, RandomGenerator rng) {
            this.owner = owner;
            this.upstream = upstream;
            this.rng = rng;
        }

        /** {@return elements in this iterator's buffer now} */
        public int buffered() {
            return buffer.size();
        }

        /** {@return bytes of the tensors in this iterator's buffer now} */
        public long bufferedBytes() {
            return bytes;
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            fill();
            if (buffer.isEmpty()) {
                close();
                return false;
            }
            return true;
        }

        private void fill() {
            try {
                while (!sourceDone && buffer.size() < owner.bufferSize) {
                    if (!upstream.hasNext()) {
                        sourceDone = true;
                        closeUpstream();
                        return;
                    }
                    T e = upstream.next();
                    buffer.add(e);
                    account(e, +1);
                }
            } catch (Throwable t) {
                release();   // a failed source ends this share: nothing buffered will be delivered
                SourceIterators.closeAfter(t, upstreamToClose());
                throw t;
            }
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException(closed && !sourceDone ? "this iterator was closed"
                        : "the shuffled stream is exhausted");
            }
            int j = rng.nextInt(buffer.size());
            T out = buffer.get(j);
            account(out, -1);
            T last = buffer.removeLast();
            if (j < buffer.size()) {
                buffer.set(j, last);   // keep the buffer dense: the last element takes the freed place
            }
            return out;
        }

        private void account(T element, int sign) {
            long b = bytesOf(element, 0);
            bytes += sign * b;
            owner.elements.addAndGet(sign);
            owner.bytes.addAndGet(sign * b);
        }

        /** Empties the buffer (taking it off the counts) and closes the source's iterator. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            release();
            closeUpstream();
        }

        private void release() {
            closed = true;
            owner.elements.addAndGet(-buffer.size());
            owner.bytes.addAndGet(-bytes);
            buffer.clear();
            bytes = 0;
        }

        /** Closes the source's iterator once, when the source ends or this iterator is closed. */
        private void closeUpstream() {
            SourceIterators.close(upstreamToClose());
        }

        /** The source's iterator if it is still to be closed (then marked closed), else an empty iterator. */
        private Iterator<T> upstreamToClose() {
            if (upstreamClosed) {
                return Collections.emptyIterator();
            }
            upstreamClosed = true;
            return upstream;
        }
    }

    static long bytesOf(Object element, int depth) {
        if (depth > 8 || element == null) {
            return 0;
        }
        if (element instanceof Tensor t) {
            return t.byteSize();
        }
        long sum = 0;
        if (element instanceof Collection<?> c) {
            for (Object o : c) {
                sum += bytesOf(o, depth + 1);
            }
        } else if (element instanceof Map<?, ?> m) {
            for (Object o : m.values()) {
                sum += bytesOf(o, depth + 1);
            }
        } else if (element instanceof Object[] a) {
            for (Object o : a) {
                sum += bytesOf(o, depth + 1);
            }
        }
        return sum;
    }

    @Override
    public java.util.Optional<String> fingerprint() {
        return source.fingerprint().map(f -> "ShuffleBuffer(" + bufferSize + ", " + f + ")");
    }
}
