package org.dataloader4j.sampler;

import java.util.Objects;
import java.util.PrimitiveIterator;
import java.util.random.RandomGenerator;
import org.dataloader4j.internal.Preconditions;

/**
 * Draws {@code numSamples} indices per epoch, index {@code i} with probability proportional to
 * {@code weights[i]}; PyTorch's {@code WeightedRandomSampler}, typically used to rebalance classes.
 * The draws of epoch {@code e} are reproducible from (seed, e).
 *
 * <ul>
 *   <li>With replacement (the default), draws are independent; each costs O(1) through an alias table
 *       built once (Walker/Vose), for any number of weights (PyTorch stops at 2^24). The table takes
 *       12 bytes per weight; the weights themselves are not kept.</li>
 *   <li>Without replacement, an epoch is {@code numSamples} distinct indices drawn one after another,
 *       each with probability proportional to its weight among those not yet drawn (successive draws,
 *       as {@code torch.multinomial} makes them). An epoch costs O(n log numSamples) (exponential keys,
 *       Efraimidis–Spirakis); {@code numSamples} is limited by the number of positive weights.</li>
 * </ul>
 * Zero weights are allowed and never drawn.
 *
 * <pre>{@code
 * double[] weights = new double[labels.length];            // rebalance two classes
 * for (int i = 0; i < labels.length; i++) weights[i] = labels[i] == 1 ? 9.0 : 1.0;
 * Sampler balanced = WeightedRandomSampler.builder(weights).seed(42).build();      // labels.length draws
 * Sampler distinct = WeightedRandomSampler.builder(weights).numSamples(100).replacement(false).seed(42).build();
 * }</pre>
 */
public final class WeightedRandomSampler implements Sampler {
    private final int numWeights;
    private final long numSamples;
    private final boolean replacement;
    private final long seed;
    private final String weightsDigest;
    private final AliasTable table;          // with replacement
    private final double[] negLogWeights;    // without replacement; +infinity for a zero weight

    /**
     * {@code weights.length} draws per epoch with replacement and seed 0 (PyTorch's default replacement); the
     * {@link #builder builder} sets the seed and the other options. {@code weights} is read here and not kept.
     *
     * @param weights one non-negative weight per index, not all zero
     * @throws IllegalArgumentException as {@link Builder#build()}
     */
    public WeightedRandomSampler(double[] weights) {
        this(builder(weights));
    }

