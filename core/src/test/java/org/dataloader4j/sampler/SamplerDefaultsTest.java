package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.dataloader4j.data.Partition;
import org.junit.jupiter.api.Test;

/** The short constructors give the builders' defaults, and the builders' options mean one thing each. */
class SamplerDefaultsTest {

    @Test
    void randomSamplerConstructorIsOnePermutationWithSeedZero() {
        RandomSampler s = new RandomSampler(50);
        assertEquals(RandomSampler.builder(50).seed(0).numSamples(50).replacement(false).build().fingerprint(),
                s.fingerprint());
        assertEquals(50, s.size());
        assertEquals(0, s.seed());
        assertFalse(s.replacement());
        assertArrayEquals(epoch(RandomSampler.builder(50).build(), 3), epoch(s, 3));
        assertFalse(Arrays.equals(epoch(s, 3), epoch(RandomSampler.builder(50).seed(1).build(), 3)));
    }

    @Test
    void weightedSamplerConstructorDrawsOnePerWeightWithReplacementAndSeedZero() {
        double[] w = {1, 0, 2, 5};
        WeightedRandomSampler s = new WeightedRandomSampler(w);
        assertEquals(4, s.size());
        assertTrue(s.replacement());
        assertEquals(0, s.seed());
        assertEquals(WeightedRandomSampler.builder(w).numSamples(4).replacement(true).seed(0).build().fingerprint(),
                s.fingerprint());
        assertArrayEquals(epoch(WeightedRandomSampler.builder(w).build(), 2), epoch(s, 2));
    }

    @Test
    void subsetSamplerConstructorUsesSeedZero() {
        long[] subset = {3, 1, 4, 1, 5, 9, 2, 6};
        assertEquals(SubsetRandomSampler.builder(subset).seed(0).build().fingerprint(),
                new SubsetRandomSampler(subset).fingerprint());
        assertArrayEquals(epoch(SubsetRandomSampler.builder(subset).build(), 1),
                epoch(new SubsetRandomSampler(subset), 1));
    }

    @Test
    void buildersRefuseANonPositiveNumSamplesWhenItIsSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> WeightedRandomSampler.builder(new double[] {1})
                .numSamples(0));
        assertEquals("numSamples should be a positive integer value, but got numSamples=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomSampler.builder(3).numSamples(-1));
        assertEquals("numSamples should be a positive integer value, but got numSamples=-1", e.getMessage());
    }

    @Test
    void partitionedSamplerPadsByDefaultLikeDistributedSampler() {
        Sampler five = new SequentialSampler(5);
        Partition last = new Partition(2, 3);
        assertEquals(2, PartitionedSampler.builder(five).partition(last).build().size());
        assertEquals(1, PartitionedSampler.builder(five).partition(last).padding(false).build().size());
        assertEquals(DistributedSampler.builder(5).partition(last).shuffle(false).build().size(),
                PartitionedSampler.builder(five).partition(last).build().size());
        assertEquals(5, PartitionedSampler.builder(five).build().size(), "default: the single rank takes all");
    }
}
