package org.dataloader4j.random;

/**
 * Names the independent random streams that dataloader4j derives from one seed, so that, say,
 * the shuffle order and the augmentation of a sample never share random numbers. Each stream is a
 * coordinate of {@link CounterRandom#key(long...)}.
 *
 * <pre>{@code
 * RandomGenerator order = CounterRandom.of(seed, epoch, 0, RandomStreams.SHUFFLE);
 * }</pre>
 */
public final class RandomStreams {
    /** Sampler orders (shuffles, weighted draws). */
    public static final long SHUFFLE = 0x5348_5546L;
    /** Random splits of a dataset. */
    public static final long SPLIT = 0x5350_4C54L;
    /** Per-sample transforms; stage {@code k} of a pipeline uses {@code TRANSFORM + k}. */
    public static final long TRANSFORM = 0x5452_4E53_0000L;
    /** Per-worker seeds handed to worker initialisers and iterable datasets. */
    public static final long WORKER = 0x574B_5253L;
    /** The epoch's seed of an elastic stream's elements, whose generators are keyed by their global position. */
    public static final long ELEMENT = 0x454C_454DL;

    private RandomStreams() {
    }

    /**
     * {@return a seed drawn once from the operating system's entropy, for components built without an explicit seed;
     * they report it so a run can be reproduced}
     */
    public static long freshSeed() {
        return new java.security.SecureRandom().nextLong();
    }
}
