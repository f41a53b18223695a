package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.chiSquare;
import static org.dataloader4j.sampler.SamplerTesting.critical001;
import static org.dataloader4j.sampler.SamplerTesting.drain;
import static org.dataloader4j.sampler.SamplerTesting.epoch;
import static org.dataloader4j.sampler.SamplerTesting.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.Set;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.KeyedPermutation;
import org.dataloader4j.random.RandomStreams;
import org.junit.jupiter.api.Test;

class RandomSamplerTest {

    private static long[] sorted(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s;
    }

    /** At most {@code limit} indices of {@code it}. */
    private static long[] take(PrimitiveIterator.OfLong it, int limit) {
        long[] out = new long[limit];
        int n = 0;
        while (n < limit && it.hasNext()) {
            out[n++] = it.nextLong();
        }
        return Arrays.copyOf(out, n);
    }

    private static long[] range(int n) {
        long[] r = new long[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    @Test
    void shuffleVisitsEveryIndexExactlyOnce() {
        Sampler s = RandomSampler.builder(1000).seed(42).build();
        for (long e = 0; e < 3; e++) {
            assertArrayEquals(range(1000), sorted(epoch(s, e)), "epoch " + e);
        }
    }

    @Test
    void epochsDifferButRepeatForSameSeedAndEpoch() {
        Sampler s = RandomSampler.builder(100).seed(42).build();
        assertFalse(Arrays.equals(epoch(s, 0), epoch(s, 1)));
        assertArrayEquals(epoch(s, 7), epoch(RandomSampler.builder(100).seed(42).build(), 7));
        assertFalse(Arrays.equals(epoch(s, 0), epoch(RandomSampler.builder(100).seed(43).build(), 0)), "another seed");
    }

    @Test
    void orderIsTheFisherYatesShuffleOfTheDocumentedGenerator() {
        int[] expected = Permutations.identity(50);
        Permutations.shuffle(expected, CounterRandom.of(9, 4, 0, RandomStreams.SHUFFLE));
        assertArrayEquals(Arrays.stream(expected).asLongStream().toArray(), epoch(RandomSampler.builder(50).seed(9)
                .build(), 4));
    }

    @Test
    void everyPermutationOfFourIsEquallyLikely() {
        Sampler s = RandomSampler.builder(4).seed(2024).build();
        int epochs = 24_000;
        Map<String, Integer> counts = new HashMap<>();
        for (long e = 0; e < epochs; e++) {
            counts.merge(Arrays.toString(epoch(s, e)), 1, Integer::sum);
        }
        assertEquals(24, counts.size(), "every one of the 24 permutations appears: " + counts.keySet());
        long[] observed = counts.values().stream().mapToLong(Integer::longValue).toArray();
        double x2 = chiSquare(observed, uniform(24, epochs));
        assertTrue(x2 < critical001(23), "chi-square " + x2 + " over 23 degrees of freedom: " + counts);
    }

    @Test
    void eachPositionOfALongerShuffleIsUniform() {
        // Fisher–Yates bias would show up as some index preferring the first position.
        Sampler s = RandomSampler.builder(10).seed(5).build();
        long[] first = new long[10];
        int epochs = 20_000;
        for (long e = 0; e < epochs; e++) {
            first[(int) s.indices(e).nextLong()]++;
        }
        double x2 = chiSquare(first, uniform(10, epochs));
        assertTrue(x2 < critical001(9), "chi-square " + x2 + ": " + Arrays.toString(first));
    }

    @Test
    void withReplacementDrawsAreUniform() {
        Sampler s = RandomSampler.builder(10).replacement(true).numSamples(100_000).seed(11).build();
        long[] counts = new long[10];
        for (long i : epoch(s, 0)) {
            counts[(int) i]++;
        }
        double x2 = chiSquare(counts, uniform(10, 100_000));
        assertTrue(x2 < critical001(9), "chi-square " + x2 + ": " + Arrays.toString(counts));
    }

    @Test
    void withReplacementRepeatsIndicesAndAllowsHugeDatasets() {
        long[] draws = epoch(RandomSampler.builder(5).replacement(true).numSamples(50).seed(1).build(), 0);
        assertEquals(50, draws.length);
        assertTrue(Arrays.stream(draws).distinct().count() <= 5);
        RandomSampler huge = RandomSampler.builder(10_000_000_000L).replacement(true).numSamples(1000).seed(1).build();
        assertTrue(Arrays.stream(epoch(huge, 0)).anyMatch(i -> i > Integer.MAX_VALUE), "indices beyond int range");
    }

    @Test
    void numSamplesBelowSizeGivesDistinctIndices() {
        long[] draws = epoch(RandomSampler.builder(100).numSamples(30).seed(1).build(), 0);
        assertEquals(30, draws.length);
        assertEquals(30, Arrays.stream(draws).distinct().count());
    }

    @Test
    void numSamplesAboveSizeChainsWholeFreshPermutationsThenAPartialOne() {
        RandomSampler s = RandomSampler.builder(5).numSamples(13).seed(8).build();
        assertEquals(13, s.size());
        Set<String> permutations = new HashSet<>();
        for (long e = 0; e < 20; e++) {
            long[] all = epoch(s, e);
            assertEquals(13, all.length);
            long[] p1 = Arrays.copyOfRange(all, 0, 5);
            long[] p2 = Arrays.copyOfRange(all, 5, 10);
            long[] tail = Arrays.copyOfRange(all, 10, 13);
            assertArrayEquals(range(5), sorted(p1));
            assertArrayEquals(range(5), sorted(p2));
            assertEquals(3, Arrays.stream(tail).distinct().count(), "the partial permutation has no repeats");
            permutations.add(Arrays.toString(p1));
            permutations.add(Arrays.toString(p2));
        }
        assertTrue(permutations.size() > 20, "the permutations within and across epochs are fresh");
    }

    @Test
    void defaultNumSamplesIsTheDatasetSize() {
        RandomSampler s = RandomSampler.builder(12).seed(0).build();
        assertEquals(12, s.size());
        assertEquals(12, s.datasetSize());
        assertFalse(s.replacement());
        assertEquals(0, s.seed());
    }

    @Test
    void nonPositiveNumSamplesIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(10).numSamples(0).seed(1)
                .build());
        assertEquals("numSamples should be a positive integer value, but got numSamples=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(10).replacement(true)
                .numSamples(-4).seed(1).build());
        assertEquals("numSamples should be a positive integer value, but got numSamples=-4", e.getMessage());
    }

