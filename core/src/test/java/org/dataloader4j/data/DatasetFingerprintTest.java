package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.testing.IndexDataset;
import org.junit.jupiter.api.Test;

/** Wrappers carry their source's fingerprint and add what they change, so resume checks see through them. */
class DatasetFingerprintTest {
    /** A dataset that knows who it is. */
    private static Dataset<Long> named(String id, long n) {
        return IndexDataset.numbers(n).withFingerprint(id);
    }

    @Test
    void wrappersForwardAndExtendTheFingerprint() {
        Dataset<Long> a = named("files-A", 10);
        Dataset<Long> b = named("files-B", 10);
        assertEquals(Optional.of("files-A"), a.map((x, rng) -> x + 1).fingerprint(), "a transform keeps its source's");
        String subset = new Subset<>(a, new long[] {1, 2, 3}).fingerprint().orElseThrow();
        assertTrue(subset.contains("files-A") && subset.contains("size=3"), subset);
        assertNotEquals(subset, new Subset<>(a, new long[] {1, 2, 4}).fingerprint().orElseThrow(), "other indices");
        assertNotEquals(subset, new Subset<>(b, new long[] {1, 2, 3}).fingerprint().orElseThrow(), "other source");
        String concat = ConcatDataset.of(a, b).fingerprint().orElseThrow();
        assertTrue(concat.contains("files-A") && concat.contains("files-B"), concat);
        assertNotEquals(concat, ConcatDataset.of(b, a).fingerprint().orElseThrow(), "order matters");
        assertEquals(Optional.empty(), Datasets.of(List.of(1, 2)).fingerprint(), "a plain list cannot tell");
    }

    @Test
    void aTensorDatasetIsIdentifiedByItsTensorsDtypesAndShapes() {
        try (Tensor x = Tensor.zeros(DType.FLOAT32, 8, 3); Tensor y = Tensor.zeros(DType.INT64, 8);
             Tensor z = Tensor.zeros(DType.FLOAT32, 8, 4)) {
            String xy = new TensorDataset(x, y).fingerprint().orElseThrow();
            assertTrue(xy.contains("FLOAT32") && xy.contains("INT64"), xy);
            assertNotEquals(xy, new TensorDataset(z, y).fingerprint().orElseThrow());
        }
    }
}
