package org.dataloader4j.data;

import static org.dataloader4j.data.SampleAssertions.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.testing.IndexDataset;
import org.junit.jupiter.api.Test;

class StackDatasetTest {

    private static Dataset<String> withSource(String name, long size, boolean knowsSource) {
        IndexDataset<String> samples = IndexDataset.of(size, i -> name + i);
        return knowsSource ? samples.withSources(name + ".csv row %d") : samples;
    }

    @Test
    void positionalSampleListsEachDatasetsSampleInOrder() {
        StackDataset<List<Object>> pairs = StackDataset.of(Datasets.of(List.of("a.jpg", "b.jpg")), range(2));
        assertEquals(2, pairs.size());
        assertEquals(List.of("b.jpg", 1L), pairs.get(1));
        assertEquals(List.of(), pairs.keys());
        assertEquals(2, pairs.datasets().size());
        assertThrows(UnsupportedOperationException.class, () -> pairs.get(0).set(0, "x"));
    }

    @Test
    void namedSampleKeepsInsertionOrderAndIsUnmodifiable() {
        Map<String, Dataset<?>> parts = new LinkedHashMap<>();
        parts.put("z_label", range(3));
        parts.put("a_image", Datasets.of(List.of("p", "q", "r")));
        parts.put("m_weight", Datasets.of(List.of(0.5, 1.0, 2.0)));
        StackDataset<Map<String, Object>> records = StackDataset.of(parts);
        Map<String, Object> sample = records.get(2);
        assertEquals(List.of("z_label", "a_image", "m_weight"), List.copyOf(sample.keySet()));
        assertEquals(List.of(2L, "r", 2.0), List.copyOf(sample.values()));
        assertEquals(List.of("z_label", "a_image", "m_weight"), records.keys());
        assertThrows(UnsupportedOperationException.class, () -> sample.put("extra", 1));
    }

    @Test
    void stacksTensorViewsWithOtherDatasets() {
        try (Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)) {
            StackDataset<List<Object>> ds = StackDataset.of(new TensorDataset(x), range(2));
            @SuppressWarnings("unchecked")
            List<Tensor> row = (List<Tensor>) ds.get(1).get(0);
            assertArrayEquals(new float[] {3, 4}, row.getFirst().toFloatArray());
        }
    }

    @Test
    void nullSamplesArePassedThrough() {
        Dataset<String> holes = new Dataset<>() {
            @Override
            public long size() {
                return 1;
            }

            @Override
            public String get(long index) {
                Datasets.checkIndex(index, 1);
                return null;
            }
        };
        assertEquals(Arrays.asList(null, 0L), StackDataset.of(holes, range(1)).get(0));
        Map<String, Dataset<?>> named = new LinkedHashMap<>();
        named.put("hole", holes);
        assertNull(StackDataset.of(named).get(0).get("hole"));
    }

    @Test
    void sizeMismatchNamesBothSizesAndPositions() {
        var e = assertThrows(IllegalArgumentException.class, () -> StackDataset.of(range(4), range(4), range(3)));
        assertEquals("dataset 2 has size 3 but dataset 0 has size 4: all datasets must have the same size",
                e.getMessage());
    }

    @Test
    void sizeMismatchNamesBothKeys() {
        Map<String, Dataset<?>> parts = new LinkedHashMap<>();
        parts.put("image", range(10));
        parts.put("label", range(9));
        var e = assertThrows(IllegalArgumentException.class, () -> StackDataset.of(parts));
        assertEquals("dataset 'label' has size 9 but dataset 'image' has size 10: all datasets must have the same size",
                e.getMessage());
    }

    @Test
    void refusesNoDatasets() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StackDataset.of())
                .getMessage().contains("at least one dataset"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StackDataset.of(Map.of()))
                .getMessage().contains("empty map"));
    }

    @Test
    void refusesNullDatasetsAndKeysNamingThem() {
        assertEquals("dataset 1 is null",
                assertThrows(NullPointerException.class, () -> StackDataset.of(range(1), null)).getMessage());
        Map<String, Dataset<?>> nullValue = new LinkedHashMap<>();
        nullValue.put("image", range(1));
        nullValue.put("label", null);
        assertEquals("dataset 'label' is null",
                assertThrows(NullPointerException.class, () -> StackDataset.of(nullValue)).getMessage());
        Map<String, Dataset<?>> nullKey = new HashMap<>();
        nullKey.put(null, range(1));
        assertTrue(assertThrows(NullPointerException.class, () -> StackDataset.of(nullKey))
                .getMessage().contains("null key"));
    }

    @Test
    void sourceJoinsTheSourcesThePartsKnow() {
        var one = StackDataset.of(withSource("img", 3, true), withSource("lbl", 3, false));
        assertEquals(Optional.of("img.csv row 2"), one.source(2));
        var both = StackDataset.of(withSource("img", 3, true), withSource("lbl", 3, true));
        assertEquals(Optional.of("0: img.csv row 1, 1: lbl.csv row 1"), both.source(1));
        Map<String, Dataset<?>> named = new LinkedHashMap<>();
        named.put("image", withSource("img", 3, true));
        named.put("label", withSource("lbl", 3, true));
        assertEquals(Optional.of("image: img.csv row 0, label: lbl.csv row 0"), StackDataset.of(named).source(0));
        assertEquals(Optional.empty(), StackDataset.of(withSource("x", 1, false)).source(0));
    }
}
