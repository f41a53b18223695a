package org.dataloader4j.sampler;

import java.util.random.RandomGenerator;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.random.Shuffle;

/**
 * Shuffling shared by the samplers, on top of {@link Shuffle}: per-epoch generators, size checks and
 * lazily shuffled index iterators.
 */
final class Permutations {
    /** The largest permutation we hold in an {@code int[]} (some JVMs refuse arrays a few elements longer). */
    static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private Permutations() {
    }

    /** The generator of a sampler's order in epoch {@code epoch}: depends only on (seed, epoch). */
    static RandomGenerator generator(long seed, long epoch) {
        return CounterRandom.of(seed, epoch, 0, RandomStreams.SHUFFLE);
    }

    /**
     * Checks that a permutation of {@code size} elements fits an {@code int[]}; {@code what} names the
     * caller in the message.
     */
    static int checkPermutable(long size, String what) {
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException(what + " holds a permutation of the indices in an int[] and supports"
                    + " at most " + MAX_SIZE + " indices, but got size=" + size);
        }
        return (int) size;
    }

    /** {@code [0, 1, ..., n - 1]}. */
    static int[] identity(int n) {
        return Shuffle.identity(n);
    }

    /** Shuffles {@code a} in place; see {@link Shuffle#shuffle}. */
    static void shuffle(int[] a, RandomGenerator rng) {
        Shuffle.shuffle(a, rng);
    }

    /**
     * Yields {@code count} elements of {@code a} in shuffled order, lazily: the first {@code a.length} are a
     * uniform random permutation of {@code a} (the same one {@link #shuffle} would produce), the next
     * {@code a.length} another, independent one, and so on; the last permutation may be cut short. The
     * array is shuffled in place as the iterator advances.
     */
    static IndexIterator shuffled(int[] a, long count, RandomGenerator rng, long epoch) {
        return new IndexIterator(count, epoch) {
            @Override
            long indexAt(long position) {
                return Shuffle.step(a, (int) (position % a.length), rng);
            }
        };
    }
}
