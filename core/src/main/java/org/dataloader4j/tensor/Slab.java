package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block of off-heap memory in one shared {@link Arena} from which small tensors take consecutive slices, so that
 * the costly close of a shared arena (~75 µs, a handshake with every thread) is paid once per block instead of once
 * per tensor. The block is freed as soon as the last of its slices is released (closed, or its tensor collected)
 * and the allocator has moved on to a newer block. A released slice is never handed out again, so a stale raw
 * segment can read old bytes but never another tensor's data, and never freed memory: once the arena is closed,
 * access throws.
 */
final class Slab {
    static final long SIZE = 4L << 20;
    private static final long ALIGNMENT = 64;
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static Slab current; // guarded by Slab.class

    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final AtomicInteger references = new AtomicInteger(1); // 1 = the allocator's, while current
    private long used; // guarded by Slab.class

    private Slab() {
        MemorySegment s;
        try {
            s = arena.allocate(SIZE, ALIGNMENT);
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
        segment = s;
        OPEN.incrementAndGet();
    }

    /** A zeroed slice of {@code bytes} (less than {@link #SIZE}) and the slab to release it to. */
    record Slice(Slab slab, MemorySegment segment) {
    }

    static synchronized Slice take(long bytes) {
        long size = Math.max(bytes, 1);
        if (current == null || alignUp(current.used) + size > SIZE) {
            Slab previous = current;
            current = new Slab();
            if (previous != null) {
                previous.release(); // the allocator's reference: the block closes when its slices are gone
            }
        }
        long at = alignUp(current.used);
        current.used = at + size;
        current.references.incrementAndGet();
        return new Slice(current, current.segment.asSlice(at, bytes));
    }

    private static long alignUp(long offset) {
        return (offset + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Gives back one reference (a slice, or the allocator's); the last one frees the block. */
    void release() {
        if (references.decrementAndGet() == 0) {
            arena.close();
            OPEN.decrementAndGet();
        }
    }

    /** Blocks allocated and not yet freed (for tests: the count returns to its value once slices are released). */
    static int openSlabs() {
        return OPEN.get();
    }
}
