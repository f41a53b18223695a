package org.dataloader4j.data;

/**
 * How a sharded stream ({@link NpyShardsDataset}, the spark module's {@code ShardedDataset}) divides an epoch's
 * elements between its consumers, every (rank, worker) pair of the job.
 *
 * <pre>{@code
 * NpyShardsDataset tokens = NpyShardsDataset.builder(Path.of("/data/tokens"))
 *         .partition(new Partition(rank, worldSize))
 *         .split(ShardSplit.ELEMENTS)        // every rank takes the same number of steps
 *         .build();
 * }</pre>
 */
public enum ShardSplit {
    /**
     * Whole shards round-robin when there are at least as many shards as consumers (consumer {@code c} of {@code C}
     * reads the shards at positions {@code c, c + C, ...} of the epoch's shard order); otherwise as {@link #ELEMENTS}.
     * Reads every shard from start to end, but consumers get different counts when shard sizes differ.
     */
    SHARDS,
    /**
     * Always an even split: the elements of all shards, in the epoch's shard order, cut into one contiguous range per
     * consumer, lengths differing by at most one. What distributed training wants when all ranks must take the same
     * number of steps; consumers then read parts of shards.
     */
    ELEMENTS
}
