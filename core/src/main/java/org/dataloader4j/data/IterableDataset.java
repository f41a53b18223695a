package org.dataloader4j.data;

import java.util.Iterator;

/**
 * A stream-style dataset, PyTorch's {@code IterableDataset}: samples come one after another from an
 * iterator instead of by index, for data that is read sequentially (log files, sockets, tar
 * shards). With several loader workers each worker calls {@link #iterator(WorkerInfo)} with its
 * own {@link WorkerInfo}, and the dataset must return that worker's disjoint share, so that the
 * union over workers is the whole stream with nothing duplicated.
 *
 * <p>An iterator that holds resources (an open file, a shard, a connection) should also be {@link AutoCloseable}:
 * the {@code DataLoader} closes every iterator it got once its share is exhausted, when reading fails and when the
 * consumer stops early, and the wrappers of this package ({@link #map}, {@link ChainDataset},
 * {@link ShuffleBuffer}) forward that close to the iterators they wrap. Such an iterator's {@code close()} should
 * be idempotent; it is called at most once by those wrappers and by the loader.
 *
 * <pre>{@code
 * IterableDataset<Long> evens = worker -> LongStream.range(0, 1_000)
 *         .filter(n -> n % 2 == 0)
 *         .filter(worker::owns)       // shard by position: each worker reads its own share
 *         .boxed().iterator();
 * }</pre>
 *
 * @param <T> the type of one sample
 */
@FunctionalInterface
public interface IterableDataset<T> {

    /**
     * {@return the share of the stream that belongs to {@code worker}}
     *
     * @param worker the worker that iterates, with its id and the number of workers
     */
    Iterator<T> iterator(WorkerInfo worker);

    /**
     * A lazy view of this stream whose elements are passed through {@code transform}, the stream-style
     * counterpart of {@link Dataset#map}. A stream has no sample indices, so the per-element generator
     * is derived from the worker instead: element {@code k} of a worker's share (counting from 0 at each
     * call of {@link #iterator(WorkerInfo)}) gets a {@link org.dataloader4j.random.CounterRandom} keyed by the
     * worker's {@link WorkerInfo#seed() seed}, {@link WorkerInfo#epoch() epoch} and {@link WorkerInfo#id() id},
     * {@code k}, and a random stream of its own for each {@code map} stage. The numbers are therefore
     * reproducible for the same seed, epoch and number of workers; unlike a map-style dataset's, they
     * change with the number of workers, because that changes which elements form each worker's share.
     *
     * <p>The mapped iterator is {@link AutoCloseable}: closing it closes this stream's iterator, and so do reaching its
     * end and a failure of this stream or of {@code transform} (which also ends the mapped iterator).
     *
     * <pre>{@code
     * IterableDataset<Double> noisy = readings.map((x, rng) -> x + 0.1 * rng.nextGaussian());
     * }</pre>
     */
    /**
     * {@return what identifies this stream and how it is split (files, rank and world size, shuffling seed), for
     * checking that a saved {@link org.dataloader4j.loader.LoaderState} is resumed over the same stream} Empty (the
     * default) when the stream cannot tell.
     */
    default java.util.Optional<String> fingerprint() {
        return java.util.Optional.empty();
    }

    /**
     * A lazy view of this stream whose elements are passed through {@code transform}, with a generator derived from the
     * loader's (seed, epoch, worker, element) as {@link Dataset#map} does for samples; the view forwards {@code
     * close()} to this stream's iterators.
     *
     * @param <R> the type of the transformed elements
     * @param transform applied to each element when it is read
     * @return the mapped stream
     */
    default <R> IterableDataset<R> map(SampleTransform<? super T, ? extends R> transform) {
        return new MappedIterableDataset<>(this, transform);
    }
}
