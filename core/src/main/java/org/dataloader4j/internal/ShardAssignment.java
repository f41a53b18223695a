package org.dataloader4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.ShardSplit;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.KeyedPermutation;
import org.dataloader4j.random.RandomStreams;

/**
 * Which parts of which shards one (rank, worker) reads in an epoch: the one implementation behind
 * {@code NpyShardsDataset} and the spark module's {@code ShardedDataset}. The epoch's shard order is the given order,
 * or with shuffling the {@link KeyedPermutation} keyed by {@code CounterRandom.key(seed, epoch, 0,
 * RandomStreams.SHUFFLE)} (the same on every rank; computed shard by shard, never held as an array); the consumers'
 * shares follow {@link ShardSplit}; the shares are disjoint and together are every element, once.
 */
public final class ShardAssignment {
    private final long[] counts;
    private final long total;
    private final boolean shuffle;
    private final long seed;
    private final ShardSplit split;

    /**
     * Elements {@code [from, to)} of one shard.
     *
     * @param shard the shard, an index into the counts
     * @param from  its first element of the part
     * @param to    the element after the part's last
     */
    public record Part(int shard, long from, long to) {
        /** The number of elements, {@code to - from}. */
        public long size() {
            return to - from;
        }
    }

    /**
     * An assignment of shards holding {@code counts[i]} elements each (read here, not kept).
     *
     * @param shuffle whether the shard order is drawn anew every epoch from ({@code seed}, epoch)
     * @param split   how the elements are divided between consumers
     * @throws IllegalArgumentException naming the shard if a count is negative
     */
    public ShardAssignment(long[] counts, boolean shuffle, long seed, ShardSplit split) {
        this.counts = counts.clone();
        long t = 0;
        for (int i = 0; i < this.counts.length; i++) {
            t = Math.addExact(t, Preconditions.checkNonNegative("counts[" + i + "]", this.counts[i]));
        }
        this.total = t;
        this.shuffle = shuffle;
        this.seed = seed;
        this.split = Objects.requireNonNull(split, "split");
    }

    /** The number of elements of shard {@code shard}. */
    public long count(int shard) {
        return counts[shard];
    }

    /** The number of shards. */
    public int shards() {
        return counts.length;
    }

    /** The number of elements of all shards together. */
    public long total() {
        return total;
    }

    /** The epoch's shard order: shard indices, in reading order (an array: for tests and small shard counts). */
    public int[] order(long epoch) {
        ShardOrder order = shardOrder(epoch);
        int[] shards = new int[counts.length];
        for (int pos = 0; pos < shards.length; pos++) {
            shards[pos] = order.shardAt(pos);
        }
        return shards;
    }

    /** The epoch's shard order, shard by shard: {@code shardAt(position)}. */
    private ShardOrder shardOrder(long epoch) {
        if (!shuffle || counts.length < 2) {
            return position -> position;
        }
        KeyedPermutation permutation = KeyedPermutation.of(counts.length,
                CounterRandom.key(seed, epoch, 0, RandomStreams.SHUFFLE));
        return position -> (int) permutation.indexAt(position);
    }

    /** Which shard an epoch reads at each position of its order. */
    @FunctionalInterface
    private interface ShardOrder {
        int shardAt(int position);
    }

    /** The parts that {@code worker} of {@code partition} reads in the worker's epoch, in reading order. */
    public List<Part> parts(Partition partition, WorkerInfo worker) {
        return parts(partition.consumer(worker), partition.consumers(worker), worker.epoch());
    }

    /** The parts that consumer {@code consumer} of {@code consumers} reads in {@code epoch}, in reading order. */
    public List<Part> parts(int consumer, int consumers, long epoch) {
        return parts(consumer, consumers, epoch, split);
    }

    /**
     * The parts that consumer {@code consumer} of {@code consumers} reads in {@code epoch} under {@code split}, in
     * reading order; {@link ShardSplit#ELEMENTS} cuts the epoch's elements into {@code consumers} contiguous ranges.
     */
    public List<Part> parts(int consumer, int consumers, long epoch, ShardSplit split) {
        Preconditions.checkPositive("consumers", consumers);
        Preconditions.checkRange("consumer", consumer, 0, consumers - 1);
        ShardOrder order = shardOrder(epoch);
        List<Part> parts = new ArrayList<>();
        if (split == ShardSplit.SHARDS && counts.length >= consumers) {
            for (int pos = consumer; pos < counts.length; pos += consumers) {
                int shard = order.shardAt(pos);
                parts.add(new Part(shard, 0, counts[shard]));
            }
            return parts;
        }
        long from = splitPoint(total, consumer, consumers);
        long to = splitPoint(total, consumer + 1, consumers);
        long start = 0;
        for (int pos = 0; pos < counts.length && start < to; pos++) {
            int shard = order.shardAt(pos);
            long lo = Math.max(from, start);
            long hi = Math.min(to, start + counts[shard]);
            if (lo < hi) {
                parts.add(new Part(shard, lo - start, hi - start));
            }
            start += counts[shard];
        }
        return parts;
    }

    /** Start of part {@code part} of {@code total} items cut into {@code parts} parts differing by at most one item. */
    public static long splitPoint(long total, int part, int parts) {
        return (total / parts) * part + (total % parts) * part / parts;
    }
}
