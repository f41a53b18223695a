package org.dataloader4j.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KeyedPermutationTest {

    /**
     * Upper critical value of the chi-square distribution with {@code df} degrees of freedom at the standard normal
     * quantile {@code z}, by the Wilson–Hilferty approximation (within 1% for df >= 2 in the upper tail).
     */
    private static double chiSquareCritical(int df, double z) {
        double c = 2.0 / (9.0 * df);
        double cube = 1 - c + z * Math.sqrt(c);
        return df * cube * cube * cube;
    }

    /** Standard normal quantile for an upper tail of 1e-5: each test below is run many times, so the bar is high. */
    private static final double Z_1E5 = 4.265;

    private static long[] first(KeyedPermutation p, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = p.indexAt(i);
        }
        return out;
    }

    @Test
    void everyIndexIsEquallyLikelyAtEveryPositionForSizesThreeToSixteen() {
        // Tolerance: over 50,000 keys, each position's distribution of indices passes a chi-square test against the
        // uniform one at p = 1e-5 (about 140 tests in all), and every cell of the size × size table is within 5
        // standard deviations of its expected count. Too few Feistel rounds fail this by far (4 rounds: chi-square
        // 30 to 150 times its degrees of freedom at sizes 5 to 7).
        int keys = 50_000;
        for (int n = 3; n <= 16; n++) {
            long[][] counts = new long[n][n];
            for (int k = 0; k < keys; k++) {
                KeyedPermutation p = KeyedPermutation.of(n, CounterRandom.key(n, k));
                for (int position = 0; position < n; position++) {
                    counts[position][(int) p.indexAt(position)]++;
                }
            }
            double expected = keys / (double) n;
            double critical = chiSquareCritical(n - 1, Z_1E5);
            for (int position = 0; position < n; position++) {
                double x2 = 0;
                for (int index = 0; index < n; index++) {
                    double d = counts[position][index] - expected;
                    x2 += d * d / expected;
                    assertTrue(Math.abs(d) < 5 * Math.sqrt(expected), "n=" + n + ": index " + index + " at position "
                            + position + " " + counts[position][index] + " times, expected " + expected);
                }
                assertTrue(x2 < critical, "n=" + n + ", position " + position + ": chi-square " + x2 + " >= "
                        + critical + " over " + (n - 1) + " degrees of freedom: " + Arrays.toString(counts[position]));
            }
        }
    }

    @Test
    void consecutivePositionsAreIndependentForSmallSizes() {
        // The pair (index at 0, index at 1) is uniform over the n(n-1) ordered pairs of distinct indices.
        int keys = 100_000;
        for (int n : new int[] {3, 5, 7, 12}) {
            Map<Long, Long> pairs = new HashMap<>();
            for (int k = 0; k < keys; k++) {
                KeyedPermutation p = KeyedPermutation.of(n, CounterRandom.key(-n, k));
                pairs.merge(p.indexAt(0) * n + p.indexAt(1), 1L, Long::sum);
            }
            int cells = n * (n - 1);
            assertEquals(cells, pairs.size(), "n=" + n + ": every ordered pair of distinct indices occurs");
            double expected = keys / (double) cells;
            double x2 = pairs.values().stream().mapToDouble(c -> (c - expected) * (c - expected) / expected).sum();
            double critical = chiSquareCritical(cells - 1, Z_1E5);
            assertTrue(x2 < critical, "n=" + n + ": chi-square " + x2 + " >= " + critical + ": " + pairs);
        }
    }

    @Test
    void isABijectionForEverySizeUpTo300AndAroundEveryPowerOfTwoUpTo2To20() {
        Set<Long> sizes = new TreeSet<>();
        for (long n = 0; n <= 300; n++) {
            sizes.add(n);
        }
        for (int b = 9; b <= 20; b++) {
            sizes.add((1L << b) - 1);
            sizes.add(1L << b);
            sizes.add((1L << b) + 1);
        }
        sizes.add(1_000_003L);
        for (long n : sizes) {
            KeyedPermutation p = KeyedPermutation.of(n, CounterRandom.key(n, 77));
            BitSet seen = new BitSet((int) n);
            for (long position = 0; position < n; position++) {
                long index = p.indexAt(position);
                assertTrue(index >= 0 && index < n, "n=" + n + ": index " + index + " at position " + position);
                assertFalse(seen.get((int) index), "n=" + n + ": index " + index + " twice, again at " + position);
                seen.set((int) index);
                assertEquals(position, p.positionOf(index), "n=" + n + ": positionOf inverts indexAt");
            }
            assertEquals(n, seen.cardinality(), "n=" + n);
        }
    }

    @Test
    void isABijectionOnSampledPositionsOfHugeSizes() {
        long[] sizes = {1L << 31, 3_000_000_000L, (1L << 40) + 3, (1L << 62) + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (long n : sizes) {
            KeyedPermutation p = KeyedPermutation.of(n, CounterRandom.key(n));
            CounterRandom rng = CounterRandom.of(n, 0, 0, 1);
            Map<Long, Long> indexToPosition = new HashMap<>();
            for (int i = 0; i < 20_000; i++) {
                long position = i < 10 ? n - 1 - i : i < 20 ? i - 10 : rng.nextLong(n);
                long index = p.indexAt(position);
                assertTrue(index >= 0 && index < n, "n=" + n + ": index " + index + " at position " + position);
                Long earlier = indexToPosition.put(index, position);
                assertTrue(earlier == null || earlier == position, "n=" + n + ": index " + index + " at positions "
                        + earlier + " and " + position);
                assertEquals(position, p.positionOf(index), "n=" + n + ": positionOf inverts indexAt");
                long someIndex = rng.nextLong(n);
                assertEquals(someIndex, p.indexAt(p.positionOf(someIndex)), "n=" + n + ": indexAt inverts positionOf");
            }
        }
    }

    @Test
    void largeSizesSpreadEvenlyAndConsecutiveIndicesAreUncorrelated() {
        for (long n : new long[] {(1L << 24) + 5, 5_000_000_000L, (1L << 62) + 12345}) {
            KeyedPermutation p = KeyedPermutation.of(n, CounterRandom.key(n, 3));
            int m = 1_000_000;
            int buckets = 100;
            long[] spread = new long[buckets];
            long[] gaps = new long[buckets];
            double sumX = 0;
            double sumXX = 0;
            double sumXY = 0;
            double previous = p.indexAt(0) / (double) n;
            for (int position = 1; position <= m; position++) {
                long index = p.indexAt(position);
                double x = index / (double) n;
                spread[Math.min(buckets - 1, (int) (x * buckets))]++;
                double gap = x - previous;                       // in (-1, 1): where the next index lands
                gaps[Math.min(buckets - 1, (int) ((gap < 0 ? gap + 1 : gap) * buckets))]++;
                sumX += previous;
                sumXX += previous * previous;
                sumXY += previous * x;
                previous = x;
            }
            double mean = sumX / m;
            double lag1 = (sumXY / m - mean * mean) / (sumXX / m - mean * mean);
            assertTrue(Math.abs(lag1) < 5 / Math.sqrt(m), "n=" + n + ": lag-1 correlation " + lag1);
            double critical = chiSquareCritical(buckets - 1, Z_1E5);
            double expected = m / (double) buckets;
            double x2Spread = Arrays.stream(spread).mapToDouble(c -> (c - expected) * (c - expected) / expected).sum();
            double x2Gaps = Arrays.stream(gaps).mapToDouble(c -> (c - expected) * (c - expected) / expected).sum();
            assertTrue(x2Spread < critical, "n=" + n + ": the first million indices cluster, chi-square " + x2Spread
                    + ": " + Arrays.toString(spread));
            assertTrue(x2Gaps < critical, "n=" + n + ": steps between consecutive indices are uneven, chi-square "
                    + x2Gaps + ": " + Arrays.toString(gaps));
        }
    }

    @Test
    void theKeyFixesThePermutationBitForBit() {
        // Pinned: a change of algorithm, round count or key schedule changes every order, and with it what a
        // saved LoaderState resumes; it must be a deliberate, visible decision.
        assertArrayEquals(new long[] {7, 3, 2, 9, 0, 6, 4, 8, 1, 5}, first(KeyedPermutation.of(10, 42), 10));
        assertArrayEquals(new long[] {7975009025764092210L, 2946952093031396259L, 4403438054203132795L,
            1955953000542212519L}, first(KeyedPermutation.of(Long.MAX_VALUE, 42), 4));
        assertArrayEquals(first(KeyedPermutation.of(1_000_000, 5), 100), first(KeyedPermutation.of(1_000_000, 5), 100));
        assertFalse(Arrays.equals(first(KeyedPermutation.of(1_000_000, 5), 100),
                first(KeyedPermutation.of(1_000_000, 6), 100)), "another key, another order");
        assertNotEquals(KeyedPermutation.of(1_000_000, 5).indexAt(0), KeyedPermutation.of(1_000_001, 5).indexAt(0),
                "the size is part of the permutation");
    }

    @Test
    void fillGivesWhatIndexAtGivesInBulk() {
        for (long n : new long[] {1, 3, 1000, (1L << 32) + 1, 5_000_000_000L, Long.MAX_VALUE}) {
            KeyedPermutation p = KeyedPermutation.of(n, 11);
            for (long from : new long[] {0, n / 3, n - Math.min(n, 700)}) {
                int count = (int) Math.min(700, n - from);
                long[] out = new long[count + 5];
                Arrays.fill(out, -7);
                p.fill(from, out, count);
                for (int i = 0; i < count; i++) {
                    assertEquals(p.indexAt(from + i), out[i], "n=" + n + ", position " + (from + i));
                }
                for (int i = count; i < out.length; i++) {
                    assertEquals(-7, out[i], "n=" + n + ": fill wrote past count");
                }
            }
        }
        KeyedPermutation strided = KeyedPermutation.of(Long.MAX_VALUE, 12);
        long[] out = new long[300];
        strided.fill(Long.MAX_VALUE - 1 - 299L * 7, 7, out, 300);
        for (int i = 0; i < 300; i++) {
            assertEquals(strided.indexAt(Long.MAX_VALUE - 1 - (299L - i) * 7), out[i], "every 7th position, " + i);
        }
        KeyedPermutation p = KeyedPermutation.of(10, 1);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> p.fill(5, new long[8], 6));
        assertEquals("position must be in [0, 10), but got position=10 (from=5, step=1, count=6)", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> p.fill(0, new long[3], 4));
        assertEquals("count must be in [0, 3], but got count=4", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> p.fill(1, 3, new long[8], 4));
        assertEquals("position must be in [0, 10), but got position=10 (from=1, step=3, count=4)", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> strided.fill(1, Long.MAX_VALUE, new long[8], 3));
        assertTrue(e.getMessage().contains("step=9223372036854775807"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> p.fill(0, 0, new long[8], 2));
        assertEquals("step must be positive, but got step=0", bad.getMessage());
    }

    @Test
    void smallDomainsGetMoreRounds() {
        assertEquals(2, KeyedPermutation.of(3, 1).domainBits());
        assertEquals(36, KeyedPermutation.of(3, 1).rounds());
        assertEquals(24, KeyedPermutation.of(8, 1).rounds());
        assertEquals(18, KeyedPermutation.of(9, 1).rounds());
        assertEquals(6, KeyedPermutation.of(4097, 1).rounds());
        assertEquals(63, KeyedPermutation.of(Long.MAX_VALUE, 1).domainBits());
        assertEquals(6, KeyedPermutation.of(Long.MAX_VALUE, 1).rounds());
    }

    @Test
    void sizesZeroAndOneAreTrivial() {
        assertEquals(0, KeyedPermutation.of(1, 9).indexAt(0));
        assertEquals(0, KeyedPermutation.of(1, 9).positionOf(0));
        assertThrows(IndexOutOfBoundsException.class, () -> KeyedPermutation.of(0, 9).indexAt(0));
    }

    @Test
    void positionOutsideThePermutationIsRefusedNamingIt() {
        KeyedPermutation p = KeyedPermutation.of(10, 1);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> p.indexAt(10));
        assertEquals("position must be in [0, 10), but got position=10", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> p.indexAt(-1));
        assertEquals("position must be in [0, 10), but got position=-1", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> p.positionOf(12));
        assertEquals("index must be in [0, 10), but got index=12", e.getMessage());
    }

    @Test
    void negativeSizeIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> KeyedPermutation.of(-3, 1));
        assertEquals("a permutation needs size >= 0, but got size=-3", e.getMessage());
    }

    @Test
    void toStringShowsSizeKeyDomainAndRounds() {
        assertEquals("KeyedPermutation(size=1000, key=7, bits=10, rounds=8)", KeyedPermutation.of(1000, 7).toString());
    }

    @Test
    void distinctKeysGiveManyDistinctOrdersOfASmallSize() {
        Set<String> orders = new HashSet<>();
        for (int k = 0; k < 2_000; k++) {
            orders.add(Arrays.toString(first(KeyedPermutation.of(5, k), 5)));
        }
        assertEquals(120, orders.size(), "all 5! orders of five indices occur");
    }
}
