package org.dataloader4j.data;

/**
 * The consumers of a sharded stream: every (rank, worker) pair, numbered {@code rank * numWorkers + worker}
 * out of {@code worldSize * numWorkers}, which is how {@link LineDataset} and {@link NpyShardsDataset} split
 * their input so that each element goes to exactly one of them.
 */
final class Consumers {
    private Consumers() {
    }

    static void checkRank(int rank, int worldSize) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be at least 1, but got worldSize=" + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank must be in [0, " + worldSize + "), but got rank=" + rank);
        }
    }

    static int index(int rank, WorkerInfo worker) {
        return Math.addExact(Math.multiplyExact(rank, worker.numWorkers()), worker.id());
    }

    static int count(int worldSize, WorkerInfo worker) {
        return Math.multiplyExact(worldSize, worker.numWorkers());
    }

    /** Start of part {@code part} of {@code total} items split into {@code parts} nearly equal parts. */
    static long splitPoint(long total, int part, int parts) {
        return (total / parts) * part + (total % parts) * part / parts;
    }
}
