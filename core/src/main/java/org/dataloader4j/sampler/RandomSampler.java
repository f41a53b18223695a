package org.dataloader4j.sampler;

import java.util.PrimitiveIterator;
import java.util.random.RandomGenerator;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.random.KeyedPermutation;

/**
 * Visits the indices {@code [0, size)} in a random order that is new in every epoch and reproducible
 * from (seed, epoch); PyTorch's {@code RandomSampler}.
 *
 * <ul>
 *   <li>Without replacement (the default), an epoch is a random permutation. With {@code numSamples < size} it is
 *       the beginning of such a permutation; with {@code numSamples > size} whole, independent permutations
 *       follow one another and the last one is cut short, as in PyTorch. Any {@code size} up to
 *       {@code Long.MAX_VALUE} works; the algorithm depends on it:
 *       <ul>
 *         <li>below {@code 2^24} (16,777,216) indices, the exact, uniformly random permutation of an unbiased
 *             Fisher–Yates shuffle (produced lazily as the epoch advances) of an {@code int[]} of {@code size}
 *             elements, 64 MiB at most; the order of epoch {@code e} comes from
 *             {@code CounterRandom.of(seed, e, 0, RandomStreams.SHUFFLE)};</li>
 *         <li>from {@code 2^24} indices on, the constant-memory {@link KeyedPermutation} (a keyed Feistel network
 *             with cycle walking): permutation {@code k} of epoch {@code e} (0 for the first) is
 *             {@code KeyedPermutation.of(size, CounterRandom.key(seed, e, k, RandomStreams.SHUFFLE))}, memory does
 *             not grow with {@code size}, and {@link #indices(long, long) indices(epoch, from)} starts at any
 *             position without computing the ones before it.</li>
 *       </ul>
 *       {@link #fingerprint()} and {@link #toString()} name the algorithm in use and the threshold.</li>
 *   <li>{@link Builder#replacement With replacement}, every index is drawn independently and uniformly
 *       from {@code [0, size)}; any {@code size} and {@code numSamples} work.</li>
 * </ul>
 *
 * <p>The order of epoch {@code e} depends only on (seed, e, size, numSamples), not on which epochs were visited
 * before, nor on any other random draws.
 *
 * <pre>{@code
 * Sampler shuffle = RandomSampler.builder(dataset.size()).seed(42).build();
 * PrimitiveIterator.OfLong order = shuffle.indices(epoch);     // a fresh permutation per epoch
 * Sampler bootstrap = RandomSampler.builder(1000).replacement(true).seed(7).build();
 * Sampler threeEpochsInOne = RandomSampler.builder(1000).numSamples(3000).seed(7).build();  // three permutations
 * Sampler seedZero = new RandomSampler(dataset.size());        // the defaults: seed 0, one permutation
 * }</pre>
 */
public final class RandomSampler implements Sampler {
    private final long datasetSize;
    private final long numSamples;
    private final boolean replacement;
    private final long seed;
    private final long keyedFrom;

    /**
     * Shuffles {@code [0, size)} without replacement with seed 0, {@code size} indices per epoch; the
     * {@link #builder builder} sets the seed and the other options.
     *
     * @param size the number of indices
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public RandomSampler(long size) {
        this(builder(size));
    }

    private RandomSampler(Builder b) {
        long datasetSize = b.size;
        long numSamples = b.numSamples < 0 ? datasetSize : b.numSamples;
        if (numSamples < 1) {
            String why = datasetSize == 0 && numSamples == 0 ? " (the dataset is empty: size=0)" : "";
            throw new IllegalArgumentException("numSamples should be a positive integer value, but got numSamples="
                    + numSamples + why);
        }
        if (datasetSize == 0) {
            throw new IllegalArgumentException("cannot draw numSamples=" + numSamples
                    + " indices from an empty dataset (size=0)");
        }
        this.datasetSize = datasetSize;
        this.numSamples = numSamples;
        this.replacement = b.replacement;
        this.seed = b.seed;
        this.keyedFrom = b.keyedFrom;
    }

    /**
     * A builder for a sampler over {@code [0, size)}; defaults: {@code seed 0, numSamples size, replacement false}.
     *
     * @param size the number of indices, {@code [0, size)}
     * @return the builder
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public static Builder builder(long size) {
        return new Builder(Preconditions.checkNonNegative("size", size));
    }

    /** Number of indices per epoch, {@code numSamples}. */
    @Override
    public long size() {
        return numSamples;
    }

    /** {@return size of the dataset the indices are drawn from: they lie in {@code [0, datasetSize())}} */
    public long datasetSize() {
        return datasetSize;
    }

    /** {@return whether an index may appear more than once within a permutation's worth of draws} */
    public boolean replacement() {
        return replacement;
    }

