package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * Off-heap memory owned by one tensor and shared by its views. Closing frees it at once; a storage
 * nobody closed is freed by a {@link Cleaner} once the owner and all its views are unreachable, so
 * forgetting {@code close()} costs memory for a while but never leaks it.
 */
final class Storage {
    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread t = new Thread(runnable, "dataloader4j-tensor-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final long ALIGNMENT = 64;

    private final MemorySegment segment;
    private Cleaner.Cleanable cleanable; // set once in allocate(), before the storage is published

    private Storage(MemorySegment segment) {
        this.segment = segment;
    }

    static Storage allocate(long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = arena.allocate(Math.max(bytes, 1), ALIGNMENT).asSlice(0, bytes);
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
        OffHeapMemory.allocated(bytes);
        Storage storage = new Storage(segment);
        storage.cleanable = CLEANER.register(storage, new Release(arena, bytes));
        return storage;
    }

    MemorySegment segment() {
        return segment;
    }

    /** Frees the memory now; later accesses through any view throw {@link IllegalStateException}. */
    void close() {
        cleanable.clean();
    }

    /** The cleaning action: holds only the arena, never the storage, so the storage can become unreachable. */
    private static final class Release implements Runnable {
        private final Arena arena;
        private final long bytes;

        Release(Arena arena, long bytes) {
            this.arena = arena;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            arena.close();
            OffHeapMemory.freed(bytes);
        }
    }
}
