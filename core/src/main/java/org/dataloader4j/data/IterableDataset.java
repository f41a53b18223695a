package org.dataloader4j.data;

import java.util.Iterator;

/**
 * A stream-style dataset, PyTorch's {@code IterableDataset}: samples come one after another from an
 * iterator instead of by index, for data that is read sequentially (log files, sockets, tar
 * shards). With several loader workers each worker calls {@link #iterator(WorkerInfo)} with its
 * own {@link WorkerInfo}, and the dataset must return that worker's disjoint share, so that the
 * union over workers is the whole stream with nothing duplicated.
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

    /** The share of the stream that belongs to {@code worker}. */
    Iterator<T> iterator(WorkerInfo worker);
}
