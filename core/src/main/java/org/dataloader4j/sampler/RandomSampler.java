package org.dataloader4j.sampler;

import java.util.PrimitiveIterator;
import java.util.random.RandomGenerator;

/**
 * Visits the indices {@code [0, size)} in a random order that is new in every epoch and reproducible
 * from (seed, epoch); PyTorch's {@code RandomSampler}.
 *
 * <ul>
 *   <li>Without replacement (the default), an epoch is a uniformly random permutation (unbiased
 *       Fisher–Yates, produced lazily as the epoch advances). With {@code numSamples < size} it is the
 *       beginning of such a permutation; with {@code numSamples > size} whole, independent permutations
 *       follow one another and the last one is cut short, as in PyTorch. The permutation is held in an
 *       {@code int[]}, so {@code size} is limited to {@code Integer.MAX_VALUE - 8}.</li>
 *   <li>{@link #withReplacement With replacement}, every index is drawn independently and uniformly
 *       from {@code [0, size)}; any {@code size} and {@code numSamples} work.</li>
 * </ul>
 *
 * <p>The order of epoch {@code e} comes from {@code CounterRandom.of(seed, e, 0, RandomStreams.SHUFFLE)},
 * so it does not depend on which epochs were visited before, nor on any other random draws.
 *
 * <pre>{@code
 * Sampler shuffle = new RandomSampler(dataset.size(), 42);
 * PrimitiveIterator.OfLong order = shuffle.indices(epoch);     // a fresh permutation per epoch
 * Sampler bootstrap = RandomSampler.withReplacement(1000, 1000, 7);
 * Sampler threeEpochsInOne = RandomSampler.of(1000, 3000, 7);  // three whole permutations
 * }</pre>
 */
public final class RandomSampler implements Sampler {
    private final long datasetSize;
    private final long numSamples;
    private final boolean replacement;
    private final long seed;

    /**
     * Shuffles {@code [0, size)} without replacement, {@code size} indices per epoch.
     *
     * @throws IllegalArgumentException if {@code size} is not positive or exceeds
     *     {@code Integer.MAX_VALUE - 8}
     */
    public RandomSampler(long size, long seed) {
        this(size, size, false, seed);
    }

    private RandomSampler(long datasetSize, long numSamples, boolean replacement, long seed) {
        Checks.nonNegative(datasetSize, "size");
        if (numSamples < 1) {
            String why = datasetSize == 0 && numSamples == 0 ? " (the dataset is empty: size=0)" : "";
            throw new IllegalArgumentException("numSamples should be a positive integer value, but got numSamples="
                    + numSamples + why);
        }
        if (datasetSize == 0) {
            throw new IllegalArgumentException("cannot draw numSamples=" + numSamples
                    + " indices from an empty dataset (size=0)");
        }
        if (!replacement) {
            Permutations.checkPermutable(datasetSize, "RandomSampler without replacement");
        }
        this.datasetSize = datasetSize;
        this.numSamples = numSamples;
        this.replacement = replacement;
        this.seed = seed;
    }

    /**
     * Without replacement, {@code numSamples} indices per epoch: a prefix of a random permutation of
     * {@code [0, size)} when {@code numSamples <= size}, otherwise successive fresh permutations, the last
     * one cut short.
     *
     * @throws IllegalArgumentException if {@code size} or {@code numSamples} is not positive, or {@code size}
     *     exceeds {@code Integer.MAX_VALUE - 8}
     */
    public static RandomSampler of(long size, long numSamples, long seed) {
        return new RandomSampler(size, numSamples, false, seed);
    }

    /**
     * With replacement: {@code numSamples} independent, uniform draws from {@code [0, size)} per epoch.
     *
     * @throws IllegalArgumentException if {@code size} or {@code numSamples} is not positive
     */
    public static RandomSampler withReplacement(long size, long numSamples, long seed) {
        return new RandomSampler(size, numSamples, true, seed);
    }

    /** Number of indices per epoch, {@code numSamples}. */
    @Override
    public long size() {
        return numSamples;
    }

    /** Size of the dataset the indices are drawn from: they lie in {@code [0, datasetSize())}. */
    public long datasetSize() {
        return datasetSize;
    }

    /** Whether an index may appear more than once within a permutation's worth of draws. */
    public boolean replacement() {
        return replacement;
    }

    /** The seed the orders of all epochs derive from. */
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
                    return rng.nextLong(datasetSize);
                }
            };
        }
        return Permutations.shuffled(Permutations.identity((int) datasetSize), numSamples, rng, epoch);
    }

    @Override
    public String fingerprint() {
        return toString();
    }

    @Override
    public String toString() {
        return "RandomSampler(size=" + datasetSize + ", numSamples=" + numSamples + ", replacement=" + replacement
                + ", seed=" + seed + ")";
    }
}