    @Test
    void emptyDatasetIsRefusedAsPyTorchDoesButSaysWhy() {
        var e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(0).seed(1).build());
        assertEquals("numSamples should be a positive integer value, but got numSamples=0"
                + " (the dataset is empty: size=0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(0).replacement(true)
                .numSamples(5).seed(1).build());
        assertTrue(e.getMessage().contains("numSamples=5") && e.getMessage().contains("size=0"), e.getMessage());
    }

    @Test
    void negativeSizeIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(-2).seed(1).build());
        assertEquals("size should be a non-negative integer value, but got size=-2", e.getMessage());
    }

    @Test
    void sizesBeyondIntRangeAreShuffledByTheKeyedPermutationWithoutAllocating() {
        // Fisher–Yates would need an int[] of 3e9 (refused by the JVM) or 2^63 - 1 elements.
        RandomSampler big = RandomSampler.builder(3_000_000_000L).seed(1).build();
        assertTrue(big.keyed());
        long[] head = take(big.indices(0, 0), 1000);
        assertEquals(1000, Arrays.stream(head).distinct().count());
        assertTrue(Arrays.stream(head).allMatch(i -> i >= 0 && i < 3_000_000_000L));
        assertTrue(Arrays.stream(head).anyMatch(i -> i > Integer.MAX_VALUE), "indices beyond int range");
        RandomSampler huge = RandomSampler.builder(Long.MAX_VALUE).numSamples(Long.MAX_VALUE).seed(1).build();
        long[] tail = take(huge.indices(3, Long.MAX_VALUE - 5), 10);
        assertEquals(5, tail.length, "the last five positions of the epoch");
        assertEquals(5, Arrays.stream(tail).distinct().count());
        KeyedPermutation order = KeyedPermutation.of(Long.MAX_VALUE, CounterRandom.key(1, 3, 0, RandomStreams.SHUFFLE));
        for (int k = 0; k < 5; k++) {
            assertEquals(order.indexAt(Long.MAX_VALUE - 5 + k), tail[k], "position " + (Long.MAX_VALUE - 5 + k));
        }
    }

    @Test
    void theKeyedPermutationTakesOverAt2To24Indices() {
        assertEquals(1L << 24, RandomSampler.builder(10).seed(1).build().keyedFrom());
        assertFalse(RandomSampler.builder((1L << 24) - 1).seed(1).build().keyed());
        assertTrue(RandomSampler.builder(1L << 24).seed(1).build().keyed());
        assertFalse(RandomSampler.builder(1L << 40).replacement(true).numSamples(10).seed(1).build()
                .keyed(), "draws with replacement permute nothing");
    }

    @Test
    void keyedOrderIsTheDocumentedKeyedPermutation() {
        RandomSampler s = RandomSampler.builder(50).numSamples(50).seed(9).keyedFrom(0).build();
        for (long e = 0; e < 3; e++) {
            KeyedPermutation p = KeyedPermutation.of(50, CounterRandom.key(9, e, 0, RandomStreams.SHUFFLE));
            long[] expected = new long[50];
            Arrays.setAll(expected, p::indexAt);
            assertArrayEquals(expected, epoch(s, e), "epoch " + e);
        }
        RandomSampler chained = RandomSampler.builder(1000).numSamples(2500).seed(9).keyedFrom(0).build();
        long[] all = epoch(chained, 1);
        for (int position = 0; position < 2500; position++) {
            KeyedPermutation p = KeyedPermutation.of(1000,
                    CounterRandom.key(9, 1, position / 1000, RandomStreams.SHUFFLE));
            assertEquals(p.indexAt(position % 1000), all[position], "position " + position);
        }
    }

    @Test
    void keyedShuffleIsAPermutationThatRepeatsPerEpochAndChangesAcrossEpochsAndSeeds() {
        RandomSampler s = RandomSampler.builder(1000).numSamples(1000).seed(42).keyedFrom(0).build();
        assertTrue(s.keyed());
        for (long e = 0; e < 3; e++) {
            assertArrayEquals(range(1000), sorted(epoch(s, e)), "epoch " + e);
            assertArrayEquals(epoch(s, e), epoch(s, e), "epoch " + e + " twice");
            assertArrayEquals(epoch(s, e), epoch(RandomSampler.builder(1000).numSamples(1000).seed(42).keyedFrom(0)
                    .build(), e), "another instance");
        }
        assertFalse(Arrays.equals(epoch(s, 0), epoch(s, 1)), "another epoch");
        assertFalse(Arrays.equals(epoch(s, 0), epoch(RandomSampler.builder(1000).numSamples(1000).seed(43)
                .keyedFrom(0).build(), 0)), "another seed");
        assertFalse(Arrays.equals(epoch(s, 0), epoch(RandomSampler.builder(1000).seed(42)
                .build(), 0)), "not the Fisher–Yates order");
    }

    @Test
    void keyedNumSamplesAboveSizeChainsWholeFreshPermutationsThenAPartialOne() {
        RandomSampler s = RandomSampler.builder(5).numSamples(13).seed(8).keyedFrom(0).build();
        Set<String> permutations = new HashSet<>();
        for (long e = 0; e < 20; e++) {
            long[] all = epoch(s, e);
            assertEquals(13, all.length);
            assertArrayEquals(range(5), sorted(Arrays.copyOfRange(all, 0, 5)));
            assertArrayEquals(range(5), sorted(Arrays.copyOfRange(all, 5, 10)));
            assertEquals(3, Arrays.stream(all, 10, 13).distinct().count(), "the partial permutation has no repeats");
            permutations.add(Arrays.toString(Arrays.copyOfRange(all, 0, 5)));
            permutations.add(Arrays.toString(Arrays.copyOfRange(all, 5, 10)));
        }
        assertTrue(permutations.size() > 20, "the permutations within and across epochs are fresh");
    }

    @Test
    void keyedEachPositionOfAShuffleIsUniform() {
        RandomSampler s = RandomSampler.builder(10).numSamples(10).seed(5).keyedFrom(0).build();
        long[][] counts = new long[10][10];
        int epochs = 20_000;
        for (long e = 0; e < epochs; e++) {
            long[] order = epoch(s, e);
            for (int position = 0; position < 10; position++) {
                counts[position][(int) order[position]]++;
            }
        }
        for (int position = 0; position < 10; position++) {
            double x2 = chiSquare(counts[position], uniform(10, epochs));
            assertTrue(x2 < critical001(9), "position " + position + ": chi-square " + x2 + ": "
                    + Arrays.toString(counts[position]));
        }
    }

    @Test
    void resumingAtAnyPositionYieldsTheRestOfTheEpochWithEitherAlgorithm() {
        for (RandomSampler s : new RandomSampler[] {RandomSampler.builder(37).numSamples(100).seed(3)
                .build(), RandomSampler.builder(37).numSamples(100).seed(3).keyedFrom(0).build(),
                RandomSampler.builder(37).replacement(true).numSamples(100).seed(3).build()}) {
            long[] whole = epoch(s, 6);
            for (int from : new int[] {0, 1, 36, 37, 38, 99, 100}) {
                assertArrayEquals(Arrays.copyOfRange(whole, from, 100), drain(s.indices(6, from)), s + " from " + from);
            }
        }
    }

    @Test
    void resumingOutsideTheEpochIsRefusedWithThePosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(10).numSamples(10).seed(1)
                .keyedFrom(0).build().indices(0, 11));
        assertEquals("from should be in [0, 10], but got from=11", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(10).seed(1).build()
                .indices(0, -1));
        assertEquals("from should be in [0, 10], but got from=-1", e.getMessage());
    }

    @Test
    void fingerprintNamesTheAlgorithmInUseAndTheThreshold() {
        assertEquals("RandomSampler(size=10, numSamples=10, replacement=false, seed=42, permutation=fisher-yates,"
                + " keyedFrom=16777216)", RandomSampler.builder(10).seed(42).build().fingerprint());
        assertEquals("RandomSampler(size=16777216, numSamples=16777216, replacement=false, seed=42,"
                + " permutation=keyed-feistel, keyedFrom=16777216)", RandomSampler.builder(1L << 24).seed(42).build()
                        .fingerprint());
        assertEquals("RandomSampler(size=10, numSamples=10, replacement=false, seed=42, permutation=keyed-feistel,"
                + " keyedFrom=0)", RandomSampler.builder(10).numSamples(10).seed(42).keyedFrom(0).build()
                        .fingerprint());
    }

    @Test
    void toStringShowsEverySetting() {
        assertEquals("RandomSampler(size=10, numSamples=10, replacement=false, seed=42, permutation=fisher-yates,"
                + " keyedFrom=16777216)", RandomSampler.builder(10).seed(42).build().toString());
        assertEquals("RandomSampler(size=10, numSamples=3, replacement=true, seed=1)",
                RandomSampler.builder(10).replacement(true).numSamples(3).seed(1).build().toString());
    }
}
