package org.dataloader4j.data;

/**
 * Which loader worker is running, out of how many, and with which seed; PyTorch's
 * {@code get_worker_info()}. An {@link IterableDataset} uses it to read only its share of a
 * stream. With {@code numWorkers = 0} the caller's thread is the single worker {@code 0 of 1}.
 *
 * <pre>{@code
 * Iterator<String> iterator(WorkerInfo worker) {
 *     return lines().filter(line -> worker.owns(line.number())).iterator();  // every worker a disjoint share
 * }
 * }</pre>
 *
 * @param id         this worker's number, {@code 0 .. numWorkers - 1}
 * @param numWorkers how many workers share the dataset (at least 1)
 * @param seed       a seed for this worker, derived from the loader's seed, epoch and the worker id
 * @param epoch      the epoch being loaded
 * @param dataset    the dataset the loader reads ({@link Dataset} or {@link IterableDataset}), shared by every
 *                   worker thread (not a copy, unlike PyTorch's worker processes); null outside a loader
 * @param batchSize  how many consecutive elements of a worker's share of a stream the loader puts into one batch (1
 *                   outside a loader): a stream that gives each worker whole batches of one sequence in turn (an
 *                   {@link IterableDataset#elasticPartition() elastic} stream) delivers that sequence in the same
 *                   order whatever the number of workers
 * @param epochSeed  a seed shared by every worker of the epoch, derived from the loader's seed and the epoch: the
 *                   element at global position {@code p} of an elastic stream gets its generators from
 *                   ({@code epochSeed}, {@code p}), the same for any number of ranks and workers
 */
public record WorkerInfo(int id, int numWorkers, long seed, long epoch, Object dataset, int batchSize,
                         long epochSeed) {

    /** Validates the fields. */
    public WorkerInfo {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, but got " + batchSize);
        }
        if (numWorkers < 1) {
            throw new IllegalArgumentException("numWorkers must be at least 1, but got " + numWorkers);
        }
        if (id < 0 || id >= numWorkers) {
            throw new IllegalArgumentException("worker id must be in [0, " + numWorkers + "), but got " + id);
        }
    }

    /**
     * A worker of {@code dataset} that takes one element at a time ({@code batchSize = 1}).
     *
     * @param id the worker's number, in {@code [0, numWorkers)}
     * @param numWorkers the number of workers
     * @param seed the loader's seed
     * @param epoch the epoch
     * @param dataset the dataset being loaded
     */
    public WorkerInfo(int id, int numWorkers, long seed, long epoch, Object dataset) {
        this(id, numWorkers, seed, epoch, dataset, 1, epochSeedOf(seed, epoch));
    }

    /**
     * {@return the seed shared by the workers of {@code epoch} of a loader seeded with {@code loaderSeed}}
     *
     * @param loaderSeed the loader's seed
     * @param epoch the epoch
     */
    public static long epochSeedOf(long loaderSeed, long epoch) {
        return org.dataloader4j.random.CounterRandom.key(loaderSeed, epoch, org.dataloader4j.random.RandomStreams.ELEMENT);
    }

    /**
     * A worker of no particular dataset (for tests and direct calls of {@code IterableDataset.iterator}).
     *
     * @param id the worker's number, in {@code [0, numWorkers)}
     * @param numWorkers the number of workers
     * @param seed the loader's seed
     * @param epoch the epoch
     */
    public WorkerInfo(int id, int numWorkers, long seed, long epoch) {
        this(id, numWorkers, seed, epoch, null, 1, epochSeedOf(seed, epoch));
    }

    /**
     * {@return the only worker of single-threaded loading (the caller's thread)}
     *
     * @param seed the loader's seed
     * @param epoch the epoch
     */
    public static WorkerInfo single(long seed, long epoch) {
        return new WorkerInfo(0, 1, seed, epoch);
    }

    /**
     * {@return the only worker of single-threaded loading of {@code dataset}}
     *
     * @param seed the loader's seed
     * @param epoch the epoch
     * @param dataset the dataset being loaded
     */
    public static WorkerInfo single(long seed, long epoch, Object dataset) {
        return new WorkerInfo(0, 1, seed, epoch, dataset, 1, epochSeedOf(seed, epoch));
    }

    /**
     * {@return this worker with another batch size}
     *
     * @param size how many consecutive elements of this worker's share form a batch
     */
    public WorkerInfo withBatchSize(int size) {
        return new WorkerInfo(id, numWorkers, seed, epoch, dataset, size, epochSeed);
    }

    /**
     * {@return true if element {@code n} of a stream belongs to this worker (round-robin: {@code n mod numWorkers ==
     * id})}
     *
     * @param n the element's position in the stream
     */
    public boolean owns(long n) {
        return Math.floorMod(n, (long) numWorkers) == id;
    }
}
