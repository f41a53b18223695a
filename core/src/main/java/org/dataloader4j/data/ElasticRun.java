package org.dataloader4j.data;

import java.util.Arrays;
import org.dataloader4j.internal.ElasticPositions;
import org.dataloader4j.internal.Preconditions;

/**
 * What one run of an elastic stream (a stream with one global order for any number of ranks and workers, see
 * {@link IterableDataset#elasticPartition()}) delivered of an epoch before it stopped: the run's world size, loader
 * workers and batch size, and for every (rank, worker) how many elements of that worker's share it consumed. A run
 * reads the elements that earlier runs of the epoch left, in their global order; rank {@code r} of {@code worldSize}
 * takes every {@code worldSize}-th of them from the {@code r}-th on, and the rank's loader workers take whole batches of
 * the rank's sequence in turn. {@link #delivered(long)} answers, for any position of the run's sequence, whether it
 * was delivered, so a later run (on any world size) reads exactly what is left: none lost, none repeated.
 *
 * <pre>{@code
 * ElasticRun run = new ElasticRun(2, 1, 4, new long[][] {{8}, {4}});  // rank 0 delivered 2 batches of 4, rank 1 one
 * run.delivered(0);   // true: the run's element 0 went to rank 0, its first element
 * run.delivered(9);   // false: rank 1's element 4, after the 4 it delivered
 * }</pre>
 *
 * @param worldSize  the run's number of ranks
 * @param numWorkers the loader workers of each rank ({@code numWorkers = 0}, loading on the calling thread, counts
 *                   as 1)
 * @param batchSize  the loader's batch size, which decides the whole batches that workers take in turn
 * @param consumed   {@code consumed[rank][worker]}: elements of that worker's share that the run delivered (as
 *                   batches, or as failures in their place)
 */
public record ElasticRun(int worldSize, int numWorkers, int batchSize, long[][] consumed) {

    /** Validates the fields and copies the counts. */
    public ElasticRun {
        Preconditions.checkPositive("worldSize", worldSize);
        Preconditions.checkPositive("numWorkers", numWorkers);
        Preconditions.checkPositive("batchSize", batchSize);
        if (consumed.length != worldSize) {
            throw new IllegalArgumentException("consumed must have one row per rank (" + worldSize + "), but has "
                    + consumed.length);
        }
        long[][] copy = new long[worldSize][];
        for (int r = 0; r < worldSize; r++) {
            if (consumed[r].length != numWorkers) {
                throw new IllegalArgumentException("consumed[" + r + "] must have one count per worker (" + numWorkers
                        + "), but has " + consumed[r].length);
            }
            copy[r] = consumed[r].clone();
            for (int w = 0; w < numWorkers; w++) {
                Preconditions.checkNonNegative("consumed[" + r + "][" + w + "]", copy[r][w]);
            }
        }
        consumed = copy;
    }

    /** {@return a copy of the counts, {@code [rank][worker]}} */
    @Override
    public long[][] consumed() {
        long[][] copy = new long[worldSize][];
        for (int r = 0; r < worldSize; r++) {
            copy[r] = consumed[r].clone();
        }
        return copy;
    }

    /**
     * {@return whether this run delivered the element at {@code position} of its sequence (the elements that earlier
     * runs left, in their global order)}
     *
     * @param position a position in the run's sequence, from 0
     */
    public boolean delivered(long position) {
        int rank = (int) (position % worldSize);
        long q = position / worldSize;                       // position in the rank's sequence
        return ElasticPositions.shareIndexOf(q, batchSize, numWorkers)
                < consumed[rank][ElasticPositions.workerOf(q, batchSize, numWorkers)];
    }

    /** {@return the number of elements the run delivered, over all ranks and workers} */
    public long deliveredCount() {
        long n = 0;
        for (long[] row : consumed) {
            for (long c : row) {
                n += c;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElasticRun r && worldSize == r.worldSize && numWorkers == r.numWorkers
                && batchSize == r.batchSize && Arrays.deepEquals(consumed, r.consumed);
    }

    @Override
    public int hashCode() {
        return (worldSize * 31 + numWorkers) * 31 + batchSize + Arrays.deepHashCode(consumed);
    }

    @Override
    public String toString() {
        return "ElasticRun(worldSize=" + worldSize + ", numWorkers=" + numWorkers + ", batchSize=" + batchSize
                + ", consumed=" + Arrays.deepToString(consumed) + ")";
    }
}
