package org.dataloader4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorTest {

    @Test
    void zerosHasShapeDtypeAndZeroValues() {
        try (Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3)) {
            assertEquals(Shape.of(2, 3), t.shape());
            assertEquals(DType.FLOAT32, t.dtype());
            assertEquals(6, t.numel());
            assertEquals(24, t.byteSize());
            assertArrayEquals(new float[6], t.toFloatArray());
        }
    }

    @Test
    void everyDtypeRoundTripsThroughJavaArrays() {
        try (Tensor f = Tensor.of(new float[] {1.5f, -2f}, 2);
             Tensor d = Tensor.of(new double[] {1e300, -0.25});
             Tensor l = Tensor.of(new long[] {Long.MIN_VALUE, 7});
             Tensor i = Tensor.of(new int[] {Integer.MAX_VALUE, -1});
             Tensor s = Tensor.of(new short[] {Short.MIN_VALUE, 3});
             Tensor b = Tensor.of(new byte[] {(byte) 255, 1});
             Tensor z = Tensor.of(new boolean[] {true, false})) {
            assertArrayEquals(new float[] {1.5f, -2f}, f.toFloatArray());
            assertArrayEquals(new double[] {1e300, -0.25}, d.toDoubleArray());
            assertArrayEquals(new long[] {Long.MIN_VALUE, 7}, l.toLongArray());
            assertArrayEquals(new int[] {Integer.MAX_VALUE, -1}, i.toIntArray());
            assertArrayEquals(new short[] {Short.MIN_VALUE, 3}, s.toShortArray());
            assertArrayEquals(new byte[] {(byte) 255, 1}, b.toByteArray());
            assertArrayEquals(new boolean[] {true, false}, z.toBooleanArray());
            assertEquals(255, b.getLong(0), "UINT8 reads unsigned");
            assertEquals(255.0, b.getDouble(0));
            assertTrue(z.getBoolean(0));
            assertEquals(DType.UINT8, b.dtype());
            assertEquals(DType.BOOL, z.dtype());
        }
    }

    @Test
    void arrayLengthMustMatchShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void typedAccessorsRefuseOtherDtypesNamingBoth() {
        try (Tensor t = Tensor.zeros(DType.INT64, 3)) {
            var e = assertThrows(IllegalStateException.class, t::toFloatArray);
            assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("INT64"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> t.getFloat(0));
        }
        try (Tensor t = Tensor.zeros(DType.FLOAT32, 3)) {
            var e = assertThrows(IllegalStateException.class, () -> t.getLong(0));
            assertTrue(e.getMessage().contains("getDouble"), e.getMessage());
        }
    }

    @Test
    void elementAccessUsesRowMajorOrder() {
        try (Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3)) {
            assertEquals(5f, t.getFloat(1, 2));
            assertEquals(3f, t.getFloat(1, 0));
            t.setFloat(9f, 0, 1);
            assertArrayEquals(new float[] {0, 9, 2, 3, 4, 5}, t.toFloatArray());
        }
    }

    @Test
    void outOfRangeIndexNamesIndexAndShape() {
        try (Tensor t = Tensor.zeros(DType.FLOAT64, 2, 3)) {
            var e = assertThrows(IndexOutOfBoundsException.class, () -> t.getDouble(1, 3));
            assertTrue(e.getMessage().contains("[1, 3]") && e.getMessage().contains("[2, 3]"), e.getMessage());
            var wrongRank = assertThrows(IllegalArgumentException.class, () -> t.getDouble(1));
            assertTrue(wrongRank.getMessage().contains("expected 2 indices"), wrongRank.getMessage());
        }
    }

    @Test
    void setDoubleConvertsLikeAJavaCast() {
        try (Tensor i = Tensor.zeros(DType.INT32, 1); Tensor u = Tensor.zeros(DType.UINT8, 1);
             Tensor b = Tensor.zeros(DType.BOOL, 1)) {
            i.setDouble(-2.9, 0);
            assertEquals(-2, i.getLong(0));
            u.setDouble(300, 0);
            assertEquals(300 & 0xFF, u.getLong(0));
            b.setDouble(0.5, 0);
            assertTrue(b.getBoolean(0));
        }
    }

    @Test
    void sliceAndSelectAreViewsThatShareMemory() {
        try (Tensor t = Tensor.of(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2)) {
            Tensor rows = t.slice(1, 3);
            assertEquals(Shape.of(2, 2), rows.shape());
            assertArrayEquals(new int[] {2, 3, 4, 5}, rows.toIntArray());
            Tensor row = t.select(3);
            assertEquals(Shape.of(2), row.shape());
            row.setLong(70, 0);
            assertEquals(70, t.getLong(3, 0), "a write through the view is visible in the original");
            assertFalse(row.ownsMemory());
            row.close(); // closing a view frees nothing
            assertEquals(70, t.getLong(3, 0));
        }
    }

    @Test
    void sliceAndSelectBoundsAreChecked() {
        try (Tensor t = Tensor.zeros(DType.FLOAT32, 4, 2)) {
            var e = assertThrows(IndexOutOfBoundsException.class, () -> t.slice(2, 5));
            assertTrue(e.getMessage().contains("[2, 5)") && e.getMessage().contains("4"), e.getMessage());
            var s = assertThrows(IndexOutOfBoundsException.class, () -> t.select(4));
            assertTrue(s.getMessage().contains("index 4") && s.getMessage().contains("[4, 2]"), s.getMessage());
            try (Tensor scalar = Tensor.scalar(DType.FLOAT32, 1)) {
                assertThrows(IllegalStateException.class, () -> scalar.select(0));
            }
        }
    }

    @Test
    void reshapeInfersOneDimensionAndRefusesWrongCounts() {
        try (Tensor t = Tensor.of(new long[] {0, 1, 2, 3, 4, 5})) {
            Tensor r = t.reshape(3, -1);
            assertEquals(Shape.of(3, 2), r.shape());
            assertEquals(3, r.getLong(1, 1));
            var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, -1));
            assertTrue(e.getMessage().contains("[6]") || e.getMessage().contains("6 elements"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
            assertThrows(IllegalArgumentException.class, () -> t.reshape(5));
        }
    }

    @Test
    void stackAddsANewFirstDimensionAndCopies() {
        try (Tensor a = Tensor.of(new float[] {1, 2}); Tensor b = Tensor.of(new float[] {3, 4});
             Tensor s = Tensor.stack(a, b)) {
            assertEquals(Shape.of(2, 2), s.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4}, s.toFloatArray());
            a.setFloat(100, 0);
            assertEquals(1f, s.getFloat(0, 0), "stack copies");
        }
    }

    @Test
    void stackRefusesMismatchedShapesNamingPositions() {
        try (Tensor a = Tensor.zeros(DType.FLOAT32, 3); Tensor b = Tensor.zeros(DType.FLOAT32, 3);
             Tensor c = Tensor.zeros(DType.FLOAT32, 4)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Tensor.stack(List.of(a, b, c)));
            assertTrue(e.getMessage().contains("position 2") && e.getMessage().contains("[4]")
                    && e.getMessage().contains("[3]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Tensor.stack(List.of()));
        }
    }

    @Test
    void closeFreesLargeTensorsAtOnceAndLaterAccessThrows() {
        long before = OffHeapMemory.liveBytes();
        Tensor t = Tensor.zeros(DType.FLOAT64, 1 << 18); // 2 MiB
        Tensor view = t.select(5);
        assertEquals(before + (8 << 18), OffHeapMemory.liveBytes());
        t.close();
        t.close(); // idempotent
        assertEquals(before, OffHeapMemory.liveBytes());
        assertThrows(IllegalStateException.class, () -> t.getDouble(0));
        assertThrows(IllegalStateException.class, view::getDouble);
        assertThrows(IllegalStateException.class, t::data);
        assertTrue(t.toString().contains("closed"), t.toString());
    }

    @Test
    void closedSmallTensorsRefuseUseAndAreFreedByTheNextCollection() throws InterruptedException {
        Tensor t = Tensor.zeros(DType.FLOAT32, 16, 4);
        Tensor view = t.slice(2, 4);
        t.close();
        var e = assertThrows(IllegalStateException.class, () -> t.getFloat(0, 0));
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("[16, 4]"), e.getMessage());
        assertThrows(IllegalStateException.class, view::toFloatArray);
        assertThrows(IllegalStateException.class, () -> Tensor.stack(view, view));
        assertTrue(view.toString().contains("closed"), view.toString());
    }

    @Test
    void zerosAreZeroEvenInMemoryThatEarlierTensorsWroteAndClosed() {
        for (int round = 0; round < 3; round++) {
            List<Tensor> dirty = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {   // about five 4 MiB blocks, recycled for the next round
                Tensor t = Tensor.empty(DType.UINT8, Shape.of(500_000));
                t.data().fill((byte) 0x5A);
                dirty.add(t);
            }
            MemorySegment stale = dirty.get(20).data(); // in a middle block: only this loop's tensors share it
            dirty.forEach(Tensor::close);
            assertThrows(IllegalStateException.class, () -> stale.get(ValueLayout.JAVA_BYTE, 0),
                    "a block's memory reused under a new arena is not reachable through the old one");
            for (int i = 0; i < 40; i++) {
                try (Tensor z = Tensor.zeros(DType.UINT8, 500_000)) {
                    MemorySegment seg = z.data();
                    assertEquals(-1L, seg.mismatch(MemorySegment.ofArray(new byte[500_000])), "zeros, round " + round);
                }
            }
        }
    }

    @Test
    void emptyTensorsHaveTheirShapeAndAreOwnedLikeZeros() {
        Tensor t = Tensor.empty(DType.FLOAT32, Shape.of(3, 4));
        assertEquals(Shape.of(3, 4), t.shape());
        assertEquals(48, t.data().byteSize());
        t.setFloat(1.5f, 2, 3);
        assertEquals(1.5f, t.getFloat(2, 3));
        t.close();
        assertThrows(IllegalStateException.class, () -> t.getFloat(0, 0));
        try (Tensor big = Tensor.empty(DType.UINT8, Shape.of(Storage.IMMEDIATE_FREE_BYTES + 1))) {
            assertEquals(Storage.IMMEDIATE_FREE_BYTES + 1, big.data().byteSize());
        }
    }

    @Test
    void closingSmallTensorsFreesTheirBlocksWithoutWaitingForTheGarbageCollector() {
        int before = Slab.openSlabs();
        List<Tensor> many = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(Tensor.zeros(DType.UINT8, 500_000)); // 40 x 0.5 MB: about five 4 MiB blocks
        }
        assertTrue(Slab.openSlabs() >= before + 4, "blocks in use: " + Slab.openSlabs());
        MemorySegment raw = many.getFirst().data();
        many.forEach(Tensor::close);
        assertTrue(Slab.openSlabs() <= before + 1, "only the allocator's current block may stay open: "
                + Slab.openSlabs() + " (was " + before + ")");
        assertThrows(IllegalStateException.class, () -> raw.get(ValueLayout.JAVA_BYTE, 0),
                "a raw segment of a freed block throws instead of reading freed memory");
    }

    @Test
    void unclosedTensorsAreFreedByTheGarbageCollector() {
        long before = OffHeapAssertions.settledLiveBytes();
        for (int i = 0; i < 50; i++) {
            Tensor.zeros(DType.UINT8, 1 << 16); // small, never closed
        }
        Tensor.zeros(DType.UINT8, 1 << 21); // large, never closed
        assertTrue(OffHeapMemory.liveBytes() >= before + (1 << 21));
        OffHeapAssertions.assertNoGrowthSince(before, "unclosed tensors");
    }

    @Test
    void wrappedAndArenaMemoryIsBorrowedNotOwned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(16);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, 4, 42);
            Tensor t = Tensor.wrap(seg, DType.INT32, 2, 2);
            assertEquals(42, t.getLong(0, 1));
            t.close();
            assertEquals(42, seg.get(ValueLayout.JAVA_INT_UNALIGNED, 4), "closing a wrapped tensor frees nothing");
            assertFalse(t.ownsMemory());
            Tensor a = Tensor.allocate(arena, DType.FLOAT32, 3);
            a.close();
            a.setFloat(1, 2);
            var e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(seg, DType.FLOAT64, 3));
            assertTrue(e.getMessage().contains("16 bytes") && e.getMessage().contains("24"), e.getMessage());
        }
    }

    @Test
    void largerThanTwoGigabytesIsAddressedWithLongs(@TempDir Path dir) throws IOException {
        // A sparse 3 GiB file mapped into memory: only the touched pages are real, so the test is cheap,
        // but every offset past 2^31 must be computed with longs.
        long bytes = 3L << 30;
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(dir.resolve("big.bin"), StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            ch.truncate(bytes);
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            Tensor t = Tensor.wrap(mapped, DType.FLOAT32, bytes / 4 / 1024, 1024);
            long last = t.shape().dim(0) - 1;
            t.setFloat(7.5f, last, 1023);
            assertEquals(7.5f, t.select(last).getFloat(1023));
            assertEquals(7.5f, t.slice(last, last + 1).reshape(-1).getFloat(1023));
            assertEquals(7.5f, mapped.get(ValueLayout.JAVA_FLOAT_UNALIGNED, bytes - 4));
        }
    }

    @Test
    void toStringShowsDtypeShapeAndFirstValues() {
        try (Tensor t = Tensor.of(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f}, 2, 4)) {
            assertEquals("Tensor(FLOAT32, [2, 4], [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, ...])", t.toString());
        }
        try (Tensor t = Tensor.of(new boolean[] {true})) {
            assertEquals("Tensor(BOOL, [1], [true])", t.toString());
        }
    }

    @Test
    void contentEqualsComparesDtypeShapeAndBytes() {
        try (Tensor a = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2); Tensor b = a.copy();
             Tensor c = Tensor.of(new int[] {1, 2, 3, 4})) {
            assertTrue(a.contentEquals(b));
            assertFalse(a.contentEquals(c), "different shape");
            b.setLong(9, 1, 1);
            assertFalse(a.contentEquals(b));
        }
    }

    @Test
    void shapeRefusesNegativeDimensions() {
        var e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
