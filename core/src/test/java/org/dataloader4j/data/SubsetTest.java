package org.dataloader4j.data;

import static org.dataloader4j.data.SampleAssertions.range;
import static org.dataloader4j.data.SampleAssertions.samples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.dataloader4j.testing.IndexDataset;
import org.junit.jupiter.api.Test;

class SubsetTest {

    @Test
    void sampleIIsTheDatasetsSampleAtIndicesI() {
        Dataset<String> letters = Datasets.of(List.of("a", "b", "c", "d"));
        Subset<String> subset = new Subset<>(letters, new long[] {3, 0, 3, 1});
        assertEquals(4, subset.size());
        assertEquals(List.of("d", "a", "d", "b"), samples(subset));
        assertSame(letters, subset.dataset());
    }

    @Test
    void indicesReturnsACopyAndTheConstructorCopiesToo() {
        long[] given = {2, 1};
        Subset<Long> subset = new Subset<>(range(3), given);
        given[0] = 0;
        subset.indices()[1] = 0;
        assertArrayEquals(new long[] {2, 1}, subset.indices());
        assertEquals(List.of(2L, 1L), samples(subset));
    }

    @Test
    void refusesAnIndexAtTheSizeNamingPositionAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Subset<>(range(10), new long[] {0, 3, 10}));
        assertEquals("indices[2] is 10, but every index must be in [0, 10) for a dataset of size 10", e.getMessage());
    }

    @Test
    void refusesANegativeIndexNamingPositionAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Subset<>(range(5), new long[] {-3}));
        assertEquals("indices[0] is -3, but every index must be in [0, 5) for a dataset of size 5", e.getMessage());
    }

    @Test
    void refusesNullArguments() {
        assertEquals("dataset", assertThrows(NullPointerException.class,
                () -> new Subset<>(null, new long[0])).getMessage());
        assertEquals("indices", assertThrows(NullPointerException.class,
                () -> new Subset<>(range(1), null)).getMessage());
    }

    @Test
    void emptyIndicesGiveAnEmptySubset() {
        Subset<Long> none = new Subset<>(range(3), new long[0]);
        assertEquals(0, none.size());
        assertThrows(IndexOutOfBoundsException.class, () -> none.get(0));
    }

    @Test
    void sourceDelegatesWithTheMappedIndex() {
        Dataset<String> files = IndexDataset.of(5, i -> "file" + i).withSources("/data/%d.jpg");
        Subset<String> subset = new Subset<>(files, new long[] {4, 2});
        assertEquals(Optional.of("/data/2.jpg"), subset.source(1));
        assertEquals("file4", subset.get(0));
    }

    @Test
    void outOfRangeGetNamesTheSubsetsSizeNotTheDatasets() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> new Subset<>(range(100), new long[] {1, 2}).get(2));
        assertEquals("index 2 is out of range for a dataset of size 2", e.getMessage());
    }
}
