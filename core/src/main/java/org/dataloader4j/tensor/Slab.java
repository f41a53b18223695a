package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
 * passed a slice updates. The memory under a closed block's arena is kept (a few blocks) and put under the arena of
 * a later block, so it is neither returned to the system nor touched again: slices come unfilled, and
 * {@link Storage} zeroes the ones {@code Tensor.zeros} asks for. Where the C allocator cannot be called, blocks come
 * from the arena itself (zeroed) and are not kept.
 */
final class Slab {
    static final long SIZE = 4L << 20;
    private static final long ALIGNMENT = 64;
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final Lane[] LANES = newLanes(Math.min(8, Runtime.getRuntime().availableProcessors()));
    private static final RawBlocks RAW = new RawBlocks(2 * LANES.length);

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
     * Raw blocks from the C allocator, kept for reuse (up to {@code keep}) when the arena they were lent to closes.
     * Each lending puts the block under a new arena, so segments of an earlier arena stay closed.
     */
    private static final class RawBlocks {
        private static final MethodHandle ALIGNED_ALLOC;
        private static final MethodHandle FREE;

        static {
            MethodHandle alloc = null;
            MethodHandle free = null;
            try {
                Linker linker = Linker.nativeLinker();
                alloc = linker.defaultLookup().find("aligned_alloc").map(s -> linker.downcallHandle(s,
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)))
                        .orElse(null);
                free = linker.defaultLookup().find("free").map(s -> linker.downcallHandle(s,
                        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS))).orElse(null);
            } catch (RuntimeException | LinkageError e) {
                alloc = null; // native access refused: blocks come from the arena
            }
            ALIGNED_ALLOC = free == null ? null : alloc;
            FREE = alloc == null ? null : free;
        }

        private final int keep;
        private final ArrayDeque<Long> kept = new ArrayDeque<>(); // addresses, guarded by this

        RawBlocks(int keep) {
            this.keep = keep;
        }

        /** A block of {@link #SIZE} bytes that lives until {@code arena} closes. */
        MemorySegment take(Arena arena) {
            if (ALIGNED_ALLOC == null) {
                return arena.allocate(SIZE, ALIGNMENT);
            }
            Long reused;
            synchronized (this) {
                reused = kept.pollFirst();
            }
            long address = reused != null ? reused : allocate();
            try {
                return MemorySegment.ofAddress(address).reinterpret(SIZE, arena, s -> giveBack(address));
            } catch (RuntimeException | Error e) {
                giveBack(address);
                throw e;
            }
        }

        private static long allocate() {
            MemorySegment block;
            try {
                block = (MemorySegment) ALIGNED_ALLOC.invokeExact(ALIGNMENT, SIZE);
            } catch (Throwable t) {
                throw new IllegalStateException("aligned_alloc failed: " + t, t);
            }
            if (block.address() == 0) {
                throw new OutOfMemoryError("cannot allocate a " + (SIZE >> 20) + " MiB block of off-heap memory");
            }
            return block.address();
        }

        private void giveBack(long address) {
            synchronized (this) {
                if (kept.size() < keep) {
                    kept.addLast(address);
                    return;
                }
            }
            try {
                FREE.invokeExact(MemorySegment.ofAddress(address));
            } catch (Throwable t) {
                throw new IllegalStateException("free failed: " + t, t);
            }
        }
    }
}
