package org.dataloader4j.random;

import java.util.random.RandomGenerator;

/**
 * A small, fast, splittable-by-key random generator: the SplitMix64 sequence started from a key
 * that hashes (seed, epoch, index, stream). Two generators with the same key produce the same
 * numbers on every thread, machine and run; generators with different keys are statistically
 * independent. This is what makes dataloader4j's shuffles and augmentations identical for any
 * number of workers.
 *
 * <p>The bounded and floating-point methods are implemented here (not inherited), so their output
 * is fixed by this class and does not change with the JDK.
 *
 * <pre>{@code
 * RandomGenerator rng = CounterRandom.of(seed, epoch, sampleIndex, RandomStreams.TRANSFORM);
 * boolean flip = rng.nextDouble() < 0.5;
 * }</pre>
 */
public final class CounterRandom implements RandomGenerator {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    private CounterRandom(long state) {
        this.state = state;
    }

    /**
     * {@return a generator whose sequence is fully determined by {@code key}}
     *
     * @param key the key, from {@link #key(long...)}
     */
    public static CounterRandom fromKey(long key) {
        return new CounterRandom(mix64(key));
    }

    /**
     * {@return a generator for (seed, epoch, index, stream); see {@link #key(long...)}}
     *
     * @param seed the loader's seed
     * @param epoch the epoch
     * @param index the sample's index
     * @param stream the number of an independent stream of the sample
     */
    public static CounterRandom of(long seed, long epoch, long index, long stream) {
        return fromKey(key(seed, epoch, index, stream));
    }

    /**
     * Hashes any number of coordinates into one 64-bit key, order-sensitively:
     * {@code key(1, 2) != key(2, 1)}, and a change in any coordinate changes the key completely.
     *
     * @param coordinates the coordinates, such as seed, epoch, index and stream
     * @return the key
     */
    public static long key(long... coordinates) {
        long h = 0x6A09E667F3BCC908L ^ coordinates.length;
        for (long c : coordinates) {
            h = mix64(h + GOLDEN_GAMMA ^ mix64(c + GOLDEN_GAMMA));
        }
        return h;
    }

    /**
     * Stafford's "Mix13" finaliser as used by SplitMix64: a bijective avalanche of 64 bits.
     *
     * @param z the bits to mix
     * @return the mixed bits
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    @Override
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** Uniform in {@code [0, bound)}, unbiased (Lemire's multiply-and-reject). */
    @Override
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, but got " + bound);
        }
        long r = nextLong();
        long hi = Math.unsignedMultiplyHigh(r, bound);
        long lo = r * bound;
        if (Long.compareUnsigned(lo, bound) < 0) {
            long threshold = Long.remainderUnsigned(-bound, bound);
            while (Long.compareUnsigned(lo, threshold) < 0) {
                r = nextLong();
                hi = Math.unsignedMultiplyHigh(r, bound);
                lo = r * bound;
            }
        }
        return hi;
    }

    /** Uniform in {@code [0, bound)}, unbiased. */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, but got " + bound);
        }
        return (int) nextLong(bound);
    }

    /** Uniform in {@code [origin, bound)}, unbiased. */
    @Override
    public int nextInt(int origin, int bound) {
        if (origin >= bound) {
            throw new IllegalArgumentException("origin must be less than bound, but got origin=" + origin
                    + " bound=" + bound);
        }
        return origin + (int) nextLong((long) bound - origin);
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [origin, bound)}. */
    @Override
    public double nextDouble(double origin, double bound) {
        if (!(origin < bound) || !Double.isFinite(bound - origin)) {
            throw new IllegalArgumentException("expected finite origin < bound, but got origin=" + origin
                    + " bound=" + bound);
        }
        double r = origin + nextDouble() * (bound - origin);
        return r < bound ? r : Math.nextDown(bound);
    }

    /** Uniform in {@code [0, 1)} with 24 random bits. */
    @Override
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    @Override
    public boolean nextBoolean() {
        return nextLong() < 0;
    }
}
