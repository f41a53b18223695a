package org.dataloader4j.data;

import static org.dataloader4j.data.ChainDatasetTest.numbers;
import static org.dataloader4j.data.SampleAssertions.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IterableDatasetMapTest {

    @Test
    void mapTransformsEveryElementOfTheWorkersShare() {
        IterableDataset<String> mapped = numbers(0, 6).map(SampleTransform.of(n -> "n" + n));
        assertEquals(List.of("n1", "n4"), drain(mapped.iterator(new WorkerInfo(1, 3, 0, 0))));
    }

    @Test
    void drawsAreReproducibleForTheSameWorkerAndEpoch() {
        IterableDataset<Long> mapped = numbers(0, 5).map((n, rng) -> rng.nextLong());
        WorkerInfo worker = new WorkerInfo(1, 2, 77, 4);
        assertEquals(drain(mapped.iterator(worker)), drain(mapped.iterator(worker)));
    }

    @Test
    void drawsDifferAcrossEpochsWorkersAndElements() {
        IterableDataset<Long> constant = worker -> List.of(1L, 1L, 1L).iterator();
        IterableDataset<Long> mapped = constant.map((n, rng) -> rng.nextLong());
        List<Long> base = drain(mapped.iterator(new WorkerInfo(0, 2, 5, 0)));
        assertEquals(3, new HashSet<>(base).size(), "each element gets its own numbers");
        assertNotEquals(base, drain(mapped.iterator(new WorkerInfo(0, 2, 5, 1))), "another epoch");
        assertNotEquals(base, drain(mapped.iterator(new WorkerInfo(1, 2, 5, 0))), "another worker id");
        assertNotEquals(base, drain(mapped.iterator(new WorkerInfo(0, 2, 6, 0))), "another worker seed");
    }

    @Test
    void stackedMapStagesGetDifferentRandomNumbers() {
        IterableDataset<long[]> twice = numbers(0, 4)
                .map((n, rng) -> new long[] {rng.nextLong(), 0})
                .map((pair, rng) -> new long[] {pair[0], rng.nextLong()});
        for (long[] pair : drain(twice.iterator(WorkerInfo.single(3, 0)))) {
            assertNotEquals(pair[0], pair[1]);
        }
    }

    @Test
    void aMapOverAChainOfMappedStreamsUsesANewStream() {
        IterableDataset<Long> inner = numbers(0, 3).map((n, rng) -> rng.nextLong());
        ChainDataset<Long> chain = ChainDataset.of(inner, numbers(10, 12));
        assertEquals(1, TransformDepth.of(chain));
        IterableDataset<long[]> outer = chain.map((x, rng) -> new long[] {x, rng.nextLong()});
        assertEquals(2, TransformDepth.of(outer));
        for (long[] pair : drain(outer.iterator(WorkerInfo.single(0, 0))).subList(0, 3)) {
            assertNotEquals(pair[0], pair[1]);
        }
    }

    @Test
    void refusesNullArguments() {
        assertEquals("transform", assertThrows(NullPointerException.class, () -> numbers(0, 1).map(null)).getMessage());
        assertEquals("worker", assertThrows(NullPointerException.class,
                () -> numbers(0, 1).map(SampleTransform.of(n -> n)).iterator(null)).getMessage());
    }
}
