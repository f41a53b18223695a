package org.dataloader4j.collate;

import static org.dataloader4j.collate.CollateTesting.assertMessageContains;
import static org.dataloader4j.collate.CollateTesting.assertNoLeak;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BatchTest {

    record Sample(Tensor image, Object label) {
    }

    record Labeled(Tensor image, int label) {
    }

    private static Batch collate(Object... samples) {
        return DefaultCollate.INSTANCE.collate(List.of(samples));
    }

    private static Tensor floats(float... values) {
        return Tensor.of(values);
    }

    // ------------------------------------------------------------------ factory

    @Test
    void ofHoldsContentSizeAndResources() {
        Tensor t = floats(1, 2, 3);
        try (Batch batch = Batch.of(t, 3, List.of(t))) {
            assertSame(t, batch.content());
            assertSame(t, batch.tensor());
            assertEquals(3, batch.size());
            assertFalse(batch.isClosed());
        }
        assertThrows(IllegalStateException.class, t::toFloatArray);
    }

    @Test
    void ofRejectsInvalidArguments() {
        assertThrows(NullPointerException.class, () -> Batch.of(null, 1, List.of()));
        assertThrows(NullPointerException.class, () -> Batch.of("x", 1, null));
        List<AutoCloseable> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> Batch.of("x", 1, withNull));
        var e = assertThrows(IllegalArgumentException.class, () -> Batch.of("x", -1, List.of()));
        assertMessageContains(e, "size=-1");
    }

    @Test
    void ofCopiesTheResourceList() {
        AtomicInteger closes = new AtomicInteger();
        List<AutoCloseable> resources = new ArrayList<>();
        resources.add(closes::incrementAndGet);
        Batch batch = Batch.of("x", 1, resources);
        resources.add(closes::incrementAndGet);
        batch.close();
        assertEquals(1, closes.get());
    }

    // ------------------------------------------------------------------ close

    @Test
    void closeIsIdempotentAndClosesEachResourceOnce() {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        Batch batch = Batch.of("x", 1, List.of(first::incrementAndGet, second::incrementAndGet));
        batch.close();
        batch.close();
        assertTrue(batch.isClosed());
        assertEquals(1, first.get());
        assertEquals(1, second.get());
    }

    @Test
    void closeClosesEveryResourceEvenWhenOneFails() {
        AtomicInteger closed = new AtomicInteger();
        AutoCloseable failing = () -> {
            throw new IllegalStateException("first failure");
        };
        AutoCloseable alsoFailing = () -> {
            throw new IOException("second failure");
        };
        Batch batch = Batch.of("x", 1, List.of(failing, closed::incrementAndGet, alsoFailing));
        var e = assertThrows(IllegalStateException.class, batch::close);
        assertEquals("first failure", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertEquals(1, closed.get());
    }

    @Test
    void closeWrapsCheckedExceptions() {
        Batch batch = Batch.of("x", 1, List.of(() -> {
            throw new IOException("disk");
        }));
        var e = assertThrows(IllegalStateException.class, batch::close);
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void closingBatchFreesItsTensors() {
        Tensor a = floats(1, 2);
        Tensor b = floats(3, 4);
        Tensor[] stacked = new Tensor[1];
        assertNoLeak(() -> {
            Batch batch = collate(a, b);
            stacked[0] = batch.tensor();
            batch.close();
        });
        assertThrows(IllegalStateException.class, stacked[0]::toFloatArray);
        assertEquals(DType.FLOAT32, stacked[0].dtype(), "metadata stays readable after close");
    }

    // ------------------------------------------------------------------ accessors on each content

    @Test
    void tensorAccessorOnListContentSaysWhatTheBatchHolds() {
        try (Batch batch = collate(List.of(floats(1), "a"), List.of(floats(2), "b"))) {
            var e = assertThrows(IllegalStateException.class, batch::tensor);
            assertEquals("the batch is not a single Tensor; it holds a List of 2 elements [Tensor, List<String>]",
                    e.getMessage());
        }
    }

    @Test
    void indexAccessorsReadListContent() {
        try (Batch batch = collate(List.of(floats(1), "a"), List.of(floats(2), "b"))) {
            assertArrayEquals(new float[] {1, 2}, batch.tensor(0).toFloatArray());
            assertEquals(List.of("a", "b"), batch.get(1));
            var notTensor = assertThrows(IllegalStateException.class, () -> batch.tensor(1));
            assertEquals("batch element [1] is a List<String>, not a Tensor; the batch holds a List of 2 elements"
                    + " [Tensor, List<String>]", notTensor.getMessage());
            var outOfRange = assertThrows(IndexOutOfBoundsException.class, () -> batch.get(2));
            assertMessageContains(outOfRange, "[2]", "List of 2 elements");
            var byName = assertThrows(IllegalStateException.class, () -> batch.get("image"));
            assertMessageContains(byName, "'image'", "neither a Map nor a record", "a List of 2 elements");
        }
    }

    @Test
    void nameAccessorsReadMapContent() {
        try (Batch batch = collate(Map.of("image", floats(1), "name", "a"), Map.of("image", floats(2), "name", "b"))) {
            assertArrayEquals(new float[] {1, 2}, batch.tensor("image").toFloatArray());
            assertEquals(List.of("a", "b"), batch.get("name"));
            var missing = assertThrows(IllegalArgumentException.class, () -> batch.tensor("label"));
            assertMessageContains(missing, "no element 'label'", "a Map {", "image: Tensor", "name: List<String>");
            var byIndex = assertThrows(IllegalStateException.class, () -> batch.get(0));
            assertMessageContains(byIndex, "[0]", "not a List", "a Map {");
        }
    }

    @Test
    void nameAccessorsReadRecordContent() {
        try (Batch batch = collate(new Sample(floats(1), 3L), new Sample(floats(2), 4L))) {
            Sample sample = batch.content(Sample.class);
            assertSame(sample.image(), batch.tensor("image"));
            assertArrayEquals(new long[] {3, 4}, batch.tensor("label").toLongArray());
            assertMessageContains(assertThrows(IllegalArgumentException.class, () -> batch.get("mask")),
                    "no element 'mask'", "a record Sample(image: Tensor, label: Tensor)");
        }
    }

    @Test
    void indexAccessorsReadRecordComponentsInOrderAsPyTorchUsersReadTuples() {
        try (Batch batch = collate(new Sample(floats(1), 3L), new Sample(floats(2), 4L))) {
            assertSame(batch.tensor("image"), batch.tensor(0));
            assertArrayEquals(new long[] {3, 4}, batch.tensor(1).toLongArray());
            assertMessageContains(assertThrows(IndexOutOfBoundsException.class, () -> batch.get(2)),
                    "[2]", "a record Sample(image: Tensor, label: Tensor)");
        }
    }

    @Test
    void tensorByNameOnNonTensorElementDescribesTheBatch() {
        try (Batch batch = collate(new Sample(floats(1), "cat"), new Sample(floats(2), "dog"))) {
            var e = assertThrows(IllegalStateException.class, () -> batch.tensor("label"));
            assertEquals("batch element 'label' is a List<String>, not a Tensor; the batch holds a record"
                    + " Sample(image: Tensor, label: List<String>)", e.getMessage());
        }
    }

    @Test
    void positionAccessorsReadRecordsTurnedIntoMapsInDeclarationOrder() {
        try (Batch batch = collate(new Labeled(floats(1), 3), new Labeled(floats(2), 4))) {
            assertSame(batch.tensor("image"), batch.tensor(0));
            assertSame(batch.tensor("label"), batch.tensor(1));
            var e = assertThrows(IndexOutOfBoundsException.class, () -> batch.get(2));
            assertMessageContains(e, "[2]", "a Map {image: Tensor, label: Tensor}");
        }
    }

    @Test
    void tensorByNameWorksForRecordsTurnedIntoMaps() {
        try (Batch batch = collate(new Labeled(floats(1), 3), new Labeled(floats(2), 4))) {
            assertArrayEquals(new int[] {3, 4}, batch.tensor("label").toIntArray());
            var e = assertThrows(IllegalStateException.class, () -> batch.content(Labeled.class));
            assertMessageContains(e, "not a Labeled", "a Map {image: Tensor, label: Tensor}", "get(name)");
        }
    }

    @Test
    void accessorsOnTensorContentSayItIsATensor() {
        try (Batch batch = collate(floats(1), floats(2))) {
            assertMessageContains(assertThrows(IllegalStateException.class, () -> batch.tensor("x")),
                    "a Tensor(FLOAT32, [2, 1])");
            assertMessageContains(assertThrows(IllegalStateException.class, () -> batch.tensor(0)),
                    "not a List", "a Tensor(FLOAT32, [2, 1])");
            assertMessageContains(assertThrows(IllegalStateException.class, () -> batch.content(Map.class)),
                    "not a Map", "a Tensor(FLOAT32, [2, 1])");
        }
    }

    // ------------------------------------------------------------------ toString

    @Test
    void toStringShowsStructureWithDtypesAndShapesButNoValues() {
        Batch batch = collate(new Sample(Tensor.of(new float[] {0.123f, 4.5f}), "cat"),
                new Sample(Tensor.of(new float[] {6.75f, 8.25f}), "dog"));
        assertEquals("Batch(size=2, Sample(image: Tensor(FLOAT32, [2, 2]), label: List<String>(2)))", batch.toString());
        batch.close();
        assertEquals("Batch(size=2, closed, Sample(image: Tensor(FLOAT32, [2, 2]), label: List<String>(2)))",
                batch.toString());
    }

    @Test
    void toStringOfNestedListsAndMaps() {
        try (Batch batch = collate(List.of(Map.of("ids", new long[] {1, 2, 3})), List.of(Map.of("ids", new long[] {4, 5, 6})))) {
            assertEquals("Batch(size=2, [{ids: Tensor(INT64, [2, 3])}])", batch.toString());
        }
    }
}
