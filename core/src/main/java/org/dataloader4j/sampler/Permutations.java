package org.dataloader4j.sampler;

import java.util.random.RandomGenerator;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.KeyedPermutation;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.random.Shuffle;

/**
 * Shuffling shared by the samplers, on top of {@link Shuffle} and {@link KeyedPermutation}: per-epoch generators,
 * size checks, the choice between the two algorithms and lazily shuffled index iterators.
 *
 * <p>A shuffling sampler permutes {@code n} indices with the exact Fisher–Yates shuffle while
 * {@code n < keyedFrom} (an {@code int[]} of {@code n} elements per epoch), and with the constant-memory
 * {@link KeyedPermutation} from {@code keyedFrom} on; {@link #KEYED_FROM} is the default threshold.
 */
final class Permutations {
    /** The largest permutation we hold in an {@code int[]} (some JVMs refuse arrays a few elements longer). */
    static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    /**
     * The default size from which samplers use the keyed permutation: {@code 2^24} indices, where the
     * Fisher–Yates array would reach 64 MiB per epoch (and per rank with {@code DistributedSampler}).
     */
    static final long KEYED_FROM = 1L << 24;

    /** The fingerprint name of the exact shuffle. */
    static final String FISHER_YATES = "fisher-yates";

    /** The fingerprint name of {@link KeyedPermutation}. */
    static final String KEYED = "keyed-feistel";

    private Permutations() {
    }

    /** The generator of a sampler's order in epoch {@code epoch}: depends only on (seed, epoch). */
    static RandomGenerator generator(long seed, long epoch) {
        return CounterRandom.of(seed, epoch, 0, RandomStreams.SHUFFLE);
    }

    /**
     * Checks a sampler's threshold: from {@code keyedFrom} indices on it uses the keyed permutation; below, the
     * Fisher–Yates array, which must fit an {@code int[]}.
     */
    static long checkKeyedFrom(long keyedFrom) {
        if (keyedFrom < 0 || keyedFrom > MAX_SIZE + 1L) {
            throw new IllegalArgumentException("keyedFrom must be in [0, " + (MAX_SIZE + 1L)
                    + "] (the Fisher–Yates permutation is held in an int[]), but got keyedFrom=" + keyedFrom);
        }
        return keyedFrom;
    }

    /** Whether {@code n} indices are permuted by {@link KeyedPermutation} under the threshold {@code keyedFrom}. */
    static boolean keyed(long n, long keyedFrom) {
        return n >= keyedFrom;
    }

    /** What a fingerprint says about the algorithm that permutes {@code n} indices under {@code keyedFrom}. */
    static String describe(long n, long keyedFrom) {
        return "permutation=" + (keyed(n, keyedFrom) ? KEYED : FISHER_YATES) + ", keyedFrom=" + keyedFrom;
    }

    /**
     * Permutation number {@code block} of {@code [0, n)} in epoch {@code epoch} (samplers that chain several
     * permutations in one epoch number them 0, 1, ...): {@code KeyedPermutation.of(n,
     * CounterRandom.key(seed, epoch, block, RandomStreams.SHUFFLE))}.
     */
    static KeyedPermutation keyedPermutation(long n, long seed, long epoch, long block) {
        return KeyedPermutation.of(n, CounterRandom.key(seed, epoch, block, RandomStreams.SHUFFLE));
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
     * array is shuffled in place as the iterator advances, a block of positions ahead of the last index yielded.
     *
     * <p>Each block draws its positions' random choices first and swaps afterwards: the draws do not depend on the
     * array, so the order is exactly {@link Shuffle#step}'s, while the swaps, whose loads from a large array miss
     * the caches, run in a tight loop of independent loads that the processor overlaps (one miss at a time when
     * each swap waits behind its draw).
     */
    static IndexIterator shuffled(int[] a, long count, RandomGenerator rng, long epoch) {
        return new BufferedIndexIterator(count, epoch, 0) {
            private final int[] choices = new int[(int) Math.max(1, Math.min(BufferedIndexIterator.BLOCK, count))];

            @Override
            int fill(long position, long[] out) {
                int n = (int) Math.min(Math.min(out.length, choices.length), count - position);
                int first = (int) (position % a.length);
                for (int k = 0, i = first; k < n; k++, i = i + 1 == a.length ? 0 : i + 1) {
                    int remaining = a.length - i;
                    choices[k] = remaining > 1 ? i + rng.nextInt(remaining) : i;
                }
                for (int k = 0, i = first; k < n; k++, i = i + 1 == a.length ? 0 : i + 1) {
                    int j = choices[k];
                    int chosen = a[j];
                    a[j] = a[i];
                    a[i] = chosen;
                    out[k] = chosen;
                }
                return n;
            }
        };
    }
}
