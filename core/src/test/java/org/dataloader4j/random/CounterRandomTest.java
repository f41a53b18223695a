package org.dataloader4j.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CounterRandomTest {

    @Test
    void sameKeyGivesSameSequence() {
        CounterRandom a = CounterRandom.of(42, 3, 17, RandomStreams.SHUFFLE);
        CounterRandom b = CounterRandom.of(42, 3, 17, RandomStreams.SHUFFLE);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
    }

    @Test
    void anyCoordinateChangesTheSequence() {
        long base = CounterRandom.of(1, 2, 3, 4).nextLong();
        assertNotEquals(base, CounterRandom.of(0, 2, 3, 4).nextLong());
        assertNotEquals(base, CounterRandom.of(1, 0, 3, 4).nextLong());
        assertNotEquals(base, CounterRandom.of(1, 2, 0, 4).nextLong());
        assertNotEquals(base, CounterRandom.of(1, 2, 3, 0).nextLong());
        assertNotEquals(CounterRandom.key(1, 2), CounterRandom.key(2, 1), "keys are order-sensitive");
        assertNotEquals(CounterRandom.key(1), CounterRandom.key(1, 0), "keys depend on the number of coordinates");
    }

    @Test
    void neighbouringKeysGiveDistinctFirstValues() {
        Set<Long> seen = new HashSet<>();
        for (long index = 0; index < 100_000; index++) {
            seen.add(CounterRandom.of(7, 0, index, RandomStreams.TRANSFORM).nextLong());
        }
        assertEquals(100_000, seen.size());
    }

    @Test
    void boundedDrawsAreUniformChiSquare() {
        CounterRandom rng = CounterRandom.fromKey(12345);
        int bound = 10;
        int draws = 100_000;
        long[] counts = new long[bound];
        for (int i = 0; i < draws; i++) {
            counts[rng.nextInt(bound)]++;
        }
        double expected = (double) draws / bound, chi = 0;
        for (long c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        assertTrue(chi < 27.877, "chi-square " + chi + " exceeds the p=0.001 critical value for 9 degrees of freedom");
    }

    @Test
    void boundedLongCoversLargeBoundsWithoutBias() {
        CounterRandom rng = CounterRandom.fromKey(9);
        long bound = (1L << 62) + 1;
        long high = 0;
        for (int i = 0; i < 10_000; i++) {
            long v = rng.nextLong(bound);
            assertTrue(v >= 0 && v < bound);
            if (v >= bound / 2) {
                high++;
            }
        }
        assertTrue(high > 4_700 && high < 5_300, "upper half drawn " + high + " of 10000 times");
    }

    @Test
    void doublesAndFloatsStayInUnitInterval() {
        CounterRandom rng = CounterRandom.fromKey(3);
        for (int i = 0; i < 10_000; i++) {
            double d = rng.nextDouble();
            float f = rng.nextFloat();
            assertTrue(d >= 0 && d < 1 && f >= 0 && f < 1);
            double r = rng.nextDouble(-2, 5);
            assertTrue(r >= -2 && r < 5);
        }
    }

    @Test
    void invalidBoundsNameTheValue() {
        CounterRandom rng = CounterRandom.fromKey(0);
        var e = assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        var r = assertThrows(IllegalArgumentException.class, () -> rng.nextInt(5, 5));
        assertTrue(r.getMessage().contains("origin=5"), r.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rng.nextLong(-3));
    }

    @Test
    void sequenceIsPinnedAcrossVersions() {
        // Saved experiments replay only if these numbers never change: a change here is a breaking change.
        CounterRandom rng = CounterRandom.of(0, 0, 0, 0);
        assertEquals(0xd5e8d2951dc20b7cL, rng.nextLong());
        assertEquals(0x6b79cfec6c5788b0L, rng.nextLong());
        assertEquals(248, CounterRandom.of(42, 1, 2, 3).nextInt(1000));
    }
}
