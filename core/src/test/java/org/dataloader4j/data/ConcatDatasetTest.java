package org.dataloader4j.data;

import static org.dataloader4j.data.SampleAssertions.range;
import static org.dataloader4j.data.SampleAssertions.samples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.testing.IndexDataset;
import org.junit.jupiter.api.Test;

class ConcatDatasetTest {

    /** A dataset of {@code size} samples whose sample {@code i} is {@code "name:i"}, naming that as its source. */
    private static Dataset<String> labelled(String name, long size) {
        return IndexDataset.of(size, i -> name + ":" + i).withSources(name + " row %d");
    }

    @Test
    void indexMappingAcrossBoundariesIncludingEmptyParts() {
        long[] sizes = {0, 2, 0, 0, 3, 1, 0};
        List<Dataset<String>> parts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < sizes.length; p++) {
            parts.add(labelled("p" + p, sizes[p]));
            for (long i = 0; i < sizes[p]; i++) {
                expected.add("p" + p + ":" + i);
            }
        }
        ConcatDataset<String> all = new ConcatDataset<>(parts);
        assertEquals(6, all.size());
        assertArrayEquals(new long[] {0, 2, 2, 2, 5, 6, 6}, all.cumulativeSizes());
        assertEquals(expected, samples(all));
        assertEquals(List.of("p1:0", "p1:1", "p4:0", "p4:1", "p4:2", "p5:0"), samples(all));
    }

    @Test
    void manyPartsMatchALinearScan() {
        CounterRandom rng = CounterRandom.of(1, 0, 0, 0);
        List<Dataset<String>> parts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            long n = rng.nextLong(4);   // many empty parts, and runs of them
            parts.add(labelled("p" + p, n));
            for (long i = 0; i < n; i++) {
                expected.add("p" + p + ":" + i);
            }
        }
        assertEquals(expected, samples(new ConcatDataset<>(parts)));
    }

    @Test
    void partsLargerThanAnIntAreAddressedWithLongIndices() {
        long big = 1L << 40;
        ConcatDataset<String> all = ConcatDataset.of(labelled("a", big), labelled("b", big), labelled("c", 1));
        assertEquals(2 * big + 1, all.size());
        assertEquals("a:" + (big - 1), all.get(big - 1));
        assertEquals("b:0", all.get(big));
        assertEquals("b:5", all.get(big + 5));
        assertEquals("c:0", all.get(2 * big));
    }

    @Test
    void onlyEmptyPartsGiveAnEmptyDataset() {
        ConcatDataset<String> none = ConcatDataset.of(labelled("a", 0), labelled("b", 0));
        assertEquals(0, none.size());
        assertThrows(IndexOutOfBoundsException.class, () -> none.get(0));
    }

    @Test
    void sourceDelegatesToThePartWithTheLocalIndex() {
        ConcatDataset<String> all = ConcatDataset.of(labelled("train", 3), labelled("extra", 2));
        assertEquals(Optional.of("train row 2"), all.source(2));
        assertEquals(Optional.of("extra row 1"), all.source(4));
        assertEquals(Optional.empty(), ConcatDataset.of(range(2)).source(1));
    }

    @Test
    void acceptsPartsOfSubtypes() {
        Dataset<Integer> ints = Datasets.of(List.of(1, 2));
        Dataset<Long> longs = Datasets.of(List.of(3L));
        ConcatDataset<Number> numbers = ConcatDataset.of(ints, longs);
        assertEquals(List.of(1, 2, 3L), samples(numbers));
        assertEquals(2, numbers.datasets().size());
    }

    @Test
    void cumulativeSizesReturnsACopy() {
        ConcatDataset<Long> all = ConcatDataset.of(range(2), range(3));
        all.cumulativeSizes()[0] = 99;
        assertArrayEquals(new long[] {2, 5}, all.cumulativeSizes());
        assertEquals(5, all.size());
    }

    @Test
    void laterChangesToTheGivenListDoNotShow() {
        List<Dataset<Long>> parts = new ArrayList<>(List.of(range(2)));
        ConcatDataset<Long> all = new ConcatDataset<>(parts);
        parts.add(range(3));
        assertEquals(2, all.size());
        assertEquals(1, all.datasets().size());
    }

    @Test
    void refusesAnEmptyList() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ConcatDataset<>(List.of()));
        assertTrue(e.getMessage().contains("at least one dataset"), e.getMessage());
        assertThrows(IllegalArgumentException.class, ConcatDataset::of);
    }

    @Test
    void refusesANullPartNamingItsPosition() {
        var e = assertThrows(NullPointerException.class, () -> ConcatDataset.of(range(1), range(2), null));
        assertEquals("dataset 2 is null", e.getMessage());
    }

    @Test
    void refusesATotalSizeThatOverflowsNamingThePart() {
        long half = Long.MAX_VALUE / 2 + 1;
        var e = assertThrows(IllegalArgumentException.class,
                () -> ConcatDataset.of(labelled("a", half), labelled("b", half)));
        assertTrue(e.getMessage().contains("dataset 1"), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(half)), e.getMessage());
    }

    @Test
    void outOfRangeIndexNamesIndexAndTotalSize() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> ConcatDataset.of(range(2), range(3)).get(5));
        assertEquals("index 5 is out of range for a dataset of size 5", e.getMessage());
    }
}
