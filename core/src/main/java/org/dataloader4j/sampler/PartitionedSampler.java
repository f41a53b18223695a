package org.dataloader4j.sampler;

import java.util.Objects;
import java.util.PrimitiveIterator;
import org.dataloader4j.data.Partition;

/**
 * One rank's share of any sampler's order, for distributed training: rank {@code r} of {@code worldSize} (the
 * {@link Builder#partition partition}) takes the positions {@code r, r + worldSize, r + 2·worldSize, ...} of the
 * wrapped sampler's epoch. Every rank must wrap an identical sampler (same arguments and seed), so that all ranks
 * see the same order and their shares are disjoint. This gives what PyTorch lacks, for example a weighted sampler
 * partitioned across ranks. With {@link Builder#padding padding(true)} (the default, as for
 * {@link DistributedSampler}) the shares are made equal by continuing with the order's first positions; with
 * {@code padding(false)} they differ in size by at most one and nothing is repeated (for evaluation).
 *
 * <pre>{@code
 * Sampler weighted = WeightedRandomSampler.builder(weights).numSamples(100_000).seed(seed).build(); // same everywhere
 * Sampler mine = PartitionedSampler.builder(weighted).partition(new Partition(rank, 4)).build();    // 25,000 indices
 * DataLoader<Batch> loader = DataLoader.builder(dataset).sampler(mine).batchSize(64).build();
 * }</pre>
 */
public final class PartitionedSampler implements Sampler {
    private final Sampler sampler;
    private final int rank;
    private final int worldSize;
    private final boolean padding;

    private PartitionedSampler(Builder b) {
        this.sampler = b.sampler;
        this.rank = b.partition.rank();
        this.worldSize = b.partition.worldSize();
        this.padding = b.padding;
        if (padding && worldSize > 1 && sampler.size() == 0) {
            throw new IllegalArgumentException("cannot pad the shares of an empty sampler: " + sampler);
        }
    }

    /**
     * A builder for a share of {@code sampler}'s order; defaults: {@code partition Partition.SINGLE (rank 0 of 1),
     * padding true}.
     *
     * @param sampler the order to share among the ranks
     * @return the builder
     */
    public static Builder builder(Sampler sampler) {
        return new Builder(Objects.requireNonNull(sampler, "sampler"));
    }

    @Override
    public long size() {
        long n = sampler.size();
        if (padding) {
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
        return "PartitionedSampler(rank=" + rank + ", worldSize=" + worldSize + ", padding=" + padding + ", "
                + sampler.fingerprint() + ")";
    }

    @Override
    public String toString() {
        return "PartitionedSampler(size=" + size() + ", rank=" + rank + ", worldSize=" + worldSize + ", padding="
                + padding + ", "
                + sampler + ")";
    }

    /** Configures a {@link PartitionedSampler}. */
    public static final class Builder {
        private final Sampler sampler;
        private Partition partition = Partition.SINGLE;
        private boolean padding = true;

        private Builder(Sampler sampler) {
            this.sampler = sampler;
        }

        /**
         * This process's rank among the ranks sharing the order; default {@link Partition#SINGLE}.
         *
         * @param partition this process's rank among the ranks sharing the order; default {@link Partition#SINGLE}
         * @return this builder
         */
        public Builder partition(Partition partition) {
            this.partition = Objects.requireNonNull(partition, "partition");
            return this;
        }

        /**
         * Whether the shares are padded to the same size by repeating the order's first positions (default true);
         * {@code false} gives each position to exactly one rank, for evaluation.
         *
         * @param padding whether the shares are padded to the same size by repeating the order's first positions (default true); {@code false} gives each position to exactly one rank, for evaluation
         * @return this builder
         */
        public Builder padding(boolean padding) {
            this.padding = padding;
            return this;
        }

        /**
         * The sampler.
         *
         * @return the sampler
         * @throws IllegalArgumentException with padding, more than one rank and an empty sampler (nothing to pad with)
         */
        public PartitionedSampler build() {
            return new PartitionedSampler(this);
        }
    }
}
