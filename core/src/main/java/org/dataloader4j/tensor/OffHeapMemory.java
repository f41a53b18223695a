package org.dataloader4j.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the off-heap bytes of the tensors that dataloader4j allocated and that are in use right
 * now: neither closed nor garbage-collected. Programs can report it and tests can check that nothing
 * leaks (the number returns to its earlier value once every owning tensor is closed or collected).
 * Tensors under 1 MiB share 4 MiB blocks, which go back to the system once all their tensors are
 * closed; they leave this count at {@code close()}.
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

    /** {@return bytes of owning tensors that are neither closed nor collected} */
    public static long liveBytes() {
        return LIVE.get();
    }

    /** {@return the largest value {@link #liveBytes()} has had since the JVM started} */
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
