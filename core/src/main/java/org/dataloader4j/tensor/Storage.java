package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * Off-heap memory owned by one tensor and shared by its views. Two strategies, chosen by size,
 * because closing a shared {@link Arena} costs about 75 µs (a handshake with every thread), far more
 * than allocating a small tensor:
 * <ul>
 *   <li>at least {@link #IMMEDIATE_FREE_BYTES}: pages mapped from the system ({@link SystemPages}: zeroed by the
 *       kernel when first touched, huge pages from 2 MiB up) under a shared arena of its own, unmapped at once by
 *       {@link #close()}; later accesses through any view throw {@link IllegalStateException};</li>
 *   <li>smaller: a slice of a 4 MiB {@link Slab}, taken in well under a microsecond; the block is freed as soon
 *       as all its slices are closed. {@link #close()} marks the storage closed, so the {@code Tensor} API refuses
 *       further use, and takes it off {@link OffHeapMemory}'s count of memory in use.</li>
 * </ul>
 * Either way a storage nobody closed is released once unreachable, so forgetting {@code close()} costs
 * memory for a while but never leaks it, and no access can read freed memory. For pooled (batch) memory that
 * costs the pool its reuse, so {@link LeakDetector} reports it once.
 */
final class Storage {
    /** Tensors of at least this many bytes get an arena of their own; smaller ones a slice of a {@link Slab}. */
    static final long IMMEDIATE_FREE_BYTES = 1 << 20;

    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread t = new Thread(runnable, "dataloader4j-tensor-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final MemorySegment segment;
    private volatile boolean closed;
    private Cleaner.Cleanable cleanable; // set once in allocate(), before the storage is published
    private LeakDetector.Track track;    // pooled storage only: tells the release whether close() ran

    private Storage(MemorySegment segment) {
        this.segment = segment;
    }

    /** Zeroed memory of {@code bytes}. */
    static Storage allocate(long bytes) {
        return allocate(bytes, true);
    }

    /** Memory of {@code bytes}, zeroed when {@code zero}; otherwise its contents are unspecified. */
    static Storage allocate(long bytes, boolean zero) {
        if (bytes < IMMEDIATE_FREE_BYTES) {
            Slab.Slice slice = Slab.take(bytes);
            if (zero) {
                slice.segment().fill((byte) 0);
            }
            OffHeapMemory.allocated(bytes);
            Storage storage = new Storage(slice.segment());
            // The action holds the slab, never the storage, so the storage can become unreachable.
            storage.cleanable = CLEANER.register(storage, new Release(null, slice.slab(), bytes));
            return storage;
        }
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = SystemPages.zeroed(bytes, arena); // fresh pages are zero: no fill, whatever `zero` says
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
        OffHeapMemory.allocated(bytes);
        Storage storage = new Storage(segment);
        storage.cleanable = CLEANER.register(storage, new Release(arena, null, bytes));
        return storage;
    }

    /**
     * Storage over memory lent by a {@link BufferPool}: {@code release} gives it back, once, on
     * {@link #close()} or when the storage becomes unreachable; it must not refer to the storage.
     */
    static Storage lent(MemorySegment segment, Runnable release) {
        Storage storage = new Storage(segment);
        storage.track = LeakDetector.track(segment.byteSize());
        storage.cleanable = CLEANER.register(storage, LeakDetector.releasing(storage.track, release));
        return storage;
    }

    MemorySegment segment() {
        return segment;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Marks the storage closed and takes it off {@link OffHeapMemory}'s count; frees a large one's arena at once,
     * gives a small one's slice back to its slab (freed with its last slice; see the class comment). Idempotent.
     */
    void close() {
        closed = true;
        if (track != null) {
            track.closed();
        }
        cleanable.clean();
    }

    /**
     * Runs once, on close or when the storage became unreachable: un-counts the memory and frees its own arena,
     * or gives its slice back to its slab.
     */
    private record Release(Arena arena, Slab slab, long bytes) implements Runnable {
        @Override
        public void run() {
            if (arena != null) {
                arena.close();
            } else {
                slab.release();
            }
            OffHeapMemory.freed(bytes);
        }
    }
}
