package org.dataloader4j.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the off-heap bytes that tensors allocated by dataloader4j hold right now, so that
 * programs and tests can check that nothing leaks (the number returns to its earlier value once
 * every owning tensor is closed or collected).
 *
 * <pre>{@code
 * long before = OffHeapMemory.liveBytes();
 * try (Tensor t = Tensor.zeros(DType.FLOAT32, 1024)) {
 *     assert OffHeapMemory.liveBytes() == before + 4096;
 * }
 * assert OffHeapMemory.liveBytes() == before;
 * }</pre>
 */
public final class OffHeapMemory {
    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong PEAK = new AtomicLong();

    private OffHeapMemory() {
    }

    /** Bytes held by owning tensors that are neither closed nor collected. */
    public static long liveBytes() {
        return LIVE.get();
    }

    /** The largest value {@link #liveBytes()} has had since the JVM started. */
    public static long peakBytes() {
        return PEAK.get();
    }

    static void allocated(long bytes) {
        long now = LIVE.addAndGet(bytes);
        PEAK.accumulateAndGet(now, Math::max);
    }

    static void freed(long bytes) {
        LIVE.addAndGet(-bytes);
    }
}
