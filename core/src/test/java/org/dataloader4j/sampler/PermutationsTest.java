package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.drain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.dataloader4j.random.CounterRandom;
import org.junit.jupiter.api.Test;

class PermutationsTest {

    @Test
    void lazyShuffleYieldsExactlyTheWholeShuffle() {
        for (int n : new int[] {0, 1, 2, 3, 17, 1000}) {
            int[] whole = Permutations.identity(n);
            Permutations.shuffle(whole, CounterRandom.fromKey(n));
            long[] lazy = drain(Permutations.shuffled(Permutations.identity(n), n, CounterRandom.fromKey(n), 0));
            assertArrayEquals(Arrays.stream(whole).asLongStream().toArray(), lazy, "n=" + n);
        }
    }

    @Test
    void blockwiseShuffleGivesStepByStepOrderAcrossBlocksAndChainedPermutations() {
        // draws first, swaps after, a block at a time: the order of one Shuffle.step per position, for sizes around
        // the block and counts that chain several permutations (the array goes on being shuffled in place)
        for (int n : new int[] {1, 2, 255, 256, 257, 300, 1000}) {
            for (long count : new long[] {1, n, 3L * n + 7}) {
                int[] reference = Permutations.identity(n);
                CounterRandom rng = CounterRandom.fromKey(31L * n + count);
                long[] expected = new long[(int) count];
                for (int p = 0; p < count; p++) {
                    expected[p] = org.dataloader4j.random.Shuffle.step(reference, p % n, rng);
                }
                long[] lazy = drain(Permutations.shuffled(Permutations.identity(n), count,
                        CounterRandom.fromKey(31L * n + count), 0));
                assertArrayEquals(expected, lazy, "n=" + n + ", count=" + count);
            }
        }
    }

    @Test
    void lazyShuffleBeyondOnePermutationStartsAnotherWithoutRepeatsInside() {
        long[] out = drain(Permutations.shuffled(Permutations.identity(4), 10, CounterRandom.fromKey(1), 0));
        assertEquals(10, out.length);
        assertEquals(4, Arrays.stream(out, 0, 4).distinct().count());
        assertEquals(4, Arrays.stream(out, 4, 8).distinct().count());
        assertEquals(2, Arrays.stream(out, 8, 10).distinct().count());
    }

    @Test
    void lastStepDrawsNothing() {
        // One element: the shuffle must not consume a random number, so whole and lazy forms agree.
        CounterRandom used = CounterRandom.fromKey(3);
        Permutations.shuffle(Permutations.identity(1), used);
        assertEquals(CounterRandom.fromKey(3).nextLong(), used.nextLong());
    }

    @Test
    void oversizedPermutationIsRefusedNamingTheCallerAndSize() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Permutations.checkPermutable(Integer.MAX_VALUE, "Thing"));
        assertTrue(e.getMessage().startsWith("Thing ") && e.getMessage().contains("size=2147483647"),
                e.getMessage());
        assertEquals(Permutations.MAX_SIZE, Permutations.checkPermutable(Permutations.MAX_SIZE, "Thing"));
    }

    @Test
    void keyedThresholdOutsideWhatFisherYatesCanHoldIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Permutations.checkKeyedFrom(Integer.MAX_VALUE));
        assertEquals("keyedFrom must be in [0, 2147483640] (the Fisher–Yates permutation is held in an int[]), but got"
                + " keyedFrom=2147483647", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DistributedSampler.builder(5).keyedFrom(-1));
        assertTrue(e.getMessage().contains("keyedFrom=-1"), e.getMessage());
        assertEquals(Permutations.MAX_SIZE + 1L, Permutations.checkKeyedFrom(Permutations.MAX_SIZE + 1L));
    }

    @Test
    void describeNamesTheAlgorithmForTheSizeAndTheThreshold() {
        assertEquals("permutation=fisher-yates, keyedFrom=100", Permutations.describe(99, 100));
        assertEquals("permutation=keyed-feistel, keyedFrom=100", Permutations.describe(100, 100));
    }
}
