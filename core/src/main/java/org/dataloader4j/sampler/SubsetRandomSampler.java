package org.dataloader4j.sampler;

import java.util.Objects;
import java.util.PrimitiveIterator;

/**
 * Visits the given indices in a random order that is new in every epoch and reproducible from
 * (seed, epoch); PyTorch's {@code SubsetRandomSampler}. Typical for a train/validation split of one
 * dataset. The indices are copied, so later changes to the caller's array have no effect; duplicates
 * are kept (an index listed twice is visited twice).
 *
 * <pre>{@code
 * Sampler train = SubsetRandomSampler.builder(new long[] {0, 2, 4, 6, 8}).seed(42).build();
 * train.indices(0);   // e.g. 6 0 8 4 2; epoch 1 gives another order of the same five
 * }</pre>
 */
public final class SubsetRandomSampler implements Sampler {
    private final long[] indices;
    private final long seed;

    /**
     * Shuffles a copy of {@code indices} every epoch, with seed 0; the {@link #builder builder} sets the seed.
     *
     * @param indices the indices to shuffle; copied
     * @throws IllegalArgumentException as {@link Builder#build()}
     */
    public SubsetRandomSampler(long[] indices) {
        this(Objects.requireNonNull(indices, "indices"), 0);
    }

    private SubsetRandomSampler(long[] indices, long seed) {
        Permutations.checkPermutable(indices.length, "SubsetRandomSampler");
        long[] copy = indices.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw new IllegalArgumentException("indices must be non-negative, but got indices[" + i + "]="
                        + copy[i]);
            }
        }
        this.indices = copy;
        this.seed = seed;
    }

    /**
     * A builder for a sampler over a copy of {@code indices} (taken by {@link Builder#build()}); default seed 0.
     *
     * @param indices the indices to shuffle
     * @return the builder
     */
    public static Builder builder(long[] indices) {
        return new Builder(Objects.requireNonNull(indices, "indices"));
    }

    /** Number of indices per epoch: the length of the subset. */
    @Override
    public long size() {
        return indices.length;
    }

    /** {@return a copy of the subset, in the order given to the constructor} */
    public long[] subset() {
        return indices.clone();
    }

    /** {@return the seed the orders of all epochs derive from} */
    public long seed() {
        return seed;
    }

    @Override
    public PrimitiveIterator.OfLong indices(long epoch) {
        PrimitiveIterator.OfLong positions = Permutations.shuffled(Permutations.identity(indices.length),
                indices.length, Permutations.generator(seed, epoch), epoch);
        return new IndexIterator(indices.length, epoch) {
            @Override
            long indexAt(long position) {
                return indices[(int) positions.nextLong()];
            }
        };
    }

    @Override
    public String fingerprint() {
        return "SubsetRandomSampler(size=" + indices.length + ", indices=" + Digests.digest(indices) + ", seed=" + seed
                + ")";
    }

    @Override
    public String toString() {
        return "SubsetRandomSampler(size=" + indices.length + ", indices=" + Digests.abbreviate(indices, 10)
                + ", seed=" + seed + ")";
    }

    /** Configures a {@link SubsetRandomSampler}. */
    public static final class Builder {
        private final long[] indices;
        private long seed;

        private Builder(long[] indices) {
            this.indices = indices;
        }

        /**
         * The seed the orders of all epochs derive from; default 0.
         *
         * @param seed the seed the orders of all epochs derive from; default 0
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The sampler, over a copy of the indices.
         *
         * @return the sampler
         * @throws IllegalArgumentException if an index is negative (naming its position), or there are more than
         *     {@code Integer.MAX_VALUE - 8} of them
         */
        public SubsetRandomSampler build() {
            return new SubsetRandomSampler(indices, seed);
        }
    }
}
