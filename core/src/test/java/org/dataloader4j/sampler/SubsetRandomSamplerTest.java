package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.chiSquare;
import static org.dataloader4j.sampler.SamplerTesting.critical001;
import static org.dataloader4j.sampler.SamplerTesting.epoch;
import static org.dataloader4j.sampler.SamplerTesting.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubsetRandomSamplerTest {

    @Test
    void yieldsExactlyTheSubsetInANewOrderEachEpoch() {
        long[] subset = {40, 2, 17, 99, 5, 63, 8, 21};
        long[] expected = subset.clone();
        Arrays.sort(expected);
        Sampler s = SubsetRandomSampler.builder(subset).seed(7).build();
        for (long e = 0; e < 5; e++) {
            long[] got = epoch(s, e);
            Arrays.sort(got);
            assertArrayEquals(expected, got, "epoch " + e);
        }
        assertFalse(Arrays.equals(epoch(s, 0), epoch(s, 1)));
    }

    @Test
    void duplicatesInTheSubsetAreKept() {
        long[] got = epoch(SubsetRandomSampler.builder(new long[] {3, 3, 1}).seed(0).build(), 0);
        Arrays.sort(got);
        assertArrayEquals(new long[] {1, 3, 3}, got);
    }

    @Test
    void laterChangesToTheCallersArrayHaveNoEffect() {
        long[] subset = {1, 2, 3};
        SubsetRandomSampler s = SubsetRandomSampler.builder(subset).seed(0).build();
        long[] before = epoch(s, 0);
        subset[0] = 1000;
        assertArrayEquals(before, epoch(s, 0));
        s.subset()[1] = 2000;
        assertArrayEquals(new long[] {1, 2, 3}, s.subset());
    }

    @Test
    void everyOrderOfThreeIsEquallyLikely() {
        Sampler s = SubsetRandomSampler.builder(new long[] {10, 20, 30}).seed(3).build();
        Map<String, Integer> counts = new HashMap<>();
        int epochs = 6000;
        for (long e = 0; e < epochs; e++) {
            counts.merge(Arrays.toString(epoch(s, e)), 1, Integer::sum);
        }
        assertEquals(6, counts.size(), counts.toString());
        double x2 = chiSquare(counts.values().stream().mapToLong(Integer::longValue).toArray(), uniform(6, epochs));
        assertTrue(x2 < critical001(5), "chi-square " + x2 + ": " + counts);
    }

    @Test
    void negativeIndexIsRefusedNamingItsPosition() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SubsetRandomSampler.builder(new long[] {4, 0, -7}).seed(0).build());
        assertEquals("indices must be non-negative, but got indices[2]=-7", e.getMessage());
    }

    @Test
    void nullIndicesAreRefused() {
        var e = assertThrows(NullPointerException.class, () -> SubsetRandomSampler.builder(null).seed(0).build());
        assertEquals("indices", e.getMessage());
    }

    @Test
    void toStringShowsTheSubsetAbbreviated() {
        assertEquals("SubsetRandomSampler(size=3, indices=[5, 1, 9], seed=4)",
                SubsetRandomSampler.builder(new long[] {5, 1, 9}).seed(4).build().toString());
        long[] many = new long[100];
        Arrays.setAll(many, i -> i);
        String text = SubsetRandomSampler.builder(many).seed(4).build().toString();
        assertTrue(text.contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... (100 in all)]"), text);
    }
}
