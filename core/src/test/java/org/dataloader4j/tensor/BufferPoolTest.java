package org.dataloader4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    private static final Shape ROWS = Shape.of(16, 64);

    @Test
    void closedTensorsLendTheirMemoryToTheNextOfTheSameSize() {
        try (BufferPool pool = BufferPool.builder().build()) {
            Tensor first = pool.allocate(DType.FLOAT32, ROWS);
            long address = first.data().address();
            first.setFloat(5f, 3, 3);
            first.close();
            assertEquals(ROWS.numel() * 4, pool.pooledBytes());
            Tensor second = pool.allocate(DType.FLOAT32, ROWS);
            assertEquals(address, second.data().address());
            assertEquals(0f, second.getFloat(3, 3), "handed out zeroed");
            assertThrows(IllegalStateException.class, () -> first.getFloat(3, 3), "the old owner cannot see the reuse");
            Tensor other = pool.allocate(DType.FLOAT32, Shape.of(8));
            assertNotEquals(address, other.data().address());
            second.close();
            other.close();
        }
    }

    @Test
    void uninitializedTensorsReuseMemoryWithoutFillingItWhileAllocateStillFills() {
        try (BufferPool pool = BufferPool.builder().fill((byte) 0xA5).build()) {
            try (Tensor fresh = pool.allocateUninitialized(DType.UINT8, Shape.of(4))) {
                assertEquals(0, fresh.getLong(1), "new memory comes zeroed from the system");
                fresh.setLong(7, 1);
            }
            try (Tensor reused = pool.allocateUninitialized(DType.UINT8, Shape.of(4))) {
                assertEquals(7, reused.getLong(1), "not filled: what the last owner wrote is still there");
                reused.setLong(9, 1);
            }
            try (Tensor filled = pool.allocate(DType.UINT8, Shape.of(4))) {
                assertEquals(0xA5, filled.getLong(1));
            }
        }
    }

    @Test
    void aSentinelFillShowsWhatAWriterLeftUntouched() {
        try (BufferPool pool = BufferPool.builder().fill((byte) 0xA5).build()) {
            try (Tensor t = pool.allocate(DType.UINT8, Shape.of(4))) {
                assertEquals(0xA5, t.getLong(2));
            }
        }
    }

    @Test
    void unclosedTensorsAreRecoveredWhenUnreachable() throws InterruptedException {
        try (BufferPool pool = BufferPool.builder().build()) {
            for (int i = 0; i < 10; i++) {
                pool.allocate(DType.INT64, ROWS); // never closed
            }
            for (int i = 0; i < 100 && pool.lentBytes() > 0; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(0, pool.lentBytes());
            assertTrue(pool.pooledBytes() > 0, "recovered memory is pooled again");
        }
    }

    @Test
    void thePoolKeepsAtMostMaxFreePerSizeAndFreesTheRest() {
        long before = OffHeapAssertions.settledLiveBytes();
        try (BufferPool pool = BufferPool.builder().maxFreePerSize(2).build()) {
            List<Tensor> out = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                out.add(pool.allocate(DType.UINT8, Shape.of(1000)));
            }
            out.forEach(Tensor::close);
            assertEquals(2000, pool.pooledBytes());
            assertEquals(before + 2000, OffHeapMemory.liveBytes());
        }
        assertEquals(before, OffHeapMemory.liveBytes(), "closing the pool frees what it kept");
    }

    @Test
    void tensorsStillLentWhenThePoolClosesStayUsableAndAreFreedOnClose() {
        long before = OffHeapAssertions.settledLiveBytes();
        BufferPool pool = BufferPool.builder().build();
        Tensor t = pool.allocate(DType.FLOAT64, Shape.of(10));
        pool.close();
        t.setDouble(2.5, 9);
        assertEquals(2.5, t.getDouble(9));
        assertThrows(IllegalStateException.class, () -> pool.allocate(DType.FLOAT64, Shape.of(1)));
        t.close();
        // t is still referenced, so only close() can have freed it; garbage of earlier tests counted in
        // "before" may be freed by the collector at any moment, hence at most, not exactly, "before"
        OffHeapAssertions.assertNoGrowthSince(before, "the lent tensor, closed after its pool");
    }

    @Test
    void pinnedPoolLocksPagesWhenTheSystemAllows() {
        try (BufferPool pool = BufferPool.builder().pinned(true).build()) {
            Tensor t = pool.allocate(DType.FLOAT32, ROWS);
            assertTrue(pool.isPinned() ? pool.lockedBytes() == ROWS.numel() * 4 : pool.pinFailure().isPresent(),
                    pool.toString());
            assertEquals(0, t.data().address() % 4096, "pinned buffers are page-aligned");
            t.close();
        }
    }

    @Test
    void refusedPinningFallsBackToOrdinaryMemoryAndSaysWhyOnce() {
        AtomicInteger attempts = new AtomicInteger();
        PageLocker refusing = new PageLocker() {
            @Override
            public Optional<String> lock(MemorySegment segment) {
                attempts.incrementAndGet();
                return Optional.of("mlock of " + segment.byteSize() + " bytes failed (ENOMEM)");
            }

            @Override
            public void unlock(MemorySegment segment) {
                throw new AssertionError("nothing was locked");
            }
        };
        try (BufferPool pool = BufferPool.builder().pinned(true).locker(refusing).build()) {
            Tensor a = pool.allocate(DType.FLOAT32, ROWS);
            Tensor b = pool.allocate(DType.FLOAT32, ROWS);
            a.setFloat(1, 0, 0);
            assertFalse(pool.isPinned());
            assertTrue(pool.pinFailure().orElseThrow().contains("ENOMEM"));
            assertEquals(1, attempts.get(), "after one refusal the pool stops trying");
            assertEquals(0, pool.lockedBytes());
            a.close();
            b.close();
        }
    }

    @Test
    void badOptionsAreRefusedNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> BufferPool.builder().maxFreePerSize(-1));
        assertTrue(e.getMessage().contains("maxFreePerSize=-1"), e.getMessage());
    }
}
