package org.dataloader4j.sampler;

import java.util.Objects;
import java.util.PrimitiveIterator;

/**
 * One rank's share of any sampler's order, for distributed training: rank {@code r} of {@code worldSize} takes the
 * positions {@code r, r + worldSize, r + 2·worldSize, ...} of the wrapped sampler's epoch. Every rank must wrap an
 * identical sampler (same arguments and seed), so that all ranks see the same order and their shares are disjoint.
 * This gives what PyTorch lacks, for example a weighted sampler partitioned across ranks. With {@code pad(true)} the
 * shares are made equal, as {@link DistributedSampler} does, by continuing with the order's first positions; without
 * it they differ in size by at most one and nothing is repeated (for evaluation).
 *
 * <pre>{@code
 * Sampler weighted = new WeightedRandomSampler(weights, 100_000, true, seed);   // same on every rank
 * Sampler mine = PartitionedSampler.of(weighted, rank, worldSize, true);          // 25,000 indices at worldSize 4
 * DataLoader<Batch> loader = DataLoader.builder(dataset).sampler(mine).batchSize(64).build();
 * }</pre>
 */
public final class PartitionedSampler implements Sampler {
    private final Sampler sampler;
    private final int rank;
    private final int worldSize;
    private final boolean pad;

    private PartitionedSampler(Sampler sampler, int rank, int worldSize, boolean pad) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize should be a positive integer value, but got worldSize="
                    + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("Invalid rank " + rank + ", rank should be in the interval [0, "
                    + (worldSize - 1) + "]");
        }
        if (pad && worldSize > 1 && sampler.size() == 0) {
            throw new IllegalArgumentException("cannot pad the shares of an empty sampler: " + sampler);
        }
        this.rank = rank;
        this.worldSize = worldSize;
        this.pad = pad;
    }

    /**
     * {@return rank {@code rank}'s share of {@code sampler}'s order among {@code worldSize} ranks; see the class
     * comment}
     *
     * @param sampler the order shared by all ranks
     * @param rank this rank, in {@code [0, worldSize)}
     * @param worldSize the number of ranks
     * @param pad whether to repeat indices so that every rank gets as many
     */
    public static PartitionedSampler of(Sampler sampler, int rank, int worldSize, boolean pad) {
        return new PartitionedSampler(sampler, rank, worldSize, pad);
    }

    @Override
    public long size() {
        long n = sampler.size();
        if (pad) {
            return Math.ceilDiv(n, worldSize);
        }
        return n / worldSize + (rank < n % worldSize ? 1 : 0);
    }

    @Override
    public PrimitiveIterator.OfLong indices(long epoch) {
        long n = sampler.size();
        long count = size();
        PrimitiveIterator.OfLong order = sampler.indices(epoch);
        return new IndexIterator(count, epoch) {
            private PrimitiveIterator.OfLong source = order;
            private long sourcePosition; // position in the (repeated) order of the next value of source

            @Override
            long indexAt(long k) {
                long wanted = rank + k * worldSize;  // position in the padded order
                long inOrder = wanted % n;           // past the end: the order's first positions again
                if (inOrder < sourcePosition) {
                    source = sampler.indices(epoch); // padding: read the same order again from its start
                    sourcePosition = 0;
                }
                long value = -1;
                while (sourcePosition <= inOrder) {
                    value = source.nextLong();
                    sourcePosition++;
                }
                return value;
            }
        };
    }

    @Override
    public String fingerprint() {
        return "PartitionedSampler(rank=" + rank + ", worldSize=" + worldSize + ", pad=" + pad + ", "
                + sampler.fingerprint() + ")";
    }

    @Override
    public String toString() {
        return "PartitionedSampler(size=" + size() + ", rank=" + rank + ", worldSize=" + worldSize + ", pad=" + pad + ", "
                + sampler + ")";
    }
}
