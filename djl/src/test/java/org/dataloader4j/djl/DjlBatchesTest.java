package org.dataloader4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DjlBatchesTest {
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    record Meta(Tensor width, Tensor flags) {
    }

    record Sample(Tensor image, long label, Meta meta) {
    }

    @Test
    void recordBatchesKeepTheirStructureAndNames() {
        List<Sample> samples = List.of(
                new Sample(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), 3, new Meta(Tensor.of(new int[] {8}),
                        Tensor.of(new boolean[] {true, false}))),
                new Sample(Tensor.of(new float[] {5, 6, 7, 8}, 2, 2), 9, new Meta(Tensor.of(new int[] {16}),
                        Tensor.of(new boolean[] {false, false}))));
        try (Batch batch = Collate.<Sample>defaultCollate().collate(samples);
             NDManager step = manager.newSubManager()) {
            NDList list = DjlBatches.toNDList(batch, step);
            assertEquals(List.of("image", "label", "meta.width", "meta.flags"),
                    list.stream().map(NDArray::getName).toList());
            assertEquals(new Shape(2, 2, 2), list.get("image").getShape());
            assertArrayEquals(new long[] {3, 9}, list.get("label").toLongArray());
            assertEquals(DataType.INT32, list.get("meta.width").getDataType());
            assertEquals(new Shape(2, 2), list.get("meta.flags").getShape());
            assertArrayEquals(new boolean[] {true, false, false, false}, list.get("meta.flags").toBooleanArray());
        }
    }

    @Test
    void listsAndSingleTensors() {
        try (Tensor a = Tensor.of(new long[] {1, 2}); Tensor b = Tensor.of(new byte[] {(byte) 200, 7});
             NDManager step = manager.newSubManager()) {
            NDList list = DjlBatches.toNDList(List.of(a, Map.of("b", b)), step);
            assertEquals(List.of("0", "1.b"), list.stream().map(NDArray::getName).toList());
            assertArrayEquals(new byte[] {(byte) 200, 7}, list.get(1).toByteArray());
            NDList single = DjlBatches.toNDList(a, step);
            assertNull(single.singletonOrThrow().getName());
            NDList chosen = DjlBatches.toNDList(step, b, a);
            assertEquals(DataType.UINT8, chosen.get(0).getDataType());
            assertEquals(DataType.INT64, chosen.get(1).getDataType());
        }
    }

    record Named(Tensor image, String file) {
    }

    @Test
    void nonTensorLeavesAndClosedBatchesAreRefusedByName() {
        List<Named> samples = List.of(new Named(Tensor.of(new float[] {1}), "a.png"));
        try (NDManager step = manager.newSubManager()) {
            Batch batch = Collate.<Named>defaultCollate().collate(samples);
            var e = assertThrows(IllegalArgumentException.class, () -> DjlBatches.toNDList(batch, step));
            assertTrue(e.getMessage().contains("'file'"), e.getMessage());
            assertTrue(e.getMessage().contains("List"), e.getMessage());
            batch.close();
            var closed = assertThrows(IllegalStateException.class, () -> DjlBatches.toNDList(batch, step));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
    }
}
