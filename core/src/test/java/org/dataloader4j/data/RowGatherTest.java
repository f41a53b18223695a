package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.dataloader4j.internal.BundledLibrary;
import org.dataloader4j.random.CounterRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The row gather gives the bytes of a Java copy loop whichever way it copies: natively with prefetching (plain
 * native memory, rows of 64 bytes and more) or in Java (heap arrays, file mappings, short rows), and it refuses rows
 * outside either segment before the native code could touch them.
 */
class RowGatherTest {

    private static MemorySegment filled(Arena arena, long bytes, long key) {
        MemorySegment segment = arena.allocate(bytes, 64);
        CounterRandom rng = CounterRandom.fromKey(key);
        for (long i = 0; i < bytes; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) rng.nextInt(256));
        }
        return segment;
    }

    /** The expected batch: one MemorySegment.copy per row. */
    private static byte[] reference(MemorySegment from, long[] indices, int[] rows, long rowBytes, long targetBytes) {
        MemorySegment expected = MemorySegment.ofArray(new byte[(int) targetBytes]);
        for (int k = 0; k < indices.length; k++) {
            MemorySegment.copy(from, indices[k] * rowBytes, expected, rows[k] * rowBytes, rowBytes);
        }
        return expected.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Skips the test when this build compiled no native row gather (no C compiler). */
    private static void assumeTheBuildHasTheKernel() {
        String resource = "native/" + BundledLibrary.platform() + "/libdl4jrows.so";
        assumeTrue(RowGather.class.getClassLoader().getResource(resource) != null,
                "this build has no native row gather (no C compiler): " + RowGather.describe());
    }

    @Test
    void theBuildsNativeKernelIsLoadedWhereTheBuildHasIt() {
        assumeTheBuildHasTheKernel();
        assertTrue(RowGather.nativeAvailable(), RowGather.describe());
        assertTrue(RowGather.describe().startsWith("native row gather"), RowGather.describe());
    }

    @Test
    void copyingRowsLoadsTheKernelInTheBackground() throws InterruptedException {
        assumeTheBuildHasTheKernel();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = filled(arena, 4 * 64, 6);
            MemorySegment to = arena.allocate(64, 64);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!RowGather.nativeReady() && System.nanoTime() < deadline) {
                RowGather.copy(from, to, new long[] {3}, new int[] {0}, 64); // in Java until the kernel is ready
                assertArrayEquals(from.asSlice(3 * 64, 64).toArray(ValueLayout.JAVA_BYTE),
                        to.toArray(ValueLayout.JAVA_BYTE));
                Thread.sleep(5);
            }
            assertTrue(RowGather.nativeReady(), "the kernel was not loaded within 10 s: " + RowGather.describe());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {8, 63, 64, 100, 1024, 5000})
    void nativeAndJavaGiveTheBytesOfOneCopyPerRow(long rowBytes) {
        int sourceRows = 300;
        int batch = 37;
        CounterRandom rng = CounterRandom.fromKey(rowBytes);
        long[] indices = new long[batch];
        int[] rows = new int[batch];
        for (int k = 0; k < batch; k++) {
            indices[k] = rng.nextInt(sourceRows);
            rows[k] = batch - 1 - k;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = filled(arena, sourceRows * rowBytes, rowBytes);
            byte[] expected = reference(from, indices, rows, rowBytes, batch * rowBytes);
            for (boolean useNative : new boolean[] {false, true}) {
                MemorySegment to = arena.allocate(batch * rowBytes, 64);
                RowGather.copy(from, to, indices, rows, rowBytes, useNative);
                assertArrayEquals(expected, to.toArray(ValueLayout.JAVA_BYTE), "native=" + useNative);
            }
        }
    }

    @Test
    void rowsLongerThanOneCallAreCopiedInSeveralCalls() {
        long rowBytes = RowGather.MAX_BYTES_PER_CALL / 2 + 64; // one row per call
        long[] indices = {2, 0, 1};
        int[] rows = {0, 1, 2};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = filled(arena, 3 * rowBytes, 5);
            MemorySegment to = arena.allocate(3 * rowBytes, 64);
            RowGather.copy(from, to, indices, rows, rowBytes);
            assertArrayEquals(reference(from, indices, rows, rowBytes, 3 * rowBytes), to.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void aBatchSharingTheSourcesMemoryGetsTheRowsBytesAsJavaWould() {
        long rowBytes = 128;
        long[] indices = {0};
        int[] rows = {0};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment whole = filled(arena, 4 * rowBytes, 9);
            byte[] expected = whole.asSlice(0, rowBytes).toArray(ValueLayout.JAVA_BYTE);
            // the target starts half a row into the source: the row copied overlaps the row read
            RowGather.copy(whole, whole.asSlice(rowBytes / 2, 2 * rowBytes), indices, rows, rowBytes);
            assertArrayEquals(expected, whole.asSlice(rowBytes / 2, rowBytes).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void heapArraysAndFileMappingsAreCopiedInJava(@TempDir Path dir) throws IOException {
        long rowBytes = 256;
        long[] indices = {3, 1};
        int[] rows = {1, 0};
        byte[] source = new byte[(int) (4 * rowBytes)];
        for (int i = 0; i < source.length; i++) {
            source[i] = (byte) (i * 7);
        }
        MemorySegment heap = MemorySegment.ofArray(source);
        byte[] expected = reference(heap, indices, rows, rowBytes, 2 * rowBytes);
        MemorySegment heapTarget = MemorySegment.ofArray(new byte[(int) (2 * rowBytes)]);
        RowGather.copy(heap, heapTarget, indices, rows, rowBytes);
        assertArrayEquals(expected, heapTarget.toArray(ValueLayout.JAVA_BYTE));

        Path file = Files.write(dir.resolve("rows.bin"), source);
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, source.length, arena);
            assertTrue(mapped.isMapped());
            MemorySegment to = arena.allocate(2 * rowBytes, 64);
            RowGather.copy(mapped, to, indices, rows, rowBytes);
            assertArrayEquals(expected, to.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void rowsOutsideEitherSegmentAreRefusedNamingThem() {
        long rowBytes = 64;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = filled(arena, 10 * rowBytes, 1);
            MemorySegment to = arena.allocate(4 * rowBytes, 64);
            for (boolean useNative : new boolean[] {false, true}) {
                var index = assertThrows(IndexOutOfBoundsException.class,
                        () -> RowGather.copy(from, to, new long[] {10}, new int[] {0}, rowBytes, useNative));
                var row = assertThrows(IndexOutOfBoundsException.class,
                        () -> RowGather.copy(from, to, new long[] {1}, new int[] {4}, rowBytes, useNative));
                if (useNative && RowGather.nativeAvailable()) {
                    assertEquals("row 10 is outside a tensor of 10 rows of 64 bytes", index.getMessage());
                    assertEquals("batch row 4 is outside a batch tensor of 4 rows of 64 bytes", row.getMessage());
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> RowGather.copy(from, to, new long[] {1, 2}, new int[] {0}, rowBytes));
        }
    }

    @Test
    void aReadOnlyBatchIsRefusedAsJavaRefusesItAndLeftUnwritten() {
        long rowBytes = 64;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = filled(arena, 4 * rowBytes, 3);
            MemorySegment to = arena.allocate(2 * rowBytes, 64);
            for (boolean useNative : new boolean[] {false, true}) {
                assertThrows(IllegalArgumentException.class, () -> RowGather.copy(from, to.asReadOnly(),
                        new long[] {1, 2}, new int[] {0, 1}, rowBytes, useNative));
                assertArrayEquals(new byte[(int) (2 * rowBytes)], to.toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void aClosedSegmentFailsAsInJavaInsteadOfBeingRead() {
        long rowBytes = 64;
        MemorySegment from;
        try (Arena arena = Arena.ofConfined()) {
            from = filled(arena, 4 * rowBytes, 2);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment to = arena.allocate(4 * rowBytes, 64);
            for (boolean useNative : new boolean[] {false, true}) {
                assertThrows(IllegalStateException.class,
                        () -> RowGather.copy(from, to, new long[] {1}, new int[] {0}, rowBytes, useNative));
            }
        }
    }
}
