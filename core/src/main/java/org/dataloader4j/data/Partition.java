package org.dataloader4j.data;

import org.dataloader4j.internal.Preconditions;

/**
 * One process's place in a distributed job: rank {@code rank} of {@code worldSize} ranks (PyTorch's {@code rank}
 * and {@code num_replicas}). Everything that splits its input between ranks takes one: {@code DistributedSampler},
 * {@code PartitionedSampler}, {@link NpyShardsDataset}, {@link LineDataset} and the spark module's
 * {@code ShardedDataset}, each through {@code partition(Partition)} (a builder option) or a constructor argument, so
 * rank and world size are spelled and checked the same way everywhere.
 *
 * <p>The rank comes first, as in "rank 3 of 8". Because a rank must be below the world size, swapping the two
 * arguments never goes unnoticed: {@code new Partition(8, 3)} is refused.
 *
 * <pre>{@code
 * Partition me = new Partition(rank, worldSize);
 * Sampler order = DistributedSampler.builder(dataset.size()).partition(me).seed(42).build();
 * NpyShardsDataset rows = NpyShardsDataset.builder(Path.of("embeddings/")).partition(me).seed(42).build();
 * }</pre>
 *
 * @param rank      this process's rank, {@code 0 .. worldSize - 1}
 * @param worldSize the number of ranks, at least 1
 */
public record Partition(int rank, int worldSize) {
    /** The only rank of a job that is not distributed: rank 0 of 1. */
    public static final Partition SINGLE = new Partition(0, 1);

    /**
     * Validates the rank against the world size.
     *
     * @throws IllegalArgumentException naming the value when {@code worldSize < 1} or {@code rank} is not in
     *                                  {@code [0, worldSize - 1]}
     */
    public Partition {
        Preconditions.checkPositive("worldSize", worldSize);
        Preconditions.checkRange("rank", rank, 0, worldSize - 1);
    }

    /**
     * The number of {@code worker}'s thread among all consumers of a stream that the {@code worldSize} ranks read with
     * the same number of workers each: {@code rank × numWorkers + id}, out of {@link #consumers(WorkerInfo)}. Sharded
     * streams split their input by it, so that every element goes to exactly one (rank, worker).
     *
     * @param worker the worker reading the stream on this rank
     * @return the consumer number, in {@code [0, consumers(worker))}
     */
    public int consumer(WorkerInfo worker) {
        return Math.addExact(Math.multiplyExact(rank, worker.numWorkers()), worker.id());
    }

    /**
     * The number of consumers when every rank reads a stream with {@code worker.numWorkers()} workers.
     *
     * @param worker a worker of this rank; its {@code numWorkers()} is taken as every rank's
     * @return {@code worldSize × worker.numWorkers()}
     */
    public int consumers(WorkerInfo worker) {
        return Math.multiplyExact(worldSize, worker.numWorkers());
    }

    /** For example {@code rank 3 of 8}. */
    @Override
    public String toString() {
        return "rank " + rank + " of " + worldSize;
    }
}
