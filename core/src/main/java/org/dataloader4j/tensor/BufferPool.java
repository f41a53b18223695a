package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reuses the off-heap memory of batch tensors: {@link #allocate} hands out a tensor whose
 * {@code close()} gives the memory back for the next batch of the same size, instead of freeing it.
 * A tensor nobody closes is recovered when it becomes unreachable. With {@code pinned(true)} the
 * memory is page-locked ({@code mlock}), as PyTorch's {@code pin_memory} does for fast copies to an
 * accelerator; when the system refuses (the {@code ulimit -l} limit), the pool says so once and
 * goes on with ordinary memory.
 *
 * <p>A closed tensor of the pool throws on any further use through the {@code Tensor} API even when
 * its memory already serves another batch; a raw segment taken with {@code data()} must not be kept
 * beyond {@code close()}.
 *
 * <pre>{@code
 * try (BufferPool pool = BufferPool.builder().pinned(true).build()) {
 *     for (int step = 0; step < 1000; step++) {
 *         try (Tensor batch = pool.allocate(DType.FLOAT32, Shape.of(256, 1024))) {
 *             fill(batch);           // the same memory serves every step
 *         }
 *     }
 * }
 * }</pre>
 */
public final class BufferPool implements TensorAllocator, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BufferPool.class.getName());

    private final boolean pinRequested;
    private final int maxFreePerSize;
    private final byte fill;
    private final PageLocker locker;
    private final Map<Long, ArrayDeque<Slab>> free = new HashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private long pooledBytes;     // guarded by this: bytes of free slabs
    private long lentBytes;       // guarded by this: bytes of slabs handed out
    private long lockedBytes;     // guarded by this
    private boolean closed;       // guarded by this
    private String pinFailure;    // guarded by this: why pinning was given up, if it was

    /** One block of memory, with the arena that frees it. */
    private record Slab(Arena arena, MemorySegment segment, boolean locked) {
    }

    private BufferPool(Builder builder, PageLocker locker) {
        this.pinRequested = builder.pinned;
        this.maxFreePerSize = builder.maxFreePerSize;
        this.fill = builder.fill;
        this.locker = locker;
    }

    /**
     * Options of a pool.
     *
     * @return a builder with the default options
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A tensor of the given dtype and shape in pooled memory, filled with zeros (or the builder's
     * {@code fill} byte). Close it to give the memory back.
     */
    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        Slab slab = take(bytes);
        slab.segment().fill(fill);
        return Tensor.lent(dtype, shape, slab.segment(), () -> giveBack(slab));
    }

    /**
     * A tensor in pooled memory as {@link #allocate}, but not filled: it holds whatever a closed batch left (zeros
     * or the {@code fill} byte when the memory is new). For batches whose every element is written.
     */
    @Override
    public Tensor allocateUninitialized(DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        Slab slab = take(bytes);
        return Tensor.lent(dtype, shape, slab.segment(), () -> giveBack(slab));
    }

    private synchronized Slab take(long bytes) {
        if (closed) {
            throw new IllegalStateException("this BufferPool is closed");
        }
        ArrayDeque<Slab> slabs = free.get(bytes);
        Slab slab = slabs == null ? null : slabs.pollFirst();
        if (slab != null) {
            pooledBytes -= bytes;
        } else {
            slab = newSlab(bytes);
        }
        lentBytes += bytes;
        return slab;
    }

    private Slab newSlab(long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            // Mapped from the system where it can be (zeroed by the kernel as the writers touch it, huge pages from
            // 2 MiB up), so the thread that takes a new batch does not fault in and fill its memory; page-aligned
            // either way, as pinning needs.
            segment = SystemPages.zeroed(bytes, arena);
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
        OffHeapMemory.allocated(bytes);
        boolean locked = false;
        if (pinRequested && pinFailure == null && bytes > 0) {
            Optional<String> failure = locker.lock(segment);
            if (failure.isEmpty()) {
                locked = true;
                lockedBytes += bytes;
            } else {
                pinFailure = failure.get();
                if (warned.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "pinMemory: " + pinFailure
                            + "; batches use ordinary off-heap memory from now on");
                }
            }
        }
        return new Slab(arena, segment, locked);
    }

    /** Runs once per lent tensor: on close, or when it became unreachable. */
    private synchronized void giveBack(Slab slab) {
        long bytes = slab.segment().byteSize();
        lentBytes -= bytes;
        ArrayDeque<Slab> slabs = free.computeIfAbsent(bytes, b -> new ArrayDeque<>());
        if (closed || slabs.size() >= maxFreePerSize) {
            release(slab);
        } else {
            slabs.addFirst(slab); // most recently used first: its pages are warm
            pooledBytes += bytes;
        }
    }

    private void release(Slab slab) {
        long bytes = slab.segment().byteSize();
        if (slab.locked()) {
            locker.unlock(slab.segment());
            lockedBytes -= bytes;
        }
        slab.arena().close();
        OffHeapMemory.freed(bytes);
    }

    /** {@return bytes of free memory the pool keeps for reuse} */
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** {@return bytes of the tensors handed out and not yet closed or recovered} */
    public synchronized long lentBytes() {
        return lentBytes;
    }

    /** {@return bytes that are page-locked right now (free or lent)} */
    public synchronized long lockedBytes() {
        return lockedBytes;
    }

    /** {@return true if pinning was asked for and the system has not refused it so far} */
    public synchronized boolean isPinned() {
        return pinRequested && pinFailure == null;
    }

    /** {@return why pinning was given up, if it was} */
    public synchronized Optional<String> pinFailure() {
        return Optional.ofNullable(pinFailure);
    }

    /**
     * Frees the free memory; tensors still lent keep theirs until they are closed or collected, which
     * then frees it instead of pooling it. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ArrayDeque<Slab> slabs : free.values()) {
            slabs.forEach(this::release);
            slabs.clear();
        }
        pooledBytes = 0;
    }

    @Override
    public synchronized String toString() {
        return "BufferPool(pinned=" + isPinned() + ", pooled=" + pooledBytes + " B, lent=" + lentBytes + " B)";
    }

    /**
     * Options of a {@link BufferPool}.
     */
    public static final class Builder {
        private boolean pinned;
        private int maxFreePerSize = 16;
        private byte fill;
        private PageLocker locker; // chosen in build(): native access is touched only when pinning is asked for

        private Builder() {
        }

        /**
         * Page-lock the memory (default false).
         *
         * @param pinned page-lock the memory (default false)
         * @return this builder
         */
        public Builder pinned(boolean pinned) {
            this.pinned = pinned;
            return this;
        }

        /**
         * How many free buffers of one size are kept for reuse (default 16); more are freed.
         *
         * @param maxFreePerSize how many free buffers of one size are kept for reuse (default 16); more are freed
         * @return this builder
         */
        public Builder maxFreePerSize(int maxFreePerSize) {
            if (maxFreePerSize < 0) {
                throw new IllegalArgumentException("maxFreePerSize should be non-negative, but got maxFreePerSize="
                        + maxFreePerSize);
            }
            this.maxFreePerSize = maxFreePerSize;
            return this;
        }

        /**
         * The byte every handed-out tensor is filled with (default 0). Tests use a sentinel such as
         * {@code (byte) 0xA5} to prove that whatever fills a batch overwrites all of it.
         *
         * @param fill the byte every handed-out tensor is filled with (default 0)
         * @return this builder
         */
        public Builder fill(byte fill) {
            this.fill = fill;
            return this;
        }

        Builder locker(PageLocker locker) {
            this.locker = locker;
            return this;
        }

        /** {@return the pool} */
        public BufferPool build() {
            return new BufferPool(this, locker != null ? locker : pinned ? PageLocker.system() : null);
        }
    }
}