    /** {@return the seed the orders of all epochs derive from} */
    public long seed() {
        return seed;
    }

    /**
     * {@return the size from which this sampler (without replacement) uses the keyed permutation instead of
     * Fisher–Yates, {@code 2^24}}
     */
    public long keyedFrom() {
        return keyedFrom;
    }

    /**
     * {@return whether the epochs' permutations are {@link KeyedPermutation}s ({@code size >= keyedFrom()}, no
     * replacement)}
     */
    public boolean keyed() {
        return !replacement && Permutations.keyed(datasetSize, keyedFrom);
    }

    @Override
    public PrimitiveIterator.OfLong indices(long epoch) {
        if (keyed()) {
            return keyedIndices(epoch, 0);
        }
        RandomGenerator rng = Permutations.generator(seed, epoch);
        if (replacement) {
            return new IndexIterator(numSamples, epoch) {
                @Override
                long indexAt(long position) {
                    return rng.nextLong(datasetSize);
                }
            };
        }
        return Permutations.shuffled(Permutations.identity((int) datasetSize), numSamples, rng, epoch);
    }

    /**
     * The indices of epoch {@code epoch} from position {@code from} on. On the keyed permutation this starts at
     * {@code from} directly, in time independent of {@code from}; otherwise the shuffle (or the draws with
     * replacement) up to {@code from} is replayed.
     *
     * @throws IllegalArgumentException if {@code from} is outside {@code [0, size()]}
     */
    @Override
    public PrimitiveIterator.OfLong indices(long epoch, long from) {
        Preconditions.checkRange("from", from, 0, numSamples);
        return keyed() ? keyedIndices(epoch, from) : Sampler.super.indices(epoch, from);
    }

    private PrimitiveIterator.OfLong keyedIndices(long epoch, long from) {
        return new BufferedIndexIterator(numSamples, epoch, from) {
            private long blockStart = -1;       // the position where `permutation` starts
            private KeyedPermutation permutation;

            @Override
            int fill(long position, long[] out) {
                long block = position / datasetSize;     // the chained permutations are numbered 0, 1, ...
                if (block * datasetSize != blockStart) {
                    blockStart = block * datasetSize;
                    permutation = Permutations.keyedPermutation(datasetSize, seed, epoch, block);
                }
                long offset = position - blockStart;
                int count = (int) Math.min(out.length, Math.min(datasetSize - offset, numSamples - position));
                permutation.fill(offset, out, count);
                return count;
            }
        };
    }

    @Override
    public String fingerprint() {
        return toString();
    }

    @Override
    public String toString() {
        return "RandomSampler(size=" + datasetSize + ", numSamples=" + numSamples + ", replacement=" + replacement
                + ", seed=" + seed + (replacement ? "" : ", " + Permutations.describe(datasetSize, keyedFrom)) + ")";
    }

    /**
     * Configures a {@link RandomSampler}; {@link #build()} checks the combination.
     *
     * <pre>{@code
     * RandomSampler bootstrap = RandomSampler.builder(1000).replacement(true).numSamples(500).seed(7).build();
     * }</pre>
     */
    public static final class Builder {
        private final long size;
        private long numSamples = -1;      // -1: size
        private boolean replacement;
        private long seed;
        private long keyedFrom = Permutations.KEYED_FROM;

        private Builder(long size) {
            this.size = size;
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
         * Indices per epoch; default {@code size}. Without replacement, a prefix of a random permutation of
         * {@code [0, size)} when {@code numSamples <= size}, otherwise successive fresh permutations, the last one cut
         * short.
         *
         * @param numSamples indices per epoch; default {@code size}
         * @return this builder
         * @throws IllegalArgumentException if {@code numSamples < 1}
         */
        public Builder numSamples(long numSamples) {
            this.numSamples = Preconditions.checkPositive("numSamples", numSamples);
            return this;
        }

        /**
         * Whether every index is an independent, uniform draw from {@code [0, size)}; default false.
         *
         * @param replacement whether every index is an independent, uniform draw from {@code [0, size)}; default false
         * @return this builder
         */
        public Builder replacement(boolean replacement) {
            this.replacement = replacement;
            return this;
        }

        /**
         * Without replacement, the keyed permutation from {@code keyedFrom} indices on instead of {@code 2^24}: for
         * tests, which exercise the keyed permutation on small datasets.
         */
        Builder keyedFrom(long keyedFrom) {
            this.keyedFrom = Permutations.checkKeyedFrom(keyedFrom);
            return this;
        }

        /**
         * The sampler.
         *
         * @return the sampler
         * @throws IllegalArgumentException if the dataset is empty ({@code size 0}): there is nothing to draw
         */
        public RandomSampler build() {
            return new RandomSampler(this);
        }
    }
}
