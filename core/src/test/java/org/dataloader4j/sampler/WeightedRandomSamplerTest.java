package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.chiSquare;
import static org.dataloader4j.sampler.SamplerTesting.critical001;
import static org.dataloader4j.sampler.SamplerTesting.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.PrimitiveIterator;
import org.dataloader4j.random.CounterRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WeightedRandomSamplerTest {

    private static IllegalArgumentException refused(double[] weights, long numSamples, boolean replacement) {
        return assertThrows(IllegalArgumentException.class,
                () -> WeightedRandomSampler.builder(weights).numSamples(numSamples).replacement(replacement).seed(0)
                        .build());
    }

    @Test
    void withReplacementFrequenciesMatchTheWeights() {
        double[] weights = {1, 2, 3, 4, 0, 10};
        int draws = 100_000;
        long[] counts = new long[weights.length];
        for (long i : epoch(WeightedRandomSampler.builder(weights).numSamples(draws).seed(17).build(), 0)) {
            counts[(int) i]++;
        }
        assertEquals(0, counts[4], "a zero weight is never drawn");
        long[] observed = {counts[0], counts[1], counts[2], counts[3], counts[5]};
        double[] expected = {draws * 0.05, draws * 0.10, draws * 0.15, draws * 0.20, draws * 0.50};
        double x2 = chiSquare(observed, expected);
        assertTrue(x2 < critical001(4), "chi-square " + x2 + ": " + Arrays.toString(counts));
    }

    @Test
    void aliasTableReproducesTheWeightsExactly() {
        CounterRandom rng = CounterRandom.fromKey(5);
        for (int n : new int[] {1, 2, 3, 10, 1000, 4097}) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                // zeros, tiny and huge weights side by side
                w[i] = switch (rng.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> rng.nextDouble() * 1e-6;
                    case 2 -> rng.nextDouble() * 1e6;
                    default -> 1 + rng.nextDouble();
                };
            }
            w[n - 1] = 1;  // never all zero
            double sum = Arrays.stream(w).sum();
            double[] p = new AliasTable(w).probabilities();
            for (int i = 0; i < n; i++) {
                assertEquals(w[i] / sum, p[i], 1e-12, "n=" + n + " index " + i);
                if (w[i] == 0) {
                    assertEquals(0.0, p[i], "n=" + n + ": zero weight " + i + " must have probability exactly 0");
                }
            }
        }
    }

    @Test
    void aliasTableHandlesWeightsAtTheEdgesOfDoubleRange() {
        double[] w = {1e-300, Double.MAX_VALUE, Double.MAX_VALUE, 0, Double.MIN_VALUE};
        double[] p = new AliasTable(w).probabilities();
        assertEquals(0.5, p[1], 1e-12);
        assertEquals(0.5, p[2], 1e-12);
        assertEquals(0.0, p[3]);
        assertTrue(Arrays.stream(p).allMatch(Double::isFinite), Arrays.toString(p));
    }

    @Test
    void zeroWeightIndicesAreNeverDrawn() {
        double[] weights = {0, 5, 0, 0, 1, 0};
        for (boolean replacement : new boolean[] {true, false}) {
            Sampler s = WeightedRandomSampler.builder(weights).numSamples(2).replacement(replacement).seed(3).build();
            for (long e = 0; e < 500; e++) {
                for (long i : epoch(s, e)) {
                    assertTrue(i == 1 || i == 4, "drew zero-weight index " + i + " (replacement=" + replacement + ")");
                }
            }
        }
    }

    @Test
    void withoutReplacementGivesDistinctIndices() {
        double[] weights = new double[200];
        Arrays.setAll(weights, i -> 1 + i % 7);
        Sampler s = WeightedRandomSampler.builder(weights).numSamples(150).replacement(false).seed(9).build();
        for (long e = 0; e < 5; e++) {
            assertEquals(150, Arrays.stream(epoch(s, e)).distinct().count(), "epoch " + e);
        }
        long[] all = epoch(WeightedRandomSampler.builder(weights).numSamples(200).replacement(false).seed(9)
                .build(), 0);
        Arrays.sort(all);
        long[] range = new long[200];
        Arrays.setAll(range, i -> i);
        assertArrayEquals(range, all, "numSamples = n draws every index once");
    }

    @Test
    void withoutReplacementDrawsSuccessivelyInProportionToWeight() {
        // P(first = i, second = j) = w_i / W * w_j / (W - w_i), as successive draws without replacement.
        double[] w = {1, 2, 3, 4};
        double total = 10;
        Sampler s = WeightedRandomSampler.builder(w).numSamples(2).replacement(false).seed(21).build();
        int epochs = 12_000;
        long[] counts = new long[16];
        for (long e = 0; e < epochs; e++) {
            PrimitiveIterator.OfLong it = s.indices(e);
            counts[(int) it.nextLong() * 4 + (int) it.nextLong()]++;
        }
        long[] observed = new long[12];
        double[] expected = new double[12];
        int cell = 0;
        for (int i = 0; i < 4; i++) {
            assertEquals(0, counts[i * 4 + i], "index " + i + " drawn twice");
            for (int j = 0; j < 4; j++) {
                if (i != j) {
                    observed[cell] = counts[i * 4 + j];
                    expected[cell++] = epochs * w[i] / total * w[j] / (total - w[i]);
                }
            }
        }
        double x2 = chiSquare(observed, expected);
        assertTrue(x2 < critical001(11), "chi-square " + x2 + ": " + Arrays.toString(counts));
    }

    @Test
    void withoutReplacementCopesWithExtremeWeights() {
        double[] w = {Double.MIN_VALUE, Double.MAX_VALUE, 1};
        long[] got = epoch(WeightedRandomSampler.builder(w).numSamples(3).replacement(false).seed(0).build(), 0);
        assertEquals(1, got[0], "the overwhelmingly heavy index comes first");
        Arrays.sort(got);
        assertArrayEquals(new long[] {0, 1, 2}, got);
    }

    @Test
    void epochsDifferButRepeatForSameSeedAndEpoch() {
        double[] w = {1, 1, 1, 1, 1, 1, 1, 1};
        for (boolean replacement : new boolean[] {true, false}) {
            Sampler s = WeightedRandomSampler.builder(w).numSamples(8).replacement(replacement).seed(4).build();
            assertFalse(Arrays.equals(epoch(s, 0), epoch(s, 1)), "replacement=" + replacement);
            assertArrayEquals(epoch(s, 3), epoch(WeightedRandomSampler.builder(w).numSamples(8)
                    .replacement(replacement).seed(4).build(), 3));
        }
    }

    @Test
    void twentyMillionWeightsWorkBeyondPyTorchsLimitOfTwoToTheTwentyFour() {
        double[] weights = new double[20_000_000];
        int a = (1 << 24) + 1;
        int b = weights.length - 1;
        weights[a] = 1;
        weights[b] = 3;
        WeightedRandomSampler s = WeightedRandomSampler.builder(weights).numSamples(4000).seed(0).build();
        weights = null;  // the sampler keeps its own table only
        long[] counts = new long[2];
        for (long i : epoch(s, 0)) {
            assertTrue(i == a || i == b, "drew " + i);
            counts[i == a ? 0 : 1]++;
        }
        double x2 = chiSquare(counts, new double[] {1000, 3000});
        assertTrue(x2 < critical001(1), "chi-square " + x2 + ": " + Arrays.toString(counts));
        assertEquals(20_000_000, s.numWeights());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void nanWeightIsRefusedNamingItsPosition(boolean replacement) {
        var e = refused(new double[] {1, 2, Double.NaN, -1}, 1, replacement);
        assertEquals("weights must be finite and non-negative, but got weights[2]=NaN", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void negativeWeightIsRefusedNamingItsPosition(boolean replacement) {
        var e = refused(new double[] {1, -0.5, 2}, 1, replacement);
        assertEquals("weights must be finite and non-negative, but got weights[1]=-0.5", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void infiniteWeightIsRefusedNamingItsPosition(boolean replacement) {
        var e = refused(new double[] {1, 2, 3, Double.POSITIVE_INFINITY}, 1, replacement);
        assertEquals("weights must be finite and non-negative, but got weights[3]=Infinity", e.getMessage());
        e = refused(new double[] {Double.NEGATIVE_INFINITY}, 1, replacement);
        assertEquals("weights must be finite and non-negative, but got weights[0]=-Infinity", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void allZeroWeightsAreRefusedNamingTheRange(boolean replacement) {
        var e = refused(new double[] {0, 0, -0.0, 0, 0}, 1, replacement);
        assertEquals("weights must not all be zero, but weights[0..4] are all 0", e.getMessage());
    }

    @Test
    void emptyOrNullWeightsAreRefused() {
        var e = refused(new double[0], 1, true);
        assertEquals("weights must not be empty, but got weights.length=0", e.getMessage());
        var npe = assertThrows(NullPointerException.class, () -> WeightedRandomSampler.builder(null).numSamples(1)
                .seed(0).build());
        assertEquals("weights", npe.getMessage());
    }

    @Test
    void nonPositiveNumSamplesIsRefusedWithTheValue() {
        var e = refused(new double[] {1}, 0, true);
        assertEquals("numSamples should be a positive integer value, but got numSamples=0", e.getMessage());
        e = refused(new double[] {1}, -3, false);
        assertEquals("numSamples should be a positive integer value, but got numSamples=-3", e.getMessage());
    }

    @Test
    void withoutReplacementNumSamplesBeyondPositiveWeightsIsRefused() {
        var e = refused(new double[] {1, 0, 2, 0, 3}, 4, false);
        assertEquals("without replacement numSamples can be at most the number of positive weights, 3,"
                + " but got numSamples=4", e.getMessage());
        assertEquals(4, WeightedRandomSampler.builder(new double[] {1, 0, 2, 0, 3}).numSamples(4).seed(0).build()
                .size(),
                "with replacement any numSamples works");
    }

    @Test
    void defaultsToReplacementAndReportsItsSettings() {
        WeightedRandomSampler s = WeightedRandomSampler.builder(new double[] {1, 2}).numSamples(5).seed(8).build();
        assertTrue(s.replacement());
        assertEquals(8, s.seed());
        assertEquals(5, s.size());
        assertEquals("WeightedRandomSampler(numWeights=2, numSamples=5, replacement=true, seed=8)", s.toString());
    }
}
