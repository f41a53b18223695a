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
 */
public record WorkerInfo(int id, int numWorkers, long seed, long epoch, Object dataset) {

    /** Validates the fields. */
    public WorkerInfo {
        if (numWorkers < 1) {
            throw new IllegalArgumentException("numWorkers must be at least 1, but got " + numWorkers);
        }
        if (id < 0 || id >= numWorkers) {
            throw new IllegalArgumentException("worker id must be in [0, " + numWorkers + "), but got " + id);
        }
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
        this(id, numWorkers, seed, epoch, null);
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
        return new WorkerInfo(0, 1, seed, epoch, dataset);
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
