package org.dataloader4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.ShardSplit;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.random.Shuffle;

/**
 * Which parts of which shards one (rank, worker) reads in an epoch: the one implementation behind
 * {@code NpyShardsDataset} and the spark module's {@code ShardedDataset}. The epoch's shard order is the given order,
 * or with shuffling the permutation drawn from {@code CounterRandom.of(seed, epoch, 0, RandomStreams.SHUFFLE)} (the
 * same on every rank); the consumers' shares follow {@link ShardSplit}; the shares are disjoint and together are
 * every element, once.
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

    /** The epoch's shard order: shard indices, in reading order. */
    public int[] order(long epoch) {
        return shuffle ? Shuffle.permutation(counts.length, CounterRandom.of(seed, epoch, 0, RandomStreams.SHUFFLE))
                : Shuffle.identity(counts.length);
    }

    /** The parts that {@code worker} of {@code partition} reads in the worker's epoch, in reading order. */
    public List<Part> parts(Partition partition, WorkerInfo worker) {
        return parts(partition.consumer(worker), partition.consumers(worker), worker.epoch());
    }

    /** The parts that consumer {@code consumer} of {@code consumers} reads in {@code epoch}, in reading order. */
    public List<Part> parts(int consumer, int consumers, long epoch) {
        Preconditions.checkPositive("consumers", consumers);
        Preconditions.checkRange("consumer", consumer, 0, consumers - 1);
        int[] order = order(epoch);
        List<Part> parts = new ArrayList<>();
        if (split == ShardSplit.SHARDS && order.length >= consumers) {
            for (int pos = consumer; pos < order.length; pos += consumers) {
                parts.add(new Part(order[pos], 0, counts[order[pos]]));
            }
            return parts;
        }
        long from = splitPoint(total, consumer, consumers);
        long to = splitPoint(total, consumer + 1, consumers);
        long start = 0;
        for (int shard : order) {
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
