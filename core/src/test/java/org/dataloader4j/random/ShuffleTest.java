package org.dataloader4j.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShuffleTest {

    @Test
    void permutationContainsEveryIndexOnce() {
        int[] p = Shuffle.permutation(1000, CounterRandom.fromKey(1));
        assertArrayEquals(Shuffle.identity(1000), Arrays.stream(p).sorted().toArray());
    }

    @Test
    void everyPermutationOfFourIsEquallyLikely() {
        Map<String, Integer> counts = new HashMap<>();
        for (int draw = 0; draw < 24_000; draw++) {
            counts.merge(Arrays.toString(Shuffle.permutation(4, CounterRandom.of(99, draw, 0, 0))), 1, Integer::sum);
        }
        assertEquals(24, counts.size());
        double chi = counts.values().stream().mapToDouble(c -> (c - 1000.0) * (c - 1000.0) / 1000.0).sum();
        assertTrue(chi < 49.728, "chi-square " + chi + " exceeds the p=0.001 critical value for 23 degrees of freedom");
    }

    @Test
    void stepwiseShuffleEqualsWholeShuffle() {
        int[] whole = Shuffle.identity(50);
        Shuffle.shuffle(whole, CounterRandom.fromKey(5));
        int[] lazy = Shuffle.identity(50);
        CounterRandom rng = CounterRandom.fromKey(5);
        int[] produced = new int[50];
        for (int i = 0; i < 50; i++) {
            produced[i] = Shuffle.step(lazy, i, rng);
        }
        assertArrayEquals(whole, produced);
    }

    @Test
    void negativeSizeIsRefusedNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> Shuffle.identity(-2));
        assertTrue(e.getMessage().contains("n=-2"), e.getMessage());
    }
}
