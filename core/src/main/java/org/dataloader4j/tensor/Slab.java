package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block of off-heap memory in one shared {@link Arena} from which small tensors take consecutive slices, so that
 * the costly close of a shared arena (~75 µs, a handshake with every thread) is paid once per block instead of once
 * per tensor. The block is freed as soon as the last of its slices is released (closed, or its tensor collected)
 * and its allocator has moved on to a newer block. A released slice is never handed out again, so a stale raw
 * segment can read old bytes but never another tensor's data, and never freed memory: once the arena is closed,
 * access throws.
 *
 * <p>Threads allocate from one of a few lanes (by thread id), each with its own current block, so that worker
 * threads neither wait for one lock nor share the block's arena, whose reference count every native call that is
 * passed a slice updates. On Linux the memory under a closed block's arena is kept (a few blocks, mapped with
 * {@code mmap}) and put under the arena of a later block, so it is not faulted in and zeroed again: slices come
 * unfilled, and {@link Storage} zeroes the ones {@code Tensor.zeros} asks for; blocks beyond those few are unmapped
 * at once. Where the system cannot be called, blocks come from the arena itself (zeroed) and are not kept. Besides the
 * blocks that live tensors use, the allocator holds at most one partly used block and one kept block per lane: with
 * {@code min(8, processors)} lanes, at most 64 MiB, 16 MiB on 2 cores.
 */
final class Slab {
    static final long SIZE = 4L << 20;
    private static final long ALIGNMENT = 64;
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final Lane[] LANES = newLanes(Math.min(8, Runtime.getRuntime().availableProcessors()));
    private static final RawBlocks RAW = new RawBlocks(LANES.length);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final AtomicInteger references = new AtomicInteger(1); // 1 = the lane's, while current
    private long used; // guarded by the lane that owns this slab

    private static final class Lane {
        private Slab current;
    }

    private static Lane[] newLanes(int n) {
        Lane[] lanes = new Lane[Math.max(1, n)];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane();
        }
        return lanes;
    }

    private Slab() {
        MemorySegment s;
        try {
            s = RAW.take(arena);
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
        segment = s;
        OPEN.incrementAndGet();
    }

    /** An unfilled slice of {@code bytes} (less than {@link #SIZE}) and the slab to release it to. */
    record Slice(Slab slab, MemorySegment segment) {
    }

    static Slice take(long bytes) {
        long size = Math.max(bytes, 1);
        Lane lane = LANES[(int) Math.floorMod(Thread.currentThread().threadId(), (long) LANES.length)];
        synchronized (lane) {
            Slab current = lane.current;
            if (current == null || alignUp(current.used) + size > SIZE) {
                Slab previous = current;
                current = new Slab();
                lane.current = current;
                if (previous != null) {
                    previous.release(); // the lane's reference: the block closes when its slices are gone
                }
            }
            long at = alignUp(current.used);
            current.used = at + size;
            current.references.incrementAndGet();
            return new Slice(current, current.segment.asSlice(at, bytes));
        }
    }

    private static long alignUp(long offset) {
        return (offset + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Gives back one reference (a slice, or the lane's); the last one frees the block. */
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

    /**
     * Raw blocks mapped from the system ({@code mmap}, Linux), kept for reuse (up to {@code keep}) when the arena
     * they were lent to closes, and unmapped beyond that, so that memory goes back to the system at once. Each
     * lending puts the block under a new arena, so segments of an earlier arena stay closed.
     */
    private static final class RawBlocks {
        private final int keep;
        private final ArrayDeque<Long> kept = new ArrayDeque<>(); // addresses, guarded by this

        RawBlocks(int keep) {
            this.keep = keep;
        }

        /** A block of {@link #SIZE} bytes that lives until {@code arena} closes. */
        MemorySegment take(Arena arena) {
            if (!SystemPages.available()) {
                return arena.allocate(SIZE, ALIGNMENT);
            }
            Long reused;
            synchronized (this) {
                reused = kept.pollFirst();
            }
            long address = reused != null ? reused : SystemPages.map(SIZE);
            try {
                return MemorySegment.ofAddress(address).reinterpret(SIZE, arena, s -> giveBack(address));
            } catch (RuntimeException | Error e) {
                giveBack(address);
                throw e;
            }
        }

        private void giveBack(long address) {
            synchronized (this) {
                if (kept.size() < keep) {
                    kept.addFirst(address);   // LIFO: the block freed last is the warmest in the caches
                    return;
                }
            }
            SystemPages.unmap(address, SIZE);
        }
    }
}
