package org.dataloader4j.data;

import java.util.Iterator;
import java.util.Objects;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;

/**
 * The lazy result of {@link IterableDataset#map}: each element of a worker's share is transformed
 * as it is read. Element {@code k} of the share of worker {@code w} gets the generator keyed by
 * (w's seed, epoch, w's id, k, stream), where the stream, as in {@link MappedDataset}, differs for
 * every {@code map} stage of a chain.
 */
final class MappedIterableDataset<T, R> implements IterableDataset<R>, TransformDepth {
    private final IterableDataset<T> source;
    private final SampleTransform<? super T, ? extends R> transform;
    private final int depth;
    private final long stream;

    MappedIterableDataset(IterableDataset<T> source, SampleTransform<? super T, ? extends R> transform) {
        this.source = Objects.requireNonNull(source, "source");
        this.transform = Objects.requireNonNull(transform, "transform");
        this.depth = TransformDepth.of(source) + 1;
        this.stream = RandomStreams.TRANSFORM + depth;
    }

    @Override
    public int transformDepth() {
        return depth;
    }

    @Override
    public Iterator<R> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        Iterator<T> elements = Objects.requireNonNull(source.iterator(worker),
                () -> "the source stream returned a null iterator for " + worker);
        return new Iterator<>() {
            private long counter;

            @Override
            public boolean hasNext() {
                return elements.hasNext();
            }

            @Override
            public R next() {
                T element = elements.next();
                long k = counter++;
                return transform.apply(element, CounterRandom.fromKey(
                        CounterRandom.key(worker.seed(), worker.epoch(), worker.id(), k, stream)));
            }
        };
    }

    @Override
    public java.util.Optional<String> fingerprint() {
        return source.fingerprint();
    }
}