    private WeightedRandomSampler(Builder b) {
        double[] weights = b.weights;
        long numSamples = b.numSamples < 0 ? weights.length : b.numSamples;
        boolean replacement = b.replacement;
        long seed = b.seed;
        if (weights.length == 0) {
            throw new IllegalArgumentException("weights must not be empty, but got weights.length=0");
        }
        this.weightsDigest = Digests.digest(weights);
        int positive = 0;
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            if (!(w >= 0) || w == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("weights must be finite and non-negative, but got weights[" + i
                        + "]=" + w);
            }
            if (w > 0) {
                positive++;
            }
        }
        if (positive == 0) {
            throw new IllegalArgumentException("weights must not all be zero, but weights[0.." + (weights.length - 1)
                    + "] are all 0");
        }
        if (!replacement && numSamples > positive) {
            throw new IllegalArgumentException("without replacement numSamples can be at most the number of"
                    + " positive weights, " + positive + ", but got numSamples=" + numSamples);
        }
        this.numWeights = weights.length;
        this.numSamples = numSamples;
        this.replacement = replacement;
        this.seed = seed;
        if (replacement) {
            this.table = new AliasTable(weights);
            this.negLogWeights = null;
        } else {
            this.table = null;
            this.negLogWeights = new double[weights.length];
            for (int i = 0; i < weights.length; i++) {
                negLogWeights[i] = -Math.log(weights[i]);
            }
        }
    }

    /**
     * A builder for a sampler drawing index {@code i} with probability proportional to {@code weights[i]};
     * defaults: {@code numSamples weights.length, replacement true, seed 0}. {@code weights} is read by
     * {@link Builder#build()} and not kept.
     *
     * @param weights one non-negative weight per index, not all zero
     * @return the builder
     */
    public static Builder builder(double[] weights) {
        return new Builder(Objects.requireNonNull(weights, "weights"));
    }

    /** Number of indices per epoch, {@code numSamples}. */
    @Override
    public long size() {
        return numSamples;
    }

    /** {@return number of weights: the indices lie in {@code [0, numWeights())}} */
    public int numWeights() {
        return numWeights;
    }

    /** {@return whether an index may be drawn more than once per epoch} */
    public boolean replacement() {
        return replacement;
    }

    /** {@return the seed the draws of all epochs derive from} */
    public long seed() {
        return seed;
    }

    @Override
    public PrimitiveIterator.OfLong indices(long epoch) {
        RandomGenerator rng = Permutations.generator(seed, epoch);
        if (replacement) {
            return new IndexIterator(numSamples, epoch) {
                @Override
                long indexAt(long position) {
                    return table.draw(rng);
                }
            };
        }
        return IndexIterator.over(drawWithoutReplacement(rng), epoch);
    }

    /**
     * Gives index {@code i} the key {@code E_i / w_i} with {@code E_i} standard exponential (compared in
     * logarithms so no weight overflows or underflows), and returns the {@code numSamples} smallest keys'
     * indices in increasing order of key: the first is index {@code i} with probability {@code w_i / sum w},
     * and each later one follows the same law among the indices not yet taken.
     */
    private int[] drawWithoutReplacement(RandomGenerator rng) {
        int k = (int) numSamples;
        double[] keys = new double[k];      // a max-heap of the k smallest keys so far
        int[] idx = new int[k];
        int filled = 0;
        for (int i = 0; i < negLogWeights.length; i++) {
            double negLogW = negLogWeights[i];
            if (negLogW == Double.POSITIVE_INFINITY) {
                continue;
            }
            double key = Math.log(-Math.log1p(-rng.nextDouble())) + negLogW;
            if (filled < k) {
                siftUp(keys, idx, filled++, key, i);
            } else if (key < keys[0]) {
                siftDown(keys, idx, k, key, i);
            }
        }
        int[] order = new int[k];
        for (int last = k - 1; last >= 0; last--) {
            order[last] = idx[0];
            siftDown(keys, idx, last, keys[last], idx[last]);
        }
        return order;
    }

    /** Places (key, index) at {@code hole} (the new end of the heap) and restores the max-heap upwards. */
    private static void siftUp(double[] keys, int[] idx, int hole, double key, int index) {
        while (hole > 0) {
            int parent = (hole - 1) >>> 1;
            if (keys[parent] >= key) {
                break;
            }
            keys[hole] = keys[parent];
            idx[hole] = idx[parent];
            hole = parent;
        }
        keys[hole] = key;
        idx[hole] = index;
    }

    /** Replaces the root of the heap of {@code size} by (key, index) and restores the max-heap downwards. */
    private static void siftDown(double[] keys, int[] idx, int size, double key, int index) {
        int hole = 0;
        while (true) {
            int child = 2 * hole + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && keys[child + 1] > keys[child]) {
                child++;
            }
            if (keys[child] <= key) {
                break;
            }
            keys[hole] = keys[child];
            idx[hole] = idx[child];
            hole = child;
        }
        if (size > 0) {
            keys[hole] = key;
            idx[hole] = index;
        }
    }

    AliasTable aliasTable() {
        return table;
    }

    @Override
    public String fingerprint() {
        return "WeightedRandomSampler(numWeights=" + numWeights + ", weights=" + weightsDigest + ", numSamples="
                + numSamples + ", replacement=" + replacement + ", seed=" + seed + ")";
    }

    @Override
    public String toString() {
        return "WeightedRandomSampler(numWeights=" + numWeights + ", numSamples=" + numSamples + ", replacement="
                + replacement + ", seed=" + seed + ")";
    }

    /** Configures a {@link WeightedRandomSampler}; {@link #build()} checks the weights and the combination. */
    public static final class Builder {
        private final double[] weights;
        private long numSamples = -1;      // -1: weights.length
        private boolean replacement = true;
        private long seed;

        private Builder(double[] weights) {
            this.weights = weights;
        }

        /**
         * The seed the draws of all epochs derive from; default 0.
         *
         * @param seed the seed the draws of all epochs derive from; default 0
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Indices per epoch; default {@code weights.length}.
         *
         * @param numSamples indices per epoch; default {@code weights.length}
         * @return this builder
         * @throws IllegalArgumentException if {@code numSamples < 1}
         */
        public Builder numSamples(long numSamples) {
            this.numSamples = Preconditions.checkPositive("numSamples", numSamples);
            return this;
        }

        /**
         * Whether draws are independent (default true) or an epoch's indices are distinct, drawn one after another
         * among those not yet drawn.
         *
         * @param replacement whether draws are independent (default true) or an epoch's indices are distinct, drawn one after another among those not yet drawn
         * @return this builder
         */
        public Builder replacement(boolean replacement) {
            this.replacement = replacement;
            return this;
        }

        /**
         * The sampler.
         *
         * @return the sampler
         * @throws IllegalArgumentException if a weight is negative, NaN or infinite (the message names the first such
         *     position); if all weights are zero or there are none; or, without replacement, if {@code numSamples}
         *     exceeds the number of positive weights
         */
        public WeightedRandomSampler build() {
            return new WeightedRandomSampler(this);
        }
    }
}
