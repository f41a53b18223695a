package org.dataloader4j.data;

import static org.dataloader4j.data.SampleAssertions.range;
import static org.dataloader4j.data.SampleAssertions.samples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetsTest {

    private static long[] sizes(List<? extends Dataset<?>> parts) {
        return parts.stream().mapToLong(Dataset::size).toArray();
    }

    private static List<Long> concatenatedIndices(List<Subset<Long>> parts) {
        List<Long> all = new ArrayList<>();
        for (Subset<Long> part : parts) {
            all.addAll(samples(part));
        }
        return all;
    }

    // ------------------------------------------------------------------ of(List)

    @Test
    void ofListServesTheElementsInOrderAndCopiesTheList() {
        List<String> words = new ArrayList<>(List.of("to", "be", "or"));
        Dataset<String> dataset = Datasets.of(words);
        words.set(0, "not");
        words.add("extra");
        assertEquals(3, dataset.size());
        assertEquals(List.of("to", "be", "or"), samples(dataset));
    }

    @Test
    void ofListRefusesANullElementNamingItsPosition() {
        var e = assertThrows(NullPointerException.class, () -> Datasets.of(Arrays.asList("a", null)));
        assertTrue(e.getMessage().startsWith("samples[1] is null"), e.getMessage());
    }

    @Test
    void checkIndexReturnsTheIndexOrNamesIndexAndSize() {
        assertEquals(4, Datasets.checkIndex(4, 5));
        assertEquals("index 5 is out of range for a dataset of size 5",
                assertThrows(IndexOutOfBoundsException.class, () -> Datasets.checkIndex(5, 5)).getMessage());
    }

    // ------------------------------------------------------------------ randomSplit: lengths

    @Test
    void randomSplitIsAPartition() {
        List<Subset<Long>> parts = Datasets.randomSplit(range(100), new long[] {50, 0, 30, 20}, 7);
        assertArrayEquals(new long[] {50, 0, 30, 20}, sizes(parts));
        List<Long> all = concatenatedIndices(parts);
        assertEquals(100, all.size());
        assertEquals(100, all.stream().distinct().count(), "the parts must be disjoint");
        all.sort(null);
        assertEquals(samples(range(100)), all, "the union must be the whole dataset");
        assertNotEquals(samples(range(100)), concatenatedIndices(parts), "the split must shuffle");
    }

    @Test
    void randomSplitIsReproducibleForASeedAndDifferentForAnother() {
        long[] lengths = {6, 4};
        List<Long> a = concatenatedIndices(Datasets.randomSplit(range(10), lengths, 42));
        List<Long> b = concatenatedIndices(Datasets.randomSplit(range(10), lengths, 42));
        List<Long> c = concatenatedIndices(Datasets.randomSplit(range(10), lengths, 43));
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void randomSplitCutsOneFisherYatesPermutationFromTheSplitStream() {
        long seed = 1234;
        int n = 20;
        // An independent statement of the documented algorithm (forward Fisher–Yates):
        // for i = 0 .. n-2 draw j uniformly in [i, n-1] and swap.
        CounterRandom rng = CounterRandom.of(seed, 0, 0, RandomStreams.SPLIT);
        long[] expected = new long[n];
        Arrays.setAll(expected, i -> i);
        for (int i = 0; i < n - 1; i++) {
            int j = i + rng.nextInt(n - i);
            long t = expected[i];
            expected[i] = expected[j];
            expected[j] = t;
        }
        List<Subset<Long>> parts = Datasets.randomSplit(range(n), new long[] {5, 15}, seed);
        assertArrayEquals(Arrays.copyOfRange(expected, 0, 5), parts.get(0).indices());
        assertArrayEquals(Arrays.copyOfRange(expected, 5, n), parts.get(1).indices());
    }

    @Test
    void randomSplitShuffleIsUniformOverPermutations() {
        // 6000 seeds, 6 permutations of 3 elements: each should appear about 1000 times
        // (standard deviation about 29; the seeds are fixed, so this is deterministic).
        Map<List<Long>, Integer> counts = new HashMap<>();
        for (long seed = 0; seed < 6000; seed++) {
            counts.merge(samples(Datasets.randomSplit(range(3), new long[] {3}, seed).getFirst()), 1, Integer::sum);
        }
        assertEquals(6, counts.size());
        counts.forEach((perm, count) -> assertTrue(count > 850 && count < 1150, perm + " appeared " + count + " times"));
    }

    @Test
    void randomSplitOfAnEmptyDatasetGivesEmptyParts() {
        assertArrayEquals(new long[] {0, 0}, sizes(Datasets.randomSplit(range(0), new long[] {0, 0}, 1)));
        assertArrayEquals(new long[] {0, 0}, sizes(Datasets.randomSplit(range(0), new double[] {0.5, 0.5}, 1)));
    }

    @Test
    void randomSplitRefusesLengthsThatDoNotSumToTheSize() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(range(10), new long[] {3, 6}, 0));
        assertTrue(e.getMessage().contains("sum to 9"), e.getMessage());
        assertTrue(e.getMessage().contains("size 10"), e.getMessage());
    }

    @Test
    void randomSplitRefusesANegativeLengthNamingItsPosition() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(range(10), new long[] {12, -2}, 0));
        assertEquals("lengths[1] is -2, but every length must be non-negative", e.getMessage());
    }

    @Test
    void randomSplitRefusesLengthsWhoseSumOverflows() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(range(10), new long[] {Long.MAX_VALUE, Long.MAX_VALUE}, 0));
        assertTrue(e.getMessage().contains("more than " + Long.MAX_VALUE), e.getMessage());
    }

    // ------------------------------------------------------------------ randomSplit: fractions

    static Stream<Arguments> pyTorchRoundings() {
        return Stream.of(
                Arguments.of(10, new double[] {0.3, 0.3, 0.4}, new long[] {3, 3, 4}),
                Arguments.of(11, new double[] {0.5, 0.5}, new long[] {6, 5}),
                Arguments.of(10, new double[] {0.33, 0.33, 0.34}, new long[] {4, 3, 3}),
                Arguments.of(7, new double[] {0.25, 0.25, 0.25, 0.25}, new long[] {2, 2, 2, 1}),
                Arguments.of(3, new double[] {0.1, 0.9}, new long[] {1, 2}),
                Arguments.of(5, new double[] {1.0}, new long[] {5}),
                Arguments.of(5, new double[] {0.0, 1.0}, new long[] {0, 5}),
                Arguments.of(100, new double[] {0.7, 0.2, 0.1}, new long[] {70, 20, 10}));
    }

    @ParameterizedTest(name = "size {0}, fractions {1} -> lengths {2}")
    @MethodSource("pyTorchRoundings")
    void randomSplitFractionsRoundLikePyTorch(int size, double[] fractions, long[] lengths) {
        assertArrayEquals(lengths, Datasets.lengthsOf(fractions, size));
        List<Subset<Long>> parts = Datasets.randomSplit(range(size), fractions, 3);
        assertArrayEquals(lengths, sizes(parts));
        // fractions only choose the lengths; the split itself is the lengths' split
        assertEquals(concatenatedIndices(Datasets.randomSplit(range(size), lengths, 3)), concatenatedIndices(parts));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void randomSplitRefusesAFractionOutsideZeroToOneNamingIt(double bad) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(range(10), new double[] {0.5, bad}, 0));
        assertEquals("fractions[1] is " + bad + ", but every fraction must be in [0, 1]", e.getMessage());
    }

    @Test
    void randomSplitRefusesFractionsThatDoNotSumToOne() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.randomSplit(range(10), new double[] {0.5, 0.6}, 0));
        assertTrue(e.getMessage().contains("sum to 1.1"), e.getMessage());
        assertTrue(e.getMessage().contains("must sum to 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(range(10), new double[0], 0));
    }

    @Test
    void randomSplitAcceptsFractionsWithinTheTolerance() {
        assertArrayEquals(new long[] {5, 5}, Datasets.lengthsOf(new double[] {0.5, 0.5 + 5e-10}, 10));
        assertThrows(IllegalArgumentException.class, () -> Datasets.lengthsOf(new double[] {0.5, 0.5 + 5e-9}, 10));
    }
}
