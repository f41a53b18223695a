package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.drain;
import static org.dataloader4j.sampler.SamplerTesting.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.PrimitiveIterator;
import java.util.Set;
import org.dataloader4j.data.Partition;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.KeyedPermutation;
import org.dataloader4j.random.RandomStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistributedSamplerTest {

    private static DistributedSampler.Builder builder(long size, int worldSize, int rank) {
        return DistributedSampler.builder(size).partition(new Partition(rank, worldSize));
    }

    /** Each rank's indices of one epoch, built with {@code configure} applied to every rank's builder. */
    private static long[][] allRanks(long size, int worldSize, long epoch,
            java.util.function.UnaryOperator<DistributedSampler.Builder> configure) {
        long[][] out = new long[worldSize][];
        for (int r = 0; r < worldSize; r++) {
            out[r] = epoch(configure.apply(builder(size, worldSize, r)).build(), epoch);
        }
        return out;
    }

    /** Undoes the strided split: position r + k * worldSize holds rank r's k-th index. */
    private static long[] interleave(long[][] ranks) {
        int w = ranks.length;
        long[] all = new long[ranks[0].length * w];
        for (int r = 0; r < w; r++) {
            for (int k = 0; k < ranks[r].length; k++) {
                all[r + k * w] = ranks[r][k];
            }
        }
        return all;
    }

    private static long[] range(int n) {
        long[] r = new long[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    @Test
    void withoutShuffleMatchesPyTorchsPaddedSplit() {
        long[][] ranks = allRanks(10, 4, 0, b -> b.shuffle(false));
        assertArrayEquals(new long[] {0, 4, 8}, ranks[0]);
        assertArrayEquals(new long[] {1, 5, 9}, ranks[1]);
        assertArrayEquals(new long[] {2, 6, 0}, ranks[2]);
        assertArrayEquals(new long[] {3, 7, 1}, ranks[3]);
        ranks = allRanks(11, 3, 0, b -> b.shuffle(false));
        assertArrayEquals(new long[] {0, 3, 6, 9}, ranks[0]);
        assertArrayEquals(new long[] {1, 4, 7, 10}, ranks[1]);
        assertArrayEquals(new long[] {2, 5, 8, 0}, ranks[2]);
    }

    @Test
    void withDropLastMatchesPyTorchsCutSplit() {
        long[][] ranks = allRanks(10, 4, 0, b -> b.shuffle(false).dropLast(true));
        assertArrayEquals(new long[] {0, 4}, ranks[0]);
        assertArrayEquals(new long[] {1, 5}, ranks[1]);
        assertArrayEquals(new long[] {2, 6}, ranks[2]);
        assertArrayEquals(new long[] {3, 7}, ranks[3]);
        for (long[] r : allRanks(3, 4, 0, b -> b.shuffle(false).dropLast(true))) {
            assertEquals(0, r.length, "fewer indices than ranks: nothing left after the cut");
        }
        long[][] even = allRanks(8, 4, 0, b -> b.shuffle(false).dropLast(true));
        assertArrayEquals(range(8), interleave(even), "an even split drops nothing");
    }

    @Test
    void paddingLongerThanTheDatasetRepeatsItAgainAndAgain() {
        long[][] ranks = allRanks(3, 8, 0, b -> b.shuffle(false));
        assertArrayEquals(new long[] {0, 1, 2, 0, 1, 2, 0, 1}, interleave(ranks));
        ranks = allRanks(2, 5, 0, b -> b);
        long[] padded = interleave(ranks);
        assertEquals(5, padded.length);
        for (int q = 2; q < 5; q++) {
            assertEquals(padded[q % 2], padded[q], "position " + q);
        }
    }

    @ParameterizedTest(name = "size {0}, worldSize {1}, dropLast {2}")
    @CsvSource({"10,4,false", "10,4,true", "11,3,false", "12,3,false", "7,7,false", "5,8,false", "1000,7,true",
            "1000,7,false"})
    void unionOverRanksIsThePaddedShuffledOrder(int size, int worldSize, boolean dropLast) {
        long[][] ranks = allRanks(size, worldSize, 3, b -> b.dropLast(dropLast).seed(5));
        long total = ranks[0].length * (long) worldSize;
        DistributedSampler any = builder(size, worldSize, 0).dropLast(dropLast).build();
        assertEquals(total, any.totalSize());
        for (long[] r : ranks) {
            assertEquals(ranks[0].length, r.length, "every rank gets the same number of indices");
        }
        long[] all = interleave(ranks);
        if (dropLast) {
            assertTrue(total <= size && total > size - worldSize, "cut to a multiple of worldSize: " + total);
            assertEquals(total, Arrays.stream(all).distinct().count(), "the cut order has no repeats");
        } else {
            assertTrue(total >= size && total < size + worldSize, "padded to a multiple of worldSize: " + total);
            long[] head = Arrays.copyOf(all, size);
            Arrays.sort(head);
            assertArrayEquals(range(size), head, "the first datasetSize positions are a permutation");
            for (int q = size; q < all.length; q++) {
                assertEquals(all[q % size], all[q], "padding repeats the beginning at position " + q);
            }
        }
    }

    @ParameterizedTest(name = "size {0}, worldSize {1}, shuffle {2}")
    @CsvSource({"10,4,false", "10,4,true", "2,5,true", "12,3,true", "0,3,true", "101,8,true"})
    void withoutPaddingRanksCoverTheDatasetExactlyOnce(int size, int worldSize, boolean shuffle) {
        long[][] ranks = allRanks(size, worldSize, 1, b -> b.shuffle(shuffle).padding(false));
        long[] all = Arrays.stream(ranks).flatMapToLong(Arrays::stream).sorted().toArray();
        assertArrayEquals(range(size), all, "disjoint and complete");
        int min = Arrays.stream(ranks).mapToInt(r -> r.length).min().orElseThrow();
        int max = Arrays.stream(ranks).mapToInt(r -> r.length).max().orElseThrow();
        assertTrue(max - min <= 1, "sizes differ by at most one: " + min + ".." + max);
        for (int r = 0; r < worldSize; r++) {
            DistributedSampler s = builder(size, worldSize, r).shuffle(shuffle).padding(false).build();
            assertEquals(ranks[r].length, s.size(), "size() of rank " + r);
        }
    }

    @Test
    void withoutPaddingTheRanksTakeTheUnpaddedStrides() {
        long[][] ranks = allRanks(10, 4, 0, b -> b.shuffle(false).padding(false));
        assertArrayEquals(new long[] {0, 4, 8}, ranks[0]);
        assertArrayEquals(new long[] {1, 5, 9}, ranks[1]);
        assertArrayEquals(new long[] {2, 6}, ranks[2]);
        assertArrayEquals(new long[] {3, 7}, ranks[3]);
    }

    @Test
    void paddingOffChangesNothingWithDropLast() {
        long[][] cut = allRanks(10, 4, 2, b -> b.dropLast(true));
        long[][] cutNoPad = allRanks(10, 4, 2, b -> b.dropLast(true).padding(false));
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(cut[r], cutNoPad[r]);
        }
    }

    @Test
    void shuffleChangesWithEpochAndAllRanksAgree() {
        long[] epoch0 = interleave(allRanks(50, 5, 0, b -> b.seed(9)));
        long[] epoch1 = interleave(allRanks(50, 5, 1, b -> b.seed(9)));
        assertFalse(Arrays.equals(epoch0, epoch1));
        long[] sorted = epoch1.clone();
        Arrays.sort(sorted);
        assertArrayEquals(range(50), sorted, "the ranks split one common permutation");
        assertArrayEquals(epoch0, interleave(allRanks(50, 5, 0, b -> b.seed(9))), "same seed and epoch");
        assertFalse(Arrays.equals(epoch0, interleave(allRanks(50, 5, 0, b -> b.seed(10)))), "another seed");
    }

    @Test
    void seedAndEpochAreNotSimplyAdded() {
        // PyTorch seeds with seed + epoch; we key by the pair.
        DistributedSampler seed1 = DistributedSampler.builder(50).seed(1).build();
        DistributedSampler seed0 = DistributedSampler.builder(50).seed(0).build();
        assertFalse(Arrays.equals(epoch(seed1, 0), epoch(seed0, 1)));
    }

    @Test
    void withOneRankShufflesLikeRandomSampler() {
        DistributedSampler s = DistributedSampler.builder(40).seed(6).build();
        for (long e = 0; e < 3; e++) {
            assertArrayEquals(epoch(RandomSampler.builder(40).seed(6).build(), e), epoch(s, e));
        }
    }

    @Test
    void iteratorIsEpochZeroAndTheSamplerHoldsNoEpoch() {
        DistributedSampler s = builder(30, 3, 1).seed(2).build();
        assertArrayEquals(epoch(s, 0), drain(s.iterator()));
        assertArrayEquals(epoch(s, 0), drain(s.iterator()), "no epoch advances behind the caller's back");
        assertFalse(Arrays.equals(epoch(s, 0), epoch(s, 3)));
        assertArrayEquals(epoch(s, 5), epoch(s, 5));
        assertFalse(s.toString().contains("epoch"), s.toString());
    }

    @Test
    void defaultsAreOneRankShuffledSeedZeroPadded() {
        DistributedSampler s = DistributedSampler.builder(10).build();
        assertEquals(Partition.SINGLE, s.partition());
        assertEquals(new Partition(1, 2), builder(10, 2, 1).build().partition());
        assertEquals(10, s.size());
        assertEquals("DistributedSampler(datasetSize=10, worldSize=1, rank=0, shuffle=true, seed=0, dropLast=false,"
                + " padding=true, permutation=fisher-yates, keyedFrom=16777216, size=10)", s.toString());
        assertFalse(Arrays.equals(range(10), epoch(s, 0)), "shuffled by default");
    }

    @Test
    void unshuffledDatasetsBeyondIntRangeNeedNoMemory() {
        DistributedSampler s = builder(5_000_000_001L, 2, 1).shuffle(false).build();
        assertEquals(2_500_000_001L, s.size());
        var it = s.indices(0);
        assertEquals(1, it.nextLong());
        assertEquals(3, it.nextLong());
        assertEquals(5_000_000_001L, s.datasetSize());
    }

    @Test
    void shufflingDatasetsBeyondIntRangeNeedsNoMemoryAndTheRanksShareOnePermutation() {
        long n = Long.MAX_VALUE;
        int worldSize = 8;
        KeyedPermutation order = KeyedPermutation.of(n, CounterRandom.key(4, 2, 0, RandomStreams.SHUFFLE));
        Set<Long> seen = new HashSet<>();
        for (int r = 0; r < worldSize; r++) {
            DistributedSampler s = builder(n, worldSize, r).seed(4).build();
            assertTrue(s.keyed());
            long size = s.size();
            for (long from : new long[] {0, 1_000_000_007L, size - 3}) {
                PrimitiveIterator.OfLong it = s.indices(2, from);
                for (long k = from; k < from + 3; k++) {
                    long q = r + k * worldSize;   // unsigned position in the padded order: from n on, the start again
                    long index = it.nextLong();
                    assertEquals(order.indexAt(Long.remainderUnsigned(q, n)), index, "rank " + r + ", position " + k);
                    if (Long.compareUnsigned(q, n) < 0) {
                        assertTrue(seen.add(index), "index " + index + " given twice, again to rank " + r);
                    }
                }
            }
        }
        assertEquals(8 * 9 - 1, seen.size(), "the one padded position repeats the order's first index");
        var e = assertThrows(ArithmeticException.class, () -> builder(n, worldSize, 0).build().totalSize());
        assertTrue(e.getMessage().contains("9223372036854775808"), e.getMessage());
        assertEquals(n - 7, builder(n, worldSize, 0).dropLast(true).build().totalSize());
    }

    @Test
    void theKeyedPermutationTakesOverAt2To24IndicesWhenShuffling() {
        assertFalse(DistributedSampler.builder((1L << 24) - 1).build().keyed());
        assertTrue(DistributedSampler.builder(1L << 24).build().keyed());
        assertFalse(DistributedSampler.builder(1L << 24).shuffle(false).build().keyed());
        assertEquals(1L << 24, DistributedSampler.builder(5).build().keyedFrom());
    }

    @ParameterizedTest(name = "size {0}, worldSize {1}, keyed {2}")
    @CsvSource({"10,4,false", "10,4,true", "2,5,true", "101,8,false", "101,8,true", "1000,7,true", "1,3,true"})
    void ranksArePairwiseDisjointAndTogetherCompleteWithEitherAlgorithm(int size, int worldSize, boolean keyed) {
        long keyedFrom = keyed ? 0 : 1L << 24;
        long[][] unpadded = allRanks(size, worldSize, 5, b -> b.seed(11).padding(false).keyedFrom(keyedFrom));
        long[] all = Arrays.stream(unpadded).flatMapToLong(Arrays::stream).sorted().toArray();
        assertArrayEquals(range(size), all, "without padding: every index exactly once over the ranks");
        long[][] padded = allRanks(size, worldSize, 5, b -> b.seed(11).keyedFrom(keyedFrom));
        long[] order = interleave(padded);
        long[] head = Arrays.copyOf(order, size);
        Arrays.sort(head);
        assertArrayEquals(range(size), head, "with padding: the first datasetSize positions are a permutation");
        for (int q = size; q < order.length; q++) {
            assertEquals(order[q % size], order[q], "padding repeats the beginning at position " + q);
        }
        long[][] cut = allRanks(size, worldSize, 5, b -> b.seed(11).dropLast(true).keyedFrom(keyedFrom));
        long[] kept = Arrays.stream(cut).flatMapToLong(Arrays::stream).toArray();
        assertEquals(kept.length, Arrays.stream(kept).distinct().count(), "with dropLast: no index twice");
        DistributedSampler one = builder(size, worldSize, 0).seed(11).keyedFrom(keyedFrom).build();
        assertEquals(keyed, one.keyed());
    }

    @Test
    void keyedShuffleChangesWithEpochRepeatsPerEpochAndMatchesRandomSampler() {
        long[] epoch0 = interleave(allRanks(50, 5, 0, b -> b.seed(9).keyedFrom(0)));
        long[] epoch1 = interleave(allRanks(50, 5, 1, b -> b.seed(9).keyedFrom(0)));
        assertFalse(Arrays.equals(epoch0, epoch1), "another epoch");
        assertArrayEquals(epoch0, interleave(allRanks(50, 5, 0, b -> b.seed(9).keyedFrom(0))), "same seed and epoch");
        assertFalse(Arrays.equals(epoch0, interleave(allRanks(50, 5, 0, b -> b.seed(10).keyedFrom(0)))),
                "another seed");
        assertFalse(Arrays.equals(epoch0, interleave(allRanks(50, 5, 0, b -> b.seed(9)))), "not Fisher–Yates");
        DistributedSampler single = DistributedSampler.builder(40).seed(6).keyedFrom(0).build();
        for (long e = 0; e < 3; e++) {
            assertArrayEquals(epoch(RandomSampler.builder(40).numSamples(40).seed(6).keyedFrom(0)
                    .build(), e), epoch(single, e), "epoch " + e);
        }
    }

    @ParameterizedTest(name = "keyed {0}, shuffle {1}")
    @CsvSource({"false,true", "true,true", "false,false"})
    void resumingAtAnyPositionYieldsTheRestOfThisRanksShare(boolean keyed, boolean shuffle) {
        for (int r = 0; r < 3; r++) {
            DistributedSampler s = builder(23, 3, r).seed(1).shuffle(shuffle).keyedFrom(keyed ? 0 : 1L << 24).build();
            long[] whole = epoch(s, 4);
            for (int from = 0; from <= whole.length; from++) {
                assertArrayEquals(Arrays.copyOfRange(whole, from, whole.length), drain(s.indices(4, from)),
                        "rank " + r + " from " + from);
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> builder(23, 3, 0).build().indices(0, 9));
        assertEquals("from should be in [0, 8], but got from=9", e.getMessage());
    }

    @Test
    void fingerprintNamesTheAlgorithmInUseAndTheThresholdWhenShuffling() {
        assertEquals("DistributedSampler(datasetSize=10, worldSize=2, rank=1, shuffle=true, seed=3, dropLast=false,"
                + " padding=true, permutation=keyed-feistel, keyedFrom=0)",
                builder(10, 2, 1).seed(3).keyedFrom(0).build().fingerprint());
        assertEquals("DistributedSampler(datasetSize=16777216, worldSize=2, rank=1, shuffle=true, seed=3,"
                + " dropLast=false, padding=true, permutation=keyed-feistel, keyedFrom=16777216)",
                builder(1L << 24, 2, 1).seed(3).build().fingerprint());
        assertEquals("DistributedSampler(datasetSize=10, worldSize=2, rank=1, shuffle=false, seed=3, dropLast=false,"
                + " padding=true)", builder(10, 2, 1).seed(3).shuffle(false).build().fingerprint());
    }

    @Test
    void rankOutsideTheWorldIsRefusedNamingBoth() {
        var e = assertThrows(IllegalArgumentException.class, () -> builder(10, 2, 3).build());
        assertEquals("rank should be in [0, 1], but got rank=3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder(10, 4, -1).build());
        assertEquals("rank should be in [0, 3], but got rank=-1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder(10, 4, 4).build());
        assertEquals("rank should be in [0, 3], but got rank=4", e.getMessage());
    }

    @Test
    void nonPositiveWorldSizeIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> builder(10, 0, 0).build());
        assertEquals("worldSize should be a positive integer value, but got worldSize=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder(10, -2, 0).build());
        assertEquals("worldSize should be a positive integer value, but got worldSize=-2", e.getMessage());
    }

    @Test
    void negativeDatasetSizeIsRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> DistributedSampler.builder(-1));
        assertEquals("datasetSize should be a non-negative integer value, but got datasetSize=-1", e.getMessage());
    }
}
