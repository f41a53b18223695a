package org.dataloader4j.sampler;

import static org.dataloader4j.sampler.SamplerTesting.drain;
import static org.dataloader4j.sampler.SamplerTesting.epoch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.dataloader4j.data.Partition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every {@link Sampler} must do, run against each implementation in several configurations. */
class SamplerContractTest {

    /** A sampler under test, built fresh for each test, and the bound its indices must stay below. */
    record Case(String name, Supplier<Sampler> factory, long bound) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> samplers() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("Sequential(0)", () -> new SequentialSampler(0), 0));
        cases.add(new Case("Sequential(7)", () -> new SequentialSampler(7), 7));
        cases.add(new Case("Random(1)", () -> RandomSampler.builder(1).seed(3).build(), 1));
        cases.add(new Case("Random(7)", () -> RandomSampler.builder(7).seed(3).build(), 7));
        cases.add(new Case("Random(7, numSamples 3)", () -> RandomSampler.builder(7).numSamples(3).seed(3).build(), 7));
        cases.add(new Case("Random(7, numSamples 17)", () -> RandomSampler.builder(7).numSamples(17).seed(3)
                .build(), 7));
        cases.add(new Case("Random(7, replacement, numSamples 20)", () -> RandomSampler.builder(7).replacement(true)
                .numSamples(20).seed(3).build(), 7));
        cases.add(new Case("Random(7, keyed)", () -> RandomSampler.builder(7).numSamples(7).seed(3).keyedFrom(0)
                .build(), 7));
        cases.add(new Case("Random(7, keyed, numSamples 17)", () -> RandomSampler.builder(7).numSamples(17).seed(3)
                .keyedFrom(0).build(), 7));
        cases.add(new Case("Random(1, keyed)", () -> RandomSampler.builder(1).numSamples(1).seed(3).keyedFrom(0)
                .build(), 1));
        cases.add(new Case("SubsetRandom(empty)", () -> SubsetRandomSampler.builder(new long[0]).seed(3).build(), 0));
        cases.add(new Case("SubsetRandom(5 of 100)",
                () -> SubsetRandomSampler.builder(new long[] {99, 3, 50, 3, 0}).seed(3).build(), 100));
        cases.add(new Case("WeightedRandom(replacement)",
                () -> WeightedRandomSampler.builder(new double[] {1, 0, 2, 5, 0.5}).numSamples(30).seed(3).build(), 5));
        cases.add(new Case("WeightedRandom(no replacement)",
                () -> WeightedRandomSampler.builder(new double[] {1, 0, 2, 5, 0.5}).numSamples(4).replacement(false)
                        .seed(3).build(), 5));
        for (boolean shuffle : new boolean[] {false, true}) {
            for (int rank = 0; rank < 3; rank++) {
                int r = rank;
                cases.add(new Case("Distributed(10, rank " + r + "/3, shuffle " + shuffle + ")",
                        () -> DistributedSampler.builder(10).partition(new Partition(r, 3)).shuffle(shuffle)
                                .build(), 10));
                cases.add(new Case("Distributed(10, rank " + r + "/3, shuffle " + shuffle + ", dropLast)",
                        () -> DistributedSampler.builder(10).partition(new Partition(r, 3)).shuffle(shuffle)
                                .dropLast(true)
                                .build(), 10));
                cases.add(new Case("Distributed(10, rank " + r + "/3, shuffle " + shuffle + ", no padding)",
                        () -> DistributedSampler.builder(10).partition(new Partition(r, 3)).shuffle(shuffle)
                                .padding(false)
                                .build(), 10));
            }
        }
        for (int rank = 0; rank < 3; rank++) {
            int r = rank;
            cases.add(new Case("Distributed(10, rank " + r + "/3, keyed)",
                    () -> DistributedSampler.builder(10).partition(new Partition(r, 3)).keyedFrom(0).build(), 10));
            cases.add(new Case("Distributed(10, rank " + r + "/3, keyed, no padding)",
                    () -> DistributedSampler.builder(10).partition(new Partition(r, 3)).keyedFrom(0).padding(false)
                            .build(), 10));
        }
        cases.add(new Case("Distributed(2, rank 4/5)",
                () -> DistributedSampler.builder(2).partition(new Partition(4, 5)).build(), 2));
        for (boolean pad : new boolean[] {false, true}) {
            cases.add(new Case("Partitioned(WeightedRandom, rank 2/3, pad " + pad + ")",
                    () -> PartitionedSampler.builder(WeightedRandomSampler.builder(new double[] {1, 0, 2, 5, 0.5})
                            .numSamples(31).seed(3).build()).partition(new Partition(2, 3)).padding(pad).build(), 5));
        }
        cases.add(new Case("Distributed(0, rank 1/2)",
                () -> DistributedSampler.builder(0).partition(new Partition(1, 2)).build(), 0));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void sizeEqualsTheNumberOfIndicesYieldedInEveryEpoch(Case c) {
        Sampler s = c.factory().get();
        for (long e = 0; e < 5; e++) {
            assertEquals(s.size(), epoch(s, e).length, "epoch " + e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void indicesStayWithinTheDataset(Case c) {
        Sampler s = c.factory().get();
        for (long e = 0; e < 5; e++) {
            for (long i : epoch(s, e)) {
                assertTrue(i >= 0 && i < c.bound(), "index " + i + " out of [0, " + c.bound() + ") in epoch " + e);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void sameEpochGivesTheSameOrderEvenFromAnotherInstance(Case c) {
        Sampler s = c.factory().get();
        for (long e : new long[] {0, 1, 2, 1_000_000_007L}) {
            long[] first = epoch(s, e);
            assertArrayEquals(first, epoch(s, e), "epoch " + e + " twice");
            assertArrayEquals(first, epoch(c.factory().get(), e), "epoch " + e + " of a second instance");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void interleavedIteratorsOfOneEpochDoNotDisturbEachOther(Case c) {
        Sampler s = c.factory().get();
        long[] expected = epoch(s, 4);
        PrimitiveIterator.OfLong a = s.indices(4);
        PrimitiveIterator.OfLong b = s.indices(4);
        for (long expectedIndex : expected) {
            assertEquals(expectedIndex, a.nextLong());
            assertEquals(expectedIndex, b.nextLong());
        }
        assertFalse(a.hasNext());
        assertFalse(b.hasNext());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void indicesFromAPositionAreTheRestOfTheEpoch(Case c) {
        Sampler s = c.factory().get();
        long[] whole = epoch(s, 3);
        for (int from = 0; from <= whole.length; from++) {
            assertArrayEquals(Arrays.copyOfRange(whole, from, whole.length), drain(s.indices(3, from)), "from " + from);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> s.indices(3, whole.length + 1L));
        assertTrue(e.getMessage().contains("from=" + (whole.length + 1)), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.indices(3, -1));
        assertTrue(e.getMessage().contains("from=-1"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void exhaustedIteratorSaysSoAndThrowsNoSuchElement(Case c) {
        PrimitiveIterator.OfLong it = c.factory().get().indices(0);
        drain(it);
        assertFalse(it.hasNext());
        assertFalse(it.hasNext());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, it::nextLong);
        assertTrue(e.getMessage().contains("epoch 0"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void forEachLoopVisitsEpochZero(Case c) {
        Sampler s = c.factory().get();
        List<Long> seen = new ArrayList<>();
        for (long i : s) {
            seen.add(i);
        }
        assertArrayEquals(epoch(s, 0), seen.stream().mapToLong(Long::longValue).toArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void toStringNamesTheSamplerAndItsSize(Case c) {
        Sampler s = c.factory().get();
        String text = s.toString();
        assertTrue(text.startsWith(s.getClass().getSimpleName() + "("), text);
        assertTrue(text.contains(String.valueOf(s.size())), text);
    }
}
