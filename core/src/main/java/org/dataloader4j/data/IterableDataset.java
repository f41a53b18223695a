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
     * {@return the share of {@code worker} from {@code start} on: in a resumed epoch, without the first
     * {@code start.skip()} elements of the share, which the loader delivered before} The loader calls this (not
     * {@link #iterator(WorkerInfo)}) for every share it opens. The default reads those elements from
     * {@link #iterator(WorkerInfo)} and drops them; a stream that can pass over elements without reading them
     * (a file it can seek in, a shard whose entries it can skip) overrides it, and {@link #map} passes the skip to its
     * source, so a resumed epoch never transforms (decodes, augments) what it does not deliver.
     * {@code start.earlierRuns()} is non-empty only for an {@link #elasticPartition() elastic} stream resumed from
     * the merged states of all ranks, which must override this method; the default refuses it.
     *
     * @param worker the worker that iterates
     * @param start where its share starts
     * @throws IllegalArgumentException if {@code start} holds earlier runs and this stream is not elastic
     */
    default Iterator<T> iterator(WorkerInfo worker, StreamStart start) {
        if (!start.earlierRuns().isEmpty()) {
            throw new IllegalArgumentException(this + " has no global order across ranks (it is not elastic), so it"
                    + " cannot resume a state merged from several ranks or saved at another world size");
        }
        Iterator<T> elements = iterator(worker);
        try {
            for (long n = 0; n < start.skip() && elements.hasNext(); n++) {
                elements.next();
            }
        } catch (Throwable t) {
            SourceIterators.closeAfter(t, elements);
            throw t;
        }
        return elements;
    }

    /**
     * {@return the rank this stream reads, when it is elastic: its elements form one global order per (seed, epoch)
     * whatever the world size and number of workers} Rank {@code r} of {@code R} then takes every {@code R}-th element
     * of that order from the {@code r}-th on, and each loader worker takes whole batches of its rank's sequence in
     * turn ({@link WorkerInfo#batchSize()}), so a run on 8 ranks sees the same samples in the same global order as a
     * run on 2, and the loader states of all ranks can be merged ({@code LoaderState.merge}) and resumed at any world
     * size and worker count. Empty (the default) for other streams. {@link #map} keeps it.
     */
    default java.util.Optional<Partition> elasticPartition() {
        return java.util.Optional.empty();
    }

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
     * close()} to this stream's iterators. Element {@code k} of a worker's share (counting from 0 at the share's start,
     * skipped elements included) gets a {@link org.dataloader4j.random.CounterRandom} keyed by the worker's
     * {@link WorkerInfo#seed() seed}, {@link WorkerInfo#epoch() epoch} and {@link WorkerInfo#id() id}, {@code k}, and
     * a random stream of its own for each {@code map} stage: reproducible for the same seed, epoch and number of
     * workers (and, for an elastic stream, the same for a resumed share as for an uninterrupted one).
     *
     * <pre>{@code
     * IterableDataset<Double> noisy = readings.map((x, rng) -> x + 0.1 * rng.nextGaussian());
     * }</pre>
     *
     * @param <R> the type of the transformed elements
     * @param transform applied to each element when it is read
     * @return the mapped stream
     */
    default <R> IterableDataset<R> map(SampleTransform<? super T, ? extends R> transform) {
        return new MappedIterableDataset<>(this, transform);
    }
}
