package org.dataloader4j.random;

import java.util.random.RandomGenerator;

/**
 * The unbiased Fisher–Yates shuffle that every random order in dataloader4j uses (samplers, random
 * splits), in its forward form: step {@code i} fixes position {@code i}, so a permutation can also be
 * produced lazily, one position at a time, with exactly the result of the whole shuffle.
 *
 * <pre>{@code
 * int[] order = Shuffle.permutation(10, CounterRandom.of(seed, epoch, 0, RandomStreams.SHUFFLE));
 * }</pre>
 */
public final class Shuffle {
    private Shuffle() {
    }

    /**
     * {@return a uniformly random permutation of {@code 0 .. n - 1}}
     *
     * @param n the length
     * @param rng the source of randomness
     */
    public static int[] permutation(int n, RandomGenerator rng) {
        int[] a = identity(n);
        shuffle(a, rng);
        return a;
    }

    /**
     * {@return {@code [0, 1, ..., n - 1]}}
     *
     * @param n the length
     */
    public static int[] identity(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("a permutation needs n >= 0, but got n=" + n);
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /**
     * Shuffles {@code a} in place; every permutation is equally likely.
     *
     * @param a the array to shuffle
     * @param rng the source of randomness
     */
    public static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = 0; i < a.length - 1; i++) {
            step(a, i, rng);
        }
    }

    /**
     * {@return step {@code i} of the forward shuffle: swaps {@code a[i]} with a uniformly chosen {@code a[j]}, {@code i
     * <= j < a.length}, and returns the new {@code a[i]}} Calling it for {@code i = 0, 1, ...} fixes the permutation
     * one position at a time; the last step draws nothing.
     *
     * @param a the array being shuffled
     * @param i the position to fix
     * @param rng the source of randomness
     */
    public static int step(int[] a, int i, RandomGenerator rng) {
        int remaining = a.length - i;
        if (remaining > 1) {
            int j = i + rng.nextInt(remaining);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a[i];
    }
}
