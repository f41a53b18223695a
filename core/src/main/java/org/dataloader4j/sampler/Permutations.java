package org.dataloader4j.sampler;

import java.util.random.RandomGenerator;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;

/**
 * Shuffling shared by the samplers: the unbiased Fisher–Yates shuffle over an {@code int[]}, in the
 * forward form, so that a permutation can also be produced lazily, one position at a time, with exactly
 * the same result as the whole shuffle.
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
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /**
     * Step {@code i} of the forward Fisher–Yates shuffle: swaps {@code a[i]} with a uniformly chosen
     * {@code a[j]}, {@code i <= j < a.length}, and returns the new {@code a[i]}. Calling it for
     * {@code i = 0, 1, ...} fixes the permutation one position at a time; the last step draws nothing.
     */
    static int step(int[] a, int i, RandomGenerator rng) {
        int remaining = a.length - i;
        if (remaining > 1) {
            int j = i + rng.nextInt(remaining);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a[i];
    }

    /** Shuffles {@code a} in place; every permutation is equally likely. */
    static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = 0; i < a.length - 1; i++) {
            step(a, i, rng);
        }
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
                return step(a, (int) (position % a.length), rng);
            }
        };
    }
}
