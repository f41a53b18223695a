package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * Off-heap memory owned by one tensor and shared by its views. Two strategies, chosen by size,
 * because closing a shared {@link Arena} costs about 75 µs (a handshake with every thread), far more
 * than allocating a small tensor:
 * <ul>
 *   <li>at least {@link #IMMEDIATE_FREE_BYTES}: a shared arena of its own, freed at once by
 *       {@link #close()}; later accesses through any view throw {@link IllegalStateException};</li>
 *   <li>smaller: an automatic arena, allocated in well under a microsecond and freed by the garbage
 *       collector once the owner and all its views are unreachable. {@link #close()} marks it closed, so
 *       the {@code Tensor} API refuses further use, takes it off {@link OffHeapMemory}'s count of memory
 *       in use, and the memory itself goes back at the next collection.</li>
 * </ul>
 * Either way a storage nobody closed is freed once unreachable, so forgetting {@code close()} costs
 * memory for a while but never leaks it, and no access can read freed memory.
 */
final class Storage {
    /** Tensors of at least this many bytes are freed at once by close(); smaller ones by the GC. */
    static final long IMMEDIATE_FREE_BYTES = 1 << 20;

    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread t = new Thread(runnable, "dataloader4j-tensor-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final long ALIGNMENT = 64;

    private final MemorySegment segment;
    private final boolean immediate;
    private volatile boolean closed;
    private Cleaner.Cleanable cleanable; // set once in allocate(), before the storage is published

    private Storage(MemorySegment segment, boolean immediate) {
        this.segment = segment;
        this.immediate = immediate;
    }

    static Storage allocate(long bytes) {
        boolean immediate = bytes >= IMMEDIATE_FREE_BYTES;
        Arena arena = immediate ? Arena.ofShared() : Arena.ofAuto();
        MemorySegment segment;
        try {
            segment = arena.allocate(Math.max(bytes, 1), ALIGNMENT).asSlice(0, bytes);
        } catch (OutOfMemoryError | RuntimeException e) {
            if (immediate) {
                arena.close();
            }
            throw e;
        }
        OffHeapMemory.allocated(bytes);
        Storage storage = new Storage(segment, immediate);
        // The action holds the arena (for immediate ones) but never the storage, so the storage can become unreachable.
        storage.cleanable = CLEANER.register(storage, new Release(immediate ? arena : null, bytes));
        return storage;
    }

    /**
     * Storage over memory lent by a {@link BufferPool}: {@code release} gives it back, once, on
     * {@link #close()} or when the storage becomes unreachable; it must not refer to the storage.
     */
    static Storage lent(MemorySegment segment, Runnable release) {
        Storage storage = new Storage(segment, true);
        storage.cleanable = CLEANER.register(storage, release);
        return storage;
    }

    MemorySegment segment() {
        return segment;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Marks the storage closed and takes it off {@link OffHeapMemory}'s count; frees large ones at once,
     * small ones at the next garbage collection (see the class comment). Idempotent.
     */
    void close() {
        closed = true;
        cleanable.clean();
    }

    /**
     * Runs once, on close or when the storage became unreachable: un-counts the memory and frees a shared
     * arena; an automatic arena ({@code arena == null}) is freed by the garbage collector itself.
     */
    private record Release(Arena arena, long bytes) implements Runnable {
        @Override
        public void run() {
            if (arena != null) {
                arena.close();
            }
            OffHeapMemory.freed(bytes);
        }
    }
}
