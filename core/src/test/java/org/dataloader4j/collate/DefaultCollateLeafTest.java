package org.dataloader4j.collate;

import static org.dataloader4j.collate.CollateTesting.assertMessageContains;
import static org.dataloader4j.collate.CollateTesting.assertNoLeak;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.dataloader4j.data.Datasets;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.tensor.TensorAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default collate with custom leaf types registered through {@link DefaultCollate#builder()}. */
class DefaultCollateLeafTest {

    /** A type the built-in rules do not batch. */
    static final class Money {
        final long cents;

        Money(long cents) {
            this.cents = cents;
        }
    }

    /** A record the built-in rules would batch component by component; a leaf replaces that. */
    record Point(double x, double y) {
    }

    record Inner(Money fee, List<Point> path) {
    }

    record Sample(Tensor image, List<Point> keypoints, Map<String, Money> prices, Inner inner) {
    }

    record Rebuilt(Object fee) {
    }

    record FeeThenUnknown(Money fee, Unknown u) {
    }

    record Holder(Tensor t) {
    }

    record Outer(Holder h) {
    }

    record Bag(List<Holder> items, Tensor weight) {
    }

    record Tagged(Tensor image, Object caption) {
    }

    interface Shape2D {
        double area();
    }

    record Circle(double r) implements Shape2D {
        @Override
        public double area() {
            return 3 * r * r;
        }
    }

    record Square(double side) implements Shape2D {
        @Override
        public double area() {
            return side * side;
        }
    }

    static class Animal {
    }

    static class Dog extends Animal {
    }

    static class Puppy extends Dog {
    }

    interface Marker {
    }

    static class Base {
    }

    static final class Both extends Base implements Marker {
    }

    static final class Unknown {
    }

    /** Money as an INT64 tensor of cents. */
    private static Tensor cents(List<Money> values, TensorAllocator allocator) {
        Tensor out = allocator.allocateUninitialized(DType.INT64, Shape.of(values.size()));
        for (int i = 0; i < values.size(); i++) {
            out.setLong(values.get(i).cents, i);
        }
        return out;
    }

    /** Points as a FLOAT64 tensor [B, 2]. */
    private static Tensor points(List<Point> values, TensorAllocator allocator) {
        Tensor out = allocator.allocate(DType.FLOAT64, Shape.of(values.size(), 2));
        for (int i = 0; i < values.size(); i++) {
            out.setDouble(values.get(i).x(), i, 0);
            out.setDouble(values.get(i).y(), i, 1);
        }
        return out;
    }

    private static DefaultCollate moneyAndPoints() {
        return DefaultCollate.builder()
                .leaf(Money.class, (List<Money> v, TensorAllocator a) -> cents(v, a))
                .leaf(Point.class, (List<Point> v, TensorAllocator a) -> points(v, a))
                .build();
    }

    private static Sample sample(int i) {
        Tensor image = Tensor.of(new float[] {i, i + 0.5f}, 2);
        List<Point> keypoints = List.of(new Point(i, -i), new Point(10 * i, 0.25));
        Map<String, Money> prices = Map.of("net", new Money(100 + i));
        Inner inner = new Inner(new Money(7 * i), List.of(new Point(i, i)));
        return new Sample(image, keypoints, prices, inner);
    }

    @Test
    void customLeavesAreBatchedAtEveryDepthOfRecordsListsAndMaps() {
        List<Object> samples = List.of(sample(1), sample(2), sample(3));
        try (Batch batch = moneyAndPoints().collate(samples)) {
            assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f, 3, 3.5f}, batch.tensor("image").toFloatArray());
            List<?> keypoints = (List<?>) batch.get("keypoints");
            assertEquals(2, keypoints.size());
            assertArrayEquals(new double[] {1, -1, 2, -2, 3, -3}, ((Tensor) keypoints.get(0)).toDoubleArray());
            assertArrayEquals(new double[] {10, 0.25, 20, 0.25, 30, 0.25}, ((Tensor) keypoints.get(1)).toDoubleArray());
            Map<?, ?> prices = (Map<?, ?>) batch.get("prices");
            assertArrayEquals(new long[] {101, 102, 103}, ((Tensor) prices.get("net")).toLongArray());
            Map<?, ?> inner = (Map<?, ?>) batch.get("inner");
            assertArrayEquals(new long[] {7, 14, 21}, ((Tensor) inner.get("fee")).toLongArray());
            Tensor path0 = (Tensor) ((List<?>) inner.get("path")).getFirst();
            assertEquals(Shape.of(3, 2), path0.shape());
            assertArrayEquals(new double[] {1, 1, 2, 2, 3, 3}, path0.toDoubleArray());
        }
    }

    @Test
    void aColumnOfCustomValuesAtTheTopIsHandedToItsLeaf() {
        try (Batch batch = moneyAndPoints().collate(List.of(new Money(5), new Money(6)))) {
            assertArrayEquals(new long[] {5, 6}, batch.tensor().toLongArray());
            assertEquals(2, batch.size());
        }
    }

    @Test
    void aRecordWhoseComponentIsDeclaredObjectIsRebuiltAroundTheLeafsValue() {
        try (Batch batch = moneyAndPoints().collate(List.of(new Rebuilt(new Money(1)), new Rebuilt(new Money(2))))) {
            Rebuilt rebuilt = batch.content(Rebuilt.class);
            assertArrayEquals(new long[] {1, 2}, ((Tensor) rebuilt.fee()).toLongArray());
        }
    }

    @Test
    void aRecordWithAComponentALeafMayTakeBecomesAMapInsteadOfFailingItsConstructor() {
        Tensor a = Tensor.of(new float[] {1}, 1);
        Tensor b = Tensor.of(new float[] {2}, 1);
        List<Object> outers = List.of(new Outer(new Holder(a)), new Outer(new Holder(b)));
        try (Batch batch = Collate.defaultCollate().collate(outers)) {
            assertArrayEquals(new float[] {1, 2}, batch.content(Outer.class).h().t().toFloatArray());
        }
        DefaultCollate holders = DefaultCollate.builder()
                .leaf(Holder.class, (List<Holder> v, TensorAllocator alloc) -> "holders:" + v.size()).build();
        try (Batch batch = holders.collate(outers)) {
            assertEquals(Map.of("h", "holders:2"), batch.content());
        }
        List<Object> bags = List.of(new Bag(List.of(new Holder(a)), a), new Bag(List.of(new Holder(b)), b));
        try (Batch batch = holders.collate(bags)) {
            assertEquals(List.of("holders:2"), batch.get("items"));
            assertArrayEquals(new float[] {1, 2}, batch.tensor("weight").toFloatArray());
        }
        // a leaf for an unrelated type leaves the decision as it was
        try (Batch batch = moneyAndPoints().collate(outers)) {
            assertArrayEquals(new float[] {1, 2}, batch.content(Outer.class).h().t().toFloatArray());
        }
    }

    @Test
    void theLeafGetsTheValuesInBatchOrderAsAnUnmodifiableList() {
        List<List<Money>> seen = new ArrayList<>();
        DefaultCollate collate = DefaultCollate.builder().leaf(Money.class, (List<Money> v, TensorAllocator a) -> {
            seen.add(v);
            return v.size();
        }).build();
        Money a = new Money(1);
        Money b = new Money(2);
        try (Batch batch = collate.collate(List.of(List.of(a, b), List.of(b, a)))) {
            assertEquals(List.of(2, 2), batch.content());
        }
        assertEquals(2, seen.size());
        assertSame(a, seen.get(0).get(0));
        assertSame(b, seen.get(0).get(1));
        assertSame(b, seen.get(1).get(0));
        assertSame(a, seen.get(1).get(1));
        assertThrows(UnsupportedOperationException.class, () -> seen.getFirst().add(a));
    }

    @Test
    void anInterfaceLeafBatchesEveryImplementationEvenMixed() {
        DefaultCollate collate = DefaultCollate.builder().leaf(Shape2D.class, (List<Shape2D> shapes, TensorAllocator a) -> {
            Tensor out = a.allocate(DType.FLOAT64, Shape.of(shapes.size()));
            for (int i = 0; i < shapes.size(); i++) {
                out.setDouble(shapes.get(i).area(), i);
            }
            return out;
        }).build();
        try (Batch batch = collate.collate(List.of(Map.of("s", new Circle(1)), Map.of("s", new Square(2))))) {
            assertArrayEquals(new double[] {3, 4}, batch.tensor("s").toDoubleArray());
        }
        assertEquals(Optional.of(Shape2D.class), collate.leafTypeFor(Circle.class));
    }

    @Test
    void theExactClassWinsThenTheNearestRegisteredSupertype() {
        DefaultCollate collate = DefaultCollate.builder()
                .leaf(Animal.class, (List<Animal> v, TensorAllocator a) -> "animals")
                .leaf(Dog.class, (List<Dog> v, TensorAllocator a) -> "dogs")
                .build();
        assertEquals(Optional.of(Dog.class), collate.leafTypeFor(Puppy.class));
        assertEquals(Optional.of(Dog.class), collate.leafTypeFor(Dog.class));
        assertEquals(Optional.of(Animal.class), collate.leafTypeFor(Animal.class));
        assertEquals(Optional.empty(), collate.leafTypeFor(String.class));
        try (Batch batch = collate.collate(List.of(List.of(new Puppy(), new Animal()), List.of(new Dog(), new Animal())))) {
            assertEquals(List.of("dogs", "animals"), batch.content());
        }
    }

    @Test
    void twoEquallyNearLeavesAreAnErrorNamingBoth() {
        DefaultCollate collate = DefaultCollate.builder()
                .leaf(Base.class, (List<Base> v, TensorAllocator a) -> "base")
                .leaf(Marker.class, (List<Marker> v, TensorAllocator a) -> "marker")
                .build();
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate.collate(List.of(Map.of("x", new Both()), Map.of("x", new Both()))));
        assertMessageContains(e, "cannot collate 'x'", Both.class.getTypeName(), Base.class.getTypeName(),
                Marker.class.getTypeName(), "equally closely", "register a leaf for " + Both.class.getTypeName());
        var direct = assertThrows(IllegalArgumentException.class, () -> collate.leafTypeFor(Both.class));
        assertMessageContains(direct, Base.class.getTypeName(), Marker.class.getTypeName());
    }

    @Test
    void aRegisteredLeafReplacesABuiltInRule() {
        DefaultCollate joined = DefaultCollate.builder()
                .leaf(String.class, (List<String> v, TensorAllocator a) -> String.join("|", v))
                .build();
        List<Object> samples = List.of(new Tagged(Tensor.of(new float[] {1}, 1), "a cat"),
                new Tagged(Tensor.of(new float[] {2}, 1), "a dog"));
        try (Batch batch = joined.collate(samples)) {
            assertEquals("a cat|a dog", batch.content(Tagged.class).caption());
            assertArrayEquals(new float[] {1, 2}, batch.tensor("image").toFloatArray());
        }
        try (Batch batch = Collate.defaultCollate().collate(samples)) {
            assertEquals(List.of("a cat", "a dog"), batch.content(Tagged.class).caption());
        }
        // a StringBuilder is not a String: the built-in CharSequence rule still batches it
        try (Batch batch = joined.collate(List.of(new StringBuilder("x"), new StringBuilder("y")))) {
            assertEquals(List.of("x", "y"), batch.content());
        }
    }

    @Test
    void aValueThatIsNotOfTheFirstValuesLeafTypeNamesPositionsAndTypes() {
        List<Object> samples = List.of(Map.of("fee", new Money(1)), Map.of("fee", new Money(2)),
                Map.of("fee", "free"));
        var e = assertThrows(IllegalArgumentException.class, () -> moneyAndPoints().collate(samples));
        assertMessageContains(e, "cannot collate 'fee'", "batch position 0 is a Money", "leaf registered for "
                + Money.class.getTypeName(), "position 2 is a String", "not a Money");
    }

    @Test
    void aFailingLeafIsReportedWithPathAndPositionsAndItsCause() {
        IllegalStateException cause = new IllegalStateException("negative amount");
        DefaultCollate collate = DefaultCollate.builder().leaf(Money.class, (List<Money> v, TensorAllocator a) -> {
            throw cause;
        }).build();
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate.collate(List.of(new Rebuilt(new Money(1)), new Rebuilt(new Money(2)),
                        new Rebuilt(new Money(3)))));
        assertMessageContains(e, "cannot collate 'fee'", "the leaf registered for " + Money.class.getTypeName()
                + " failed on the 3 values at batch positions 0 to 2", "negative amount");
        assertSame(cause, e.getCause());
    }

    @Test
    void aLeafReturningNullIsAnError() {
        DefaultCollate collate = DefaultCollate.builder().leaf(Money.class, (List<Money> v, TensorAllocator a) -> null)
                .build();
        var e = assertThrows(IllegalArgumentException.class,
                () -> collate.collate(List.of(List.of(new Money(1)), List.of(new Money(2)))));
        assertMessageContains(e, "cannot collate '[0]'", "returned null", "batch positions 0 to 1");
    }

    @Test
    void anUnsupportedTypeNamesTheRegisteredLeavesAndHowToAddOne() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> moneyAndPoints().collate(List.of(Map.of("u", new Unknown()), Map.of("u", new Unknown()))));
        assertMessageContains(e, "cannot collate 'u'", Unknown.class.getTypeName() + " is not supported", "batch position 0",
                "registered leaf types " + Money.class.getTypeName() + ", " + Point.class.getTypeName(),
                "DefaultCollate.builder().leaf(Unknown.class, ...)");
        var plain = assertThrows(IllegalArgumentException.class,
                () -> Collate.defaultCollate().collate(List.of(new Unknown())));
        assertMessageContains(plain, "DefaultCollate.builder().leaf(Unknown.class, ...)");
        assertTrue(!plain.getMessage().contains("registered leaf types"), plain.getMessage());
    }

    @Test
    void theBuilderRefusesObjectPrimitivesAndDuplicates() {
        LeafCollator<Object> any = (v, a) -> v;
        var object = assertThrows(IllegalArgumentException.class, () -> DefaultCollate.builder().leaf(Object.class, any));
        assertMessageContains(object, "Object", "every value");
        var primitive = assertThrows(IllegalArgumentException.class, () -> DefaultCollate.builder().leaf(int.class, any));
        assertMessageContains(primitive, "primitive type int", "Integer");
        var twice = assertThrows(IllegalArgumentException.class,
                () -> DefaultCollate.builder().leaf(Money.class, any).leaf(Money.class, any));
        assertMessageContains(twice, Money.class.getTypeName(), "already registered");
        assertThrows(NullPointerException.class, () -> DefaultCollate.builder().leaf(Money.class, null));
        assertThrows(NullPointerException.class, () -> DefaultCollate.builder().leaf(null, any));
    }

    @Test
    void withoutLeavesTheBuilderGivesTheDefaultInstance() {
        assertSame(Collate.defaultCollate(), DefaultCollate.builder().build());
        assertEquals("DefaultCollate", DefaultCollate.builder().build().toString());
        DefaultCollate custom = moneyAndPoints();
        assertEquals("DefaultCollate(leaves: " + Money.class.getTypeName() + ", " + Point.class.getTypeName() + ")",
                custom.toString());
        assertEquals(Set.of(Money.class, Point.class), custom.leafTypes());
        assertSame(custom, custom.typed());
    }

    @Test
    void theBatchOwnsWhatLeavesAllocateAndAFailureLaterFreesIt() {
        assertNoLeak(() -> {
            try (Batch batch = moneyAndPoints().collate(List.of(sample(1), sample(2)))) {
                assertEquals(6, batch.tensor("image").numel() + ((Tensor) ((Map<?, ?>) batch.get("prices"))
                        .get("net")).numel());
            }
        });
        AtomicInteger calls = new AtomicInteger();
        DefaultCollate collate = DefaultCollate.builder()
                .leaf(Money.class, (List<Money> v, TensorAllocator a) -> {
                    calls.incrementAndGet();
                    return cents(v, a);
                }).build();
        assertNoLeak(() -> assertThrows(IllegalArgumentException.class, () -> collate.collate(List.of(
                new FeeThenUnknown(new Money(1), new Unknown()), new FeeThenUnknown(new Money(2), new Unknown())))));
        assertEquals(1, calls.get(), "the leaf ran, and its tensor was freed when the next component failed");
    }

    private static List<String> describe(DataLoader<Batch> loader) {
        List<String> out = new ArrayList<>();
        for (Batch batch : loader.epoch(3)) {
            try (batch) {
                Map<?, ?> inner = (Map<?, ?>) batch.get("inner");
                out.add(batch.size() + " " + java.util.Arrays.toString(batch.tensor("image").toFloatArray()) + " "
                        + java.util.Arrays.toString(((Tensor) inner.get("fee")).toLongArray()) + " "
                        + java.util.Arrays.toString(((Tensor) ((List<?>) batch.get("keypoints")).get(1))
                                .toDoubleArray()));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aDataLoaderDeliversTheSameBatchesAtAnyWorkerCount(int workers) {
        var dataset = Datasets.of(IntStream.range(0, 23).mapToObj(DefaultCollateLeafTest::sample).toList());
        List<String> expected;
        try (DataLoader<Batch> serial = DataLoader.builder(dataset).batchSize(4).shuffle(true).seed(11)
                .collate(moneyAndPoints()).build()) {
            expected = describe(serial);
        }
        var builder = DataLoader.builder(dataset).batchSize(4).shuffle(true).seed(11).collate(moneyAndPoints());
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        try (DataLoader<Batch> loader = builder.build()) {
            List<String> batches = describe(loader);
            assertEquals(expected, batches);
            assertEquals(6, batches.size());
            assertTrue(batches.getLast().startsWith("3 "), batches.getLast());
        }
        // the same values as collating the epoch's samples by hand
        try (DataLoader<Batch> loader = DataLoader.builder(dataset).batchSize(23).collate(moneyAndPoints()).build();
             Batch all = loader.epoch(0).iterator().next()) {
            Tensor fees = (Tensor) ((Map<?, ?>) all.get("inner")).get("fee");
            assertArrayEquals(IntStream.range(0, 23).mapToLong(i -> 7L * i).toArray(), fees.toLongArray());
        }
    }
}
