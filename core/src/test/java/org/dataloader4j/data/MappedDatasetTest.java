package org.dataloader4j.data;

import static org.dataloader4j.data.SampleAssertions.range;
import static org.dataloader4j.data.SampleAssertions.samples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dataloader4j.testing.IndexDataset;
import org.junit.jupiter.api.Test;

class MappedDatasetTest {

    /** A sample together with the first number each map stage drew for it, innermost stage first. */
    record Drawn(long value, List<Long> draws) {
        Drawn then(long draw) {
            var more = new java.util.ArrayList<>(draws);
            more.add(draw);
            return new Drawn(value, List.copyOf(more));
        }
    }

    private static final SampleTransform<Long, Drawn> FIRST = (x, rng) -> new Drawn(x, List.of(rng.nextLong()));
    private static final SampleTransform<Drawn, Drawn> NEXT = (d, rng) -> d.then(rng.nextLong());

    private static <T> T read(Dataset<T> dataset, long seed, long epoch, long position, long index) {
        return SampleContext.callWith(new SampleContext(seed, epoch, position, index, WorkerInfo.single(seed, epoch)),
                () -> dataset.get(index));
    }

    @Test
    void mapTransformsEverySampleLazilyAndKeepsSizeAndSource() {
        Dataset<String> files = IndexDataset.of(3, i -> "f" + i).withSources("/f%d");
        Dataset<Integer> lengths = files.map(SampleTransform.of(String::length));
        assertEquals(3, lengths.size());
        assertEquals(List.of(2, 2, 2), samples(lengths));
        assertEquals(Optional.of("/f1"), lengths.source(1));
    }

    @Test
    void drawsAreIdenticalDirectlyAndInsideCallWithForTheSameContext() {
        Dataset<Drawn> mapped = range(8).map(FIRST);
        for (long i = 0; i < 8; i++) {
            // outside a loader the context is (seed 0, epoch 0, position = index)
            assertEquals(mapped.get(i), read(mapped, 0, 0, i, i), "sample " + i);
            assertEquals(read(mapped, 42, 3, 17, i), read(mapped, 42, 3, 17, i), "sample " + i);
        }
    }

    @Test
    void drawsDoNotDependOnTheWorker() {
        Dataset<Drawn> mapped = range(4).map(FIRST);
        Drawn alone = SampleContext.callWith(new SampleContext(42, 3, 9, 2, WorkerInfo.single(42, 3)),
                () -> mapped.get(2));
        Drawn third = SampleContext.callWith(new SampleContext(42, 3, 9, 2, new WorkerInfo(2, 4, 99, 3)),
                () -> mapped.get(2));
        assertEquals(alone, third);
    }

    @Test
    void drawsDifferAcrossEpochsSeedsAndPositions() {
        Dataset<Drawn> mapped = range(4).map(FIRST);
        Drawn base = read(mapped, 42, 3, 1, 1);
        assertNotEquals(base, read(mapped, 42, 4, 1, 1), "another epoch");
        assertNotEquals(base, read(mapped, 43, 3, 1, 1), "another seed");
        assertNotEquals(base, read(mapped, 42, 3, 2, 1), "the same index at another position of the order");
        assertNotEquals(read(mapped, 42, 3, 1, 1), read(mapped, 42, 3, 1, 2), "another index");
    }

    @Test
    void twoStackedMapStagesGetDifferentRandomNumbers() {
        Dataset<Drawn> twice = range(5).map(FIRST).map(NEXT);
        for (long i = 0; i < 5; i++) {
            List<Long> draws = read(twice, 42, 0, i, i).draws();
            assertNotEquals(draws.get(0), draws.get(1), "sample " + i);
            List<Long> direct = twice.get(i).draws();
            assertNotEquals(direct.get(0), direct.get(1), "sample " + i + " outside a loader");
        }
    }

    @Test
    void mapStagesSeparatedByASubsetGetDifferentRandomNumbers() {
        Dataset<Drawn> inner = range(6).map(FIRST);
        // an identity subset: inner and outer stages see the same index even outside a loader
        Dataset<Drawn> identity = new Subset<>(inner, new long[] {0, 1, 2, 3, 4, 5}).map(NEXT);
        Dataset<Drawn> shuffled = new Subset<>(inner, new long[] {5, 3, 1}).map(NEXT);
        for (long i = 0; i < 3; i++) {
            List<Long> a = identity.get(i).draws();
            assertNotEquals(a.get(0), a.get(1), "identity subset, sample " + i);
            List<Long> b = read(shuffled, 7, 1, i, i).draws();   // one bound context for both stages
            assertNotEquals(b.get(0), b.get(1), "shuffled subset, sample " + i);
        }
    }

    @Test
    void mapStagesSeparatedByConcatOrStackGetDifferentRandomNumbers() {
        Dataset<Drawn> inner = range(3).map(FIRST);
        Dataset<Drawn> concat = ConcatDataset.of(range(2).map(FIRST), inner).map(NEXT);
        List<Long> c = read(concat, 1, 0, 4, 4).draws();
        assertNotEquals(c.get(0), c.get(1));

        Dataset<Long> stackedThenMapped = StackDataset.of(inner, range(3))
                .map((pair, rng) -> ((Drawn) pair.get(0)).draws().getFirst() ^ rng.nextLong());
        assertNotEquals(0L, read(stackedThenMapped, 1, 0, 2, 2), "the outer stage must not repeat the inner draw");
    }

    @Test
    void stackedDatasetsWithRandomMapsDrawIndependentNumbers() {
        Dataset<List<Object>> pair = StackDataset.of(range(4).map(FIRST), range(4).map(FIRST));
        for (long i = 0; i < 4; i++) {
            List<Object> inLoader = read(pair, 5, 2, i, i);
            assertNotEquals(((Drawn) inLoader.get(0)).draws(), ((Drawn) inLoader.get(1)).draws(), "sample " + i);
            List<Object> standalone = pair.get(i);
            assertNotEquals(((Drawn) standalone.get(0)).draws(), ((Drawn) standalone.get(1)).draws());
            assertEquals(standalone, pair.get(i), "repeatable");
        }
        Dataset<Map<String, Object>> named = StackDataset.of(Map.of("a", range(2).map(FIRST)));
        assertEquals(named.get(1), named.get(1));
    }

    @Test
    void wrappersReportTheDeepestMapBelowThem() {
        Dataset<Long> plain = range(2);
        Dataset<Drawn> one = plain.map(FIRST);
        Dataset<Drawn> two = one.map(NEXT);
        assertEquals(0, TransformDepth.of(plain));
        assertEquals(1, TransformDepth.of(one));
        assertEquals(2, TransformDepth.of(two));
        assertEquals(1, TransformDepth.of(new Subset<>(one, new long[] {1})));
        assertEquals(2, TransformDepth.of(ConcatDataset.of(one, two, plain)));
        assertEquals(2, TransformDepth.of(StackDataset.of(plain, two, one)));
        assertEquals(2, TransformDepth.of(StackDataset.of(Map.of("a", two))));
        assertEquals(3, TransformDepth.of(new Subset<>(ConcatDataset.of(one, two), new long[] {0}).map(SampleTransform.of(d -> d))));
        assertEquals(0, TransformDepth.of(Datasets.randomSplit(plain, new long[] {2}, 0).getFirst()));
    }
}
