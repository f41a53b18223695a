package org.dataloader4j.collate;

import static org.dataloader4j.collate.CollateTesting.assertMessageContains;
import static org.dataloader4j.collate.CollateTesting.assertNoLeak;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.OffHeapMemory;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultCollateTest {

    record Sample(Tensor image, int label) {
    }

    record Pair(Tensor image, Tensor mask) {
    }

    record Loose(Tensor image, Object label) {
    }

    record Tagged(Tensor image, String caption) {
    }

    record Crops(List<Tensor> crops, Map<String, Tensor> extra) {
    }

    record Ids(Tensor image, List<Integer> ids) {
    }

    record Box<T>(T value) {
    }

    record HoldsIntBox(Box<Integer> box) {
    }

    record HoldsTensorBox(Box<Tensor> box) {
    }

    record Outer(Pair pair, Sample sample) {
    }

    @SuppressWarnings("rawtypes")
    record Wide(List raw, Map rawMap, Iterable<? extends Tensor> tensors, Box<?> box) {
    }

    record Distinct(Set<Tensor> crops) {
    }

    record Bounded<T extends Number>(T value) {
    }

    record Node(Tensor value, Node next) {
    }

    record Strict(Object value) {
        Strict {
            if (!(value instanceof Integer)) {
                throw new IllegalArgumentException("value must be an Integer");
            }
        }
    }

    /** Another record with the simple name Sample, to check that messages then use full names. */
    static final class Other {
        record Sample(Tensor image, int label) {
        }
    }

    private static Batch collate(Object... samples) {
        return DefaultCollate.INSTANCE.collate(Arrays.asList(samples));
    }

    private static Tensor floats(float... values) {
        return Tensor.of(values);
    }

    private static Tensor image(float fill, long... dims) {
        Tensor t = Tensor.zeros(DType.FLOAT32, dims);
        for (long i = 0; i < t.numel(); i++) {
            t.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, fill + i);
        }
        return t;
    }

    // ------------------------------------------------------------------ entry points

    @Test
    void defaultCollateIsTheSharedInstance() {
        Collate<Sample, Batch> typed = Collate.defaultCollate();
        assertSame(DefaultCollate.INSTANCE, typed);
        try (Batch batch = typed.collate(List.of(new Sample(floats(1, 2), 3), new Sample(floats(4, 5), 6)))) {
            assertEquals(2, batch.size());
        }
    }

    @Test
    void emptyBatchIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> DefaultCollate.INSTANCE.collate(List.of()));
        assertMessageContains(e, "empty batch");
    }

    // ------------------------------------------------------------------ tensors

    @Test
    void stacksTensorsAlongNewFirstDimension() {
        Tensor a = image(0, 2, 3);
        Tensor b = image(100, 2, 3);
        try (Batch batch = collate(a, b)) {
            Tensor t = batch.tensor();
            assertEquals(DType.FLOAT32, t.dtype());
            assertEquals(Shape.of(2, 2, 3), t.shape());
            assertTrue(t.select(0).contentEquals(a));
            assertTrue(t.select(1).contentEquals(b));
            assertEquals(2, batch.size());
        }
    }

    @Test
    void stacksScalarTensorsIntoVector() {
        try (Batch batch = collate(Tensor.scalar(DType.INT64, 7), Tensor.scalar(DType.INT64, 9))) {
            assertArrayEquals(new long[] {7, 9}, batch.tensor().toLongArray());
        }
    }

    @Test
    void mismatchedShapesNameBothPositionsAndShapes() {
        List<Object> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            samples.add(new Pair(image(0, 3, 32, 32), image(0, 1)));
        }
        samples.add(new Pair(image(0, 3, 28, 28), image(0, 1)));
        var e = assertThrows(IllegalArgumentException.class, () -> DefaultCollate.INSTANCE.collate(samples));
        assertEquals("cannot collate 'image': batch position 0 has shape [3, 32, 32] but position 5 has shape"
                + " [3, 28, 28]; make the shapes equal in a transform, or use PaddingCollate for sequences of"
                + " different lengths", e.getMessage());
    }

    @Test
    void mismatchedDtypesNameBothPositionsAndDtypes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(List.of(floats(1, 2)), List.of(Tensor.of(new double[] {1, 2}))));
        assertMessageContains(e, "'[0]'", "batch position 0 has dtype FLOAT32", "position 1 has dtype FLOAT64");
    }

    @Test
    void mismatchedDtypeAndShapeNamesBoth() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(floats(1, 2), Tensor.of(new long[] {1, 2, 3})));
        assertMessageContains(e, "cannot collate the samples", "position 0 has dtype FLOAT32 and shape [2]",
                "position 1 has dtype INT64 and shape [3]");
    }

    @Test
    void closedSampleTensorIsReported() {
        Tensor closed = floats(1, 2);
        closed.close();
        var e = assertThrows(IllegalStateException.class, () -> collate(Map.of("x", floats(3, 4)), Map.of("x", closed)));
        assertMessageContains(e, "'x'", "batch position 1", "closed");
    }

    @Test
    void sampleTensorsStayOpenAndBatchTensorsAreCopies() {
        Tensor a = floats(1, 2);
        Tensor b = floats(3, 4);
        Batch batch = collate(a, b);
        batch.close();
        assertArrayEquals(new float[] {1, 2}, a.toFloatArray());
        assertArrayEquals(new float[] {3, 4}, b.toFloatArray());
    }

    @Test
    void tensorFollowedByOtherTypeNamesBothTypes() {
        var e = assertThrows(IllegalArgumentException.class, () -> collate(floats(1), floats(2), 3));
        assertMessageContains(e, "cannot collate the samples", "batch position 0 is a Tensor",
                "position 2 is an Integer");
    }

    // ------------------------------------------------------------------ boxed primitives

    static Stream<Arguments> boxedValues() {
        return Stream.of(
                Arguments.of(new Object[] {1.5, -2.25}, DType.FLOAT64),
                Arguments.of(new Object[] {1.5f, -2.25f}, DType.FLOAT32),
                Arguments.of(new Object[] {1L << 40, -3L}, DType.INT64),
                Arguments.of(new Object[] {7, -3}, DType.INT32),
                Arguments.of(new Object[] {(short) 300, (short) -3}, DType.INT16),
                Arguments.of(new Object[] {(byte) 5, (byte) 6}, DType.UINT8),
                Arguments.of(new Object[] {true, false}, DType.BOOL));
    }

    @ParameterizedTest
    @MethodSource("boxedValues")
    void boxedPrimitivesBecomeOneDimensionalTensorOfMatchingDtype(Object[] values, DType dtype) {
        try (Batch batch = collate(values)) {
            Tensor t = batch.tensor();
            assertEquals(dtype, t.dtype());
            assertEquals(Shape.of(2), t.shape());
            for (int i = 0; i < values.length; i++) {
                double expected = values[i] instanceof Boolean flag ? (flag ? 1 : 0) : ((Number) values[i]).doubleValue();
                assertEquals(expected, t.getDouble(i), 0.0);
            }
        }
    }

    @Test
    void bytesKeepTheirBitsAsUint8() {
        try (Batch batch = collate((byte) -1, (byte) -128, (byte) 127)) {
            assertArrayEquals(new double[] {255, 128, 127}, batch.tensor().toDoubles());
        }
    }

    @Test
    void mixedBoxedTypesNamePositionsAndTypes() {
        var e = assertThrows(IllegalArgumentException.class, () -> collate(Map.of("label", 1), Map.of("label", 2L)));
        assertEquals("cannot collate 'label': batch position 0 is an Integer but position 1 is a Long",
                e.getMessage());
    }

    // ------------------------------------------------------------------ primitive arrays

    static Stream<Arguments> arrays() {
        return Stream.of(
                Arguments.of(new float[] {1, 2, 3}, new float[] {4, 5, 6}, DType.FLOAT32),
                Arguments.of(new double[] {1, 2, 3}, new double[] {4, 5, 6}, DType.FLOAT64),
                Arguments.of(new long[] {1, 2, 3}, new long[] {4, 5, 6}, DType.INT64),
                Arguments.of(new int[] {1, 2, 3}, new int[] {4, 5, 6}, DType.INT32),
                Arguments.of(new short[] {1, 2, 3}, new short[] {4, 5, 6}, DType.INT16),
                Arguments.of(new byte[] {1, 2, 3}, new byte[] {4, 5, (byte) 250}, DType.UINT8),
                Arguments.of(new boolean[] {true, false, true}, new boolean[] {false, false, true}, DType.BOOL));
    }

    @ParameterizedTest
    @MethodSource("arrays")
    void primitiveArraysBecomeTwoDimensionalTensors(Object a, Object b, DType dtype) {
        try (Batch batch = collate(a, b)) {
            Tensor t = batch.tensor();
            assertEquals(dtype, t.dtype());
            assertEquals(Shape.of(2, 3), t.shape());
            try (Tensor ea = arrayTensor(a); Tensor eb = arrayTensor(b)) {
                assertTrue(t.select(0).contentEquals(ea), () -> t + " row 0 vs " + ea);
                assertTrue(t.select(1).contentEquals(eb), () -> t + " row 1 vs " + eb);
            }
        }
    }

    private static Tensor arrayTensor(Object array) {
        return switch (array) {
            case float[] a -> Tensor.of(a);
            case double[] a -> Tensor.of(a);
            case long[] a -> Tensor.of(a);
            case int[] a -> Tensor.of(a);
            case short[] a -> Tensor.of(a);
            case byte[] a -> Tensor.of(a);
            case boolean[] a -> Tensor.of(a);
            default -> throw new AssertionError(array);
        };
    }

    @Test
    void arraysOfDifferentLengthsNamePositionsAndLengths() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(Map.of("tokens", new int[] {1, 2, 3}), Map.of("tokens", new int[] {1, 2, 3}),
                        Map.of("tokens", new int[] {1})));
        assertMessageContains(e, "cannot collate 'tokens'", "batch position 0 has an int[] of length 3",
                "position 2 has length 1", "PaddingCollate");
    }

    @Test
    void arraysOfDifferentTypesNameBothTypes() {
        var e = assertThrows(IllegalArgumentException.class, () -> collate(new float[] {1}, new double[] {1}));
        assertMessageContains(e, "batch position 0 is a float[] but position 1 is a double[]");
    }

    @Test
    void emptyArraysGiveZeroWidthMatrix() {
        try (Batch batch = collate(new float[0], new float[0])) {
            assertEquals(Shape.of(2, 0), batch.tensor().shape());
        }
    }

    // ------------------------------------------------------------------ strings

    @Test
    void stringsStayAsUnmodifiableList() {
        try (Batch batch = collate("cat", new StringBuilder("dog"))) {
            List<?> names = batch.content(List.class);
            assertEquals(List.of("cat", "dog"), names);
            assertInstanceOf(String.class, names.get(1));
            assertThrows(UnsupportedOperationException.class, () -> names.clear());
        }
    }

    @Test
    void stringFollowedByNumberNamesBothTypes() {
        var e = assertThrows(IllegalArgumentException.class, () -> collate(Map.of("name", "a"), Map.of("name", 1)));
        assertMessageContains(e, "'name'", "batch position 0 is a String but position 1 is an Integer");
    }

    // ------------------------------------------------------------------ lists and collections

    @Test
    void listsAreCollatedPositionWise() {
        try (Batch batch = collate(List.of(floats(1, 2), 3, "a"), List.of(floats(4, 5), 6, "b"))) {
            assertEquals(3, batch.content(List.class).size());
            assertArrayEquals(new float[] {1, 2, 4, 5}, batch.tensor(0).toFloatArray());
            assertEquals(Shape.of(2, 2), batch.tensor(0).shape());
            assertArrayEquals(new int[] {3, 6}, batch.tensor(1).toIntArray());
            assertEquals(List.of("a", "b"), batch.get(2));
            List<?> list = batch.content(List.class);
            assertThrows(UnsupportedOperationException.class, list::clear);
        }
    }

    @Test
    void listOfStringsPerSampleIsTransposed() {
        try (Batch batch = collate(List.of("a1", "a2"), List.of("b1", "b2"), List.of("c1", "c2"))) {
            assertEquals(List.of(List.of("a1", "b1", "c1"), List.of("a2", "b2", "c2")), batch.content());
        }
    }

    @Test
    void setsAndOtherCollectionsBecomeListsInIterationOrder() {
        Set<Object> a = new LinkedHashSet<>(List.of(1, "x"));
        Set<Object> b = new LinkedHashSet<>(List.of(2, "y"));
        try (Batch batch = collate(a, b)) {
            assertArrayEquals(new int[] {1, 2}, batch.tensor(0).toIntArray());
            assertEquals(List.of("x", "y"), batch.get(1));
        }
    }

    @Test
    void listsOfDifferentLengthsNamePositionsAndLengths() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(List.of(1, List.of(1, 2)), List.of(2, List.of(3, 4)), List.of(3, List.of(5))));
        assertEquals("cannot collate '[1]': batch position 0 is a List<Integer> of 2 elements but position 2 has"
                + " 1 elements", e.getMessage());
    }

    @Test
    void listFollowedByMapNamesBothTypes() {
        var e = assertThrows(IllegalArgumentException.class, () -> collate(List.of(1), Map.of("a", 1)));
        assertMessageContains(e, "batch position 0 is a List<Integer> but position 1 is a Map");
    }

    // ------------------------------------------------------------------ maps

    @Test
    void mapsKeepFirstSampleKeyOrder() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("image", floats(1, 2));
        a.put("label", 1L);
        a.put("name", "first");
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("name", "second");
        b.put("label", 2L);
        b.put("image", floats(3, 4));
        try (Batch batch = collate(a, b)) {
            Map<?, ?> content = batch.content(Map.class);
            assertEquals(List.of("image", "label", "name"), List.copyOf(content.keySet()));
            assertArrayEquals(new float[] {1, 2, 3, 4}, batch.tensor("image").toFloatArray());
            assertArrayEquals(new long[] {1, 2}, batch.tensor("label").toLongArray());
            assertEquals(List.of("first", "second"), batch.get("name"));
            assertThrows(UnsupportedOperationException.class, () -> content.remove("image"));
        }
    }

    @Test
    void mapMissingKeyIsNamedWithPosition() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(Map.of("a", 1, "b", 2), Map.of("a", 1, "b", 2), Map.of("a", 3)));
        assertEquals("cannot collate the samples: batch position 2 has no key 'b', which position 0 has",
                e.getMessage());
    }

    @Test
    void mapExtraKeyIsNamedWithPosition() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(List.of(Map.of("a", 1)), List.of(Map.of("a", 2, "z", 3))));
        assertEquals("cannot collate '[0]': batch position 1 has key 'z', which position 0 does not have",
                e.getMessage());
    }

    @Test
    void nonStringKeysAreKept() {
        try (Batch batch = collate(Map.of(7, 1.0), Map.of(7, 2.0))) {
            Map<?, ?> content = batch.content(Map.class);
            assertArrayEquals(new double[] {1, 2}, ((Tensor) content.get(7)).toDoubleArray());
        }
    }

    // ------------------------------------------------------------------ records

    @Test
    void recordOfTensorsIsRebuiltAsSameRecord() {
        try (Batch batch = collate(new Pair(floats(1), floats(2)), new Pair(floats(3), floats(4)))) {
            Pair pair = batch.content(Pair.class);
            assertArrayEquals(new float[] {1, 3}, pair.image().toFloatArray());
            assertArrayEquals(new float[] {2, 4}, pair.mask().toFloatArray());
            assertSame(pair.image(), batch.tensor("image"));
        }
    }

    /** A class index marked to batch as PyTorch's int64. */
    record Indexed(Tensor image, @AsInt64 int label) {
    }

    /** The mark on a component that is not an int. */
    record Misplaced(Tensor image, @AsInt64 long label) {
    }

    @Test
    void asInt64IntComponentBatchesToInt64() {
        try (Batch batch = collate(new Indexed(floats(1), 3), new Indexed(floats(2), Integer.MAX_VALUE),
                new Indexed(floats(3), -4))) {
            Tensor labels = batch.tensor("label");
            assertEquals(DType.INT64, labels.dtype());
            assertArrayEquals(new long[] {3, Integer.MAX_VALUE, -4}, labels.toLongArray());
            assertSame(labels, batch.tensor(1));
        }
    }

    @Test
    void asInt64OnAComponentThatIsNotAnIntIsRefusedNamingIt() {
        Misplaced a = new Misplaced(floats(1), 3);
        Misplaced b = new Misplaced(floats(2), 4);
        long before = OffHeapMemory.liveBytes();
        var e = assertThrows(IllegalArgumentException.class, () -> collate(a, b));
        assertMessageContains(e, "label", Misplaced.class.getName(), "@AsInt64", "declared long");
        assertEquals(before, OffHeapMemory.liveBytes(), "nothing allocated is left behind");
    }

    @Test
    void recordWithPrimitiveLabelBecomesNamedMap() {
        try (Batch batch = collate(new Sample(floats(1, 2), 3), new Sample(floats(4, 5), 6))) {
            Map<?, ?> content = assertInstanceOf(Map.class, batch.content());
            assertEquals(List.of("image", "label"), List.copyOf(content.keySet()));
            assertEquals(Shape.of(2, 2), batch.tensor("image").shape());
            Tensor labels = batch.tensor("label");
            assertEquals(DType.INT32, labels.dtype());
            assertArrayEquals(new int[] {3, 6}, labels.toIntArray());
            assertThrows(UnsupportedOperationException.class, () -> content.clear());
        }
    }

    @Test
    void recordWithObjectComponentIsRebuiltHoldingTheBatch() {
        try (Batch batch = collate(new Loose(floats(1), "cat"), new Loose(floats(2), "dog"))) {
            Loose loose = batch.content(Loose.class);
            assertEquals(List.of("cat", "dog"), loose.label());
        }
    }

    @Test
    void recordWithStringComponentBecomesMap() {
        try (Batch batch = collate(new Tagged(floats(1), "a"), new Tagged(floats(2), "b"))) {
            assertInstanceOf(Map.class, batch.content());
            assertEquals(List.of("a", "b"), batch.get("caption"));
        }
    }

    @Test
    void recordWithListAndMapOfTensorsIsRebuilt() {
        Crops a = new Crops(List.of(floats(1), floats(2)), Map.of("depth", floats(3)));
        Crops b = new Crops(List.of(floats(4), floats(5)), Map.of("depth", floats(6)));
        try (Batch batch = collate(a, b)) {
            Crops crops = batch.content(Crops.class);
            assertArrayEquals(new float[] {2, 5}, crops.crops().get(1).toFloatArray());
            assertArrayEquals(new float[] {3, 6}, crops.extra().get("depth").toFloatArray());
        }
    }

    @Test
    void recordWithListOfIntegersBecomesMapSoNoListHoldsTensorsAsIntegers() {
        try (Batch batch = collate(new Ids(floats(1), List.of(1, 2)), new Ids(floats(2), List.of(3, 4)))) {
            assertInstanceOf(Map.class, batch.content());
            List<?> ids = (List<?>) batch.get("ids");
            assertArrayEquals(new int[] {1, 3}, ((Tensor) ids.get(0)).toIntArray());
        }
    }

    @Test
    void rebuildDecisionDependsOnlyOnTheRecordClassNotOnTheData() {
        // With empty lists, a List<Integer> could hold the (empty) batch, but the structure must not change
        // between batches of one dataset.
        try (Batch batch = collate(new Ids(floats(1), List.of()), new Ids(floats(2), List.of()))) {
            assertInstanceOf(Map.class, batch.content());
            assertEquals(List.of(), batch.get("ids"));
        }
    }

    @Test
    void genericRecordComponentsAreJudgedByTheirTypeArguments() {
        try (Batch ints = collate(new HoldsIntBox(new Box<>(1)), new HoldsIntBox(new Box<>(2)));
             Batch tensors = collate(new HoldsTensorBox(new Box<>(floats(1))), new HoldsTensorBox(new Box<>(floats(2))))) {
            Map<?, ?> map = assertInstanceOf(Map.class, ints.content());
            assertInstanceOf(Box.class, map.get("box"));
            HoldsTensorBox rebuilt = tensors.content(HoldsTensorBox.class);
            assertArrayEquals(new float[] {1, 2}, rebuilt.box().value().toFloatArray());
        }
    }

    @Test
    void rawWildcardAndUnboundTypesCanHoldTheirBatch() {
        Wide a = new Wide(List.of(1), Map.of("k", 2), List.of(floats(1)), new Box<>(3));
        Wide b = new Wide(List.of(4), Map.of("k", 5), List.of(floats(2)), new Box<>(6));
        try (Batch batch = collate(a, b)) {
            Wide wide = batch.content(Wide.class);
            assertArrayEquals(new int[] {1, 4}, ((Tensor) wide.raw().get(0)).toIntArray());
            assertArrayEquals(new int[] {3, 6}, ((Tensor) wide.box().value()).toIntArray());
        }
    }

    @Test
    void setComponentsAndBoundedTypeVariablesCannotHoldTheirBatch() {
        try (Batch sets = collate(new Distinct(Set.of(floats(1))), new Distinct(Set.of(floats(2))));
             Batch bounded = collate(new Bounded<>(1), new Bounded<>(2))) {
            assertInstanceOf(Map.class, sets.content()); // a Set cannot hold the List the collate makes
            assertArrayEquals(new float[] {1, 2}, ((Tensor) ((List<?>) sets.get("crops")).get(0)).toFloatArray());
            assertInstanceOf(Map.class, bounded.content()); // T extends Number cannot hold a Tensor
            assertArrayEquals(new int[] {1, 2}, bounded.tensor("value").toIntArray());
        }
    }

    @Test
    void recursiveRecordsAreHandled() {
        Node a = new Node(floats(1), new Node(floats(2), null));
        Node b = new Node(floats(3), new Node(floats(4), null));
        var e = assertThrows(IllegalArgumentException.class, () -> collate(a, b));
        assertMessageContains(e, "sample at batch position 0 is null at 'next.next'");
    }

    @Test
    void nestedRecordsAreRebuiltOrMappedEachByItsOwnRule() {
        Outer a = new Outer(new Pair(floats(1), floats(2)), new Sample(floats(3), 4));
        Outer b = new Outer(new Pair(floats(5), floats(6)), new Sample(floats(7), 8));
        try (Batch batch = collate(a, b)) {
            // Sample cannot be rebuilt, so Outer (which declares a Sample component) cannot either.
            Map<?, ?> outer = assertInstanceOf(Map.class, batch.content());
            Pair pair = assertInstanceOf(Pair.class, outer.get("pair"));
            assertArrayEquals(new float[] {2, 6}, pair.mask().toFloatArray());
            Map<?, ?> sample = assertInstanceOf(Map.class, outer.get("sample"));
            assertArrayEquals(new int[] {4, 8}, ((Tensor) sample.get("label")).toIntArray());
        }
    }

    @Test
    void recordsOfDifferentClassesNameBothClasses() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(new Sample(floats(1), 1), new Other.Sample(floats(1), 1)));
        assertMessageContains(e, "batch position 0 is of type " + Sample.class.getTypeName(),
                "position 1 is of type " + Other.Sample.class.getTypeName());
    }

    @Test
    void recordConstructorRejectingTheBatchIsReported() {
        var e = assertThrows(IllegalArgumentException.class, () -> collate(new Strict(1), new Strict(2)));
        assertMessageContains(e, "canonical constructor of record Strict", "value must be an Integer", "custom Collate");
    }

    // ------------------------------------------------------------------ nesting and paths

    @Test
    void nestedListOfMapOfRecordKeepsStructure() {
        Object a = List.of(Map.of("pair", new Pair(floats(1), floats(2)), "meta", Map.of("id", 10L)));
        Object b = List.of(Map.of("pair", new Pair(floats(3), floats(4)), "meta", Map.of("id", 20L)));
        try (Batch batch = collate(a, b)) {
            Map<?, ?> first = assertInstanceOf(Map.class, batch.get(0));
            Pair pair = assertInstanceOf(Pair.class, first.get("pair"));
            assertArrayEquals(new float[] {1, 3}, pair.image().toFloatArray());
            Map<?, ?> meta = assertInstanceOf(Map.class, first.get("meta"));
            assertArrayEquals(new long[] {10, 20}, ((Tensor) meta.get("id")).toLongArray());
        }
    }

    @Test
    void errorsDeepInsideNameTheFullPath() {
        Object a = List.of(Map.of("meta", new Sample(floats(1), 1)));
        Object b = List.of(Map.of("meta", new Sample(floats(1, 2), 1)));
        var e = assertThrows(IllegalArgumentException.class, () -> collate(a, b));
        assertMessageContains(e, "cannot collate '[0].meta.image'", "batch position 0 has shape [1]",
                "position 1 has shape [2]");
    }

    // ------------------------------------------------------------------ nulls and unsupported types

    @Test
    void nullSampleNamesItsPosition() {
        var e = assertThrows(IllegalArgumentException.class, () -> collate(1, 2, null));
        assertMessageContains(e, "sample at batch position 2 is null;");
    }

    @Test
    void nullValueNamesPathAndPosition() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(new Loose(floats(1), 1), new Loose(floats(2), 2), new Loose(floats(3), null)));
        assertMessageContains(e, "sample at batch position 2 is null at 'label'", "custom Collate");
    }

    @Test
    void nullInsideListNamesIndexPath() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(Map.of("tags", Arrays.asList(1, 2)), Map.of("tags", Arrays.asList(3, null))));
        assertMessageContains(e, "sample at batch position 1 is null at 'tags[1]'");
    }

    @Test
    void unsupportedTypeNamesTypeAndPathAndSuggestsCustomCollate() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate(Map.of("when", Duration.ZERO), Map.of("when", Duration.ZERO)));
        assertMessageContains(e, "cannot collate 'when'", "java.time.Duration is not supported", "custom Collate");
    }

    @Test
    void objectArraysAndCharactersAreUnsupported() {
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> collate((Object) new String[] {"a"}, (Object) new String[] {"b"})), "java.lang.String[]", "use a List");
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> collate('a', 'b')),
                "java.lang.Character");
    }

    // ------------------------------------------------------------------ resources

    @Test
    void batchOwnsNewTensorsForEveryLeaf() {
        Tensor image = floats(1, 2);
        try (Batch batch = collate(new Sample(image, 1), new Sample(floats(3, 4), 2))) {
            assertTrue(batch.tensor("image").ownsMemory());
            assertTrue(batch.tensor("label").ownsMemory());
            assertNotSame(image, batch.tensor("image"));
        }
    }

    @Test
    void closingBatchFreesItsTensors() {
        Object a = Map.of("pair", new Pair(floats(1, 2), floats(3)), "ids", new long[] {1, 2}, "n", 1);
        Object b = Map.of("pair", new Pair(floats(4, 5), floats(6)), "ids", new long[] {3, 4}, "n", 2);
        List<Tensor> leaves = new ArrayList<>();
        assertNoLeak(() -> {
            leaves.clear();
            long before = OffHeapMemory.liveBytes();
            Batch batch = collate(a, b);
            Map<?, ?> content = batch.content(Map.class);
            Pair pair = (Pair) content.get("pair");
            leaves.addAll(List.of(pair.image(), pair.mask(), batch.tensor("ids"), batch.tensor("n")));
            long expected = leaves.stream().mapToLong(Tensor::byteSize).sum();
            assertTrue(OffHeapMemory.liveBytes() - before <= expected, "the batch holds more than its leaves");
            batch.close();
        });
        for (Tensor leaf : leaves) {
            assertTrue(leaf.isClosed(), () -> "still alive: " + leaf);
            assertThrows(IllegalStateException.class, leaf::toFloatArray);
        }
    }

    @Test
    void failedCollateFreesWhatItAllocated() {
        // 'image' and 'label' are stacked before 'extra' fails at position 1.
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("image", image(0, 64, 64));
        a.put("label", 1L);
        a.put("extra", List.of(floats(1), floats(2)));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("image", image(0, 64, 64));
        b.put("label", 2L);
        b.put("extra", List.of(floats(1), floats(2, 3)));
        assertNoLeak(() -> {
            var e = assertThrows(IllegalArgumentException.class, () -> collate(a, b));
            assertMessageContains(e, "'extra[1]'");
        });
    }

    @Test
    void failedRecordConstructionFreesWhatItAllocated() {
        record Checked(Tensor image, Object n) {
            Checked {
                if (n instanceof Tensor) {
                    throw new IllegalArgumentException("no batched n");
                }
            }
        }
        Object a = new Checked(image(0, 16), 1);
        Object b = new Checked(image(0, 16), 2);
        assertNoLeak(() -> assertThrows(IllegalArgumentException.class, () -> collate(a, b)));
    }

    @Test
    void collatedTensorsAreDistinctObjectsInTheBatch() {
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        try (Batch batch = collate(List.of(floats(1), floats(2)), List.of(floats(3), floats(4)))) {
            seen.put(batch.tensor(0), true);
            seen.put(batch.tensor(1), true);
        }
        assertEquals(2, seen.size());
    }

    @Test
    void recordInformationIsComputedOncePerClass() {
        assertSame(RecordInfo.of(Sample.class), RecordInfo.of(Sample.class));
    }
}
