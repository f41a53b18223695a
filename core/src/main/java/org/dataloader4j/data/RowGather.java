package org.dataloader4j.data;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.dataloader4j.internal.BundledLibrary;

/**
 * Copies rows of a tensor's memory into rows of a batch's: {@code to} row {@code rows[k]} gets {@code from} row
 * {@code indices[k]}. A random gather over a tensor larger than the caches waits on memory for each row, and a Java
 * copy loop has only a row or two in flight; the core's native kernel ({@code src/main/c/dl4j_rows.c}, built into the
 * jar when a C compiler is present) prefetches the rows four ahead. One thread copying 1 KiB rows of a 1 GiB tensor
 * went from 2.9-5.0 to 4.8-6.5 M rows/s (BENCHMARKS.md, 2026-12-06 19:55-20:45 UTC). The bytes are the same either
 * way. The Java loop is used:
 * <ul>
 * <li>when the library is absent or turned off ({@code -Ddataloader4j.nativeRows=false});</li>
 * <li>until it is loaded, on a thread of its own that the second copy starts (so that an epoch's first batch never
 * shares the cores with it, and no copy waits for it);</li>
 * <li>for rows under {@link #MIN_NATIVE_ROW_BYTES};</li>
 * <li>for memory that is not plain native memory: heap arrays, and file mappings, whose faults (a truncated file)
 * Java turns into an exception and native code cannot;</li>
 * <li>for a read-only target, which Java refuses to write.</li>
 * </ul>
 *
 * <pre>{@code
 * RowGather.copy(source.data(), batch.data(), new long[] {7, 3}, new int[] {0, 1}, 1024);
 * }</pre>
 */
final class RowGather {
    /** Set to {@code false} to copy rows in Java always. */
    static final String PROPERTY = "dataloader4j.nativeRows";
    /** Rows shorter than this are copied in Java (a prefetch per row buys little for them). */
    static final long MIN_NATIVE_ROW_BYTES = 64;
    /**
     * The most bytes one native call copies: the call is a critical one (it reads the index arrays in place on the
     * heap, so the garbage collector waits for it), so long gathers are cut into calls of about a millisecond.
     */
    static final long MAX_BYTES_PER_CALL = 1L << 22;

    private static final AtomicBoolean LOADING = new AtomicBoolean();
    private static final AtomicInteger COPIES_BEFORE_LOADING = new AtomicInteger();
    private static volatile boolean nativeReady; // the kernel is loaded and linked: copies may use it

    /**
     * The native kernel, loaded when this class is first used: by {@link #startLoading()}'s thread, so that no batch
     * waits for it (linking a downcall costs 120-150 ms in a JVM without a start-up cache).
     */
    private static final class Native {
        static final BundledLibrary LIBRARY = BundledLibrary.load(RowGather.class, "libdl4jrows.so", PROPERTY,
                "it is compiled when a C compiler is present: apt-get install gcc, then rebuild",
                e -> "native access denied (" + e.getMessage() + "): rows are copied in Java");
        static final String LINK_FAILURE;
        static final MethodHandle GATHER;

        static {
            MethodHandle gather = null;
            String failure = null;
            if (LIBRARY.lookup() != null) {
                try {
                    gather = LIBRARY.lookup().find("dl4j_gather_rows").map(symbol -> Linker.nativeLinker()
                            .downcallHandle(symbol, FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_LONG), Linker.Option.critical(true))).orElse(null);
                    failure = gather == null ? "the library has no dl4j_gather_rows" : null;
                } catch (RuntimeException | LinkageError e) {
                    failure = "could not link dl4j_gather_rows: " + e;
                }
            }
            GATHER = gather;
            LINK_FAILURE = failure;
        }
    }

    private RowGather() {
    }

    /**
     * Starts loading the native kernel on a daemon thread, once (the second copy does this); rows are copied in Java
     * until it is loaded. The same bytes either way.
     */
    static void startLoading() {
        if (LOADING.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("dataloader4j-native-rows").start(() -> {
                try {
                    nativeReady = Native.GATHER != null && firstCallSucceeds(); // loads and links the library
                } catch (LinkageError e) {
                    // Native's initialisation failed beyond what it catches: rows stay copied in Java, and
                    // describe() reports the failure
                }
            });
        }
    }

    /**
     * Calls the kernel once on scratch memory: the first call of a downcall links its invokers (tens of milliseconds),
     * which no batch should pay for. False if the call fails.
     */
    private static boolean firstCallSucceeds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(2 * MIN_NATIVE_ROW_BYTES, 64);
            copy(scratch, scratch.asSlice(MIN_NATIVE_ROW_BYTES), new long[] {0}, new int[] {0}, MIN_NATIVE_ROW_BYTES,
                    true);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@return whether rows are copied by the native kernel (where the memory allows it), or why not} */
    static String describe() {
        try {
            if (Native.GATHER != null) {
                return "native row gather with prefetching (" + Native.LIBRARY.status() + ")";
            }
            return "rows copied in Java: " + (Native.LINK_FAILURE != null ? Native.LINK_FAILURE
                    : Native.LIBRARY.status());
        } catch (LinkageError e) {
            return "rows copied in Java: the native row gather failed to load: " + e;
        }
    }

    /** {@return whether copies use the native kernel now (it has been loaded in the background)} */
    static boolean nativeReady() {
        return nativeReady;
    }

    /** {@return whether the native kernel is loaded (loading it on this thread if no one has yet)} */
    static boolean nativeAvailable() {
        return Native.GATHER != null;
    }

    /**
     * Copies row {@code indices[k]} of {@code from} into row {@code rows[k]} of {@code to} for every {@code k}; rows
     * are {@code rowBytes} long.
     *
     * @throws IndexOutOfBoundsException naming a row outside either segment
     */
    static void copy(MemorySegment from, MemorySegment to, long[] indices, int[] rows, long rowBytes) {
        boolean ready = nativeReady;
        if (!ready && COPIES_BEFORE_LOADING.incrementAndGet() > 1) {
            startLoading(); // not on the first copy: an epoch's first batch does not share the cores with the loading
        }
        copy(from, to, indices, rows, rowBytes, ready);
    }

    /**
     * As {@link #copy(MemorySegment, MemorySegment, long[], int[], long)}, natively only when {@code useNative} (which
     * loads the kernel on this thread if no one has yet).
     */
    static void copy(MemorySegment from, MemorySegment to, long[] indices, int[] rows, long rowBytes,
                     boolean useNative) {
        if (indices.length != rows.length) {
            throw new IllegalArgumentException(indices.length + " indices but " + rows.length + " rows");
        }
        MethodHandle gather = useNative ? Native.GATHER : null;
        if (gather == null || rowBytes < MIN_NATIVE_ROW_BYTES || !plainNative(from) || !plainNative(to)
                || to.isReadOnly()) {
            for (int k = 0; k < indices.length; k++) {
                MemorySegment.copy(from, indices[k] * rowBytes, to, rows[k] * rowBytes, rowBytes);
            }
            return;
        }
        long sourceRows = from.byteSize() / rowBytes;
        long targetRows = to.byteSize() / rowBytes;
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= sourceRows) {
                throw new IndexOutOfBoundsException("row " + indices[k] + " is outside a tensor of " + sourceRows
                        + " rows of " + rowBytes + " bytes");
            }
            if (rows[k] < 0 || rows[k] >= targetRows) {
                throw new IndexOutOfBoundsException("batch row " + rows[k] + " is outside a batch tensor of "
                        + targetRows + " rows of " + rowBytes + " bytes");
            }
        }
        MemorySegment allIndices = MemorySegment.ofArray(indices);
        MemorySegment allRows = MemorySegment.ofArray(rows);
        int perCall = (int) Math.max(1, Math.min(indices.length, MAX_BYTES_PER_CALL / rowBytes));
        for (int start = 0; start < indices.length; start += perCall) {
            int count = Math.min(perCall, indices.length - start);
            try {
                gather.invokeExact(from, to, allIndices.asSlice((long) start * Long.BYTES),
                        allRows.asSlice((long) start * Integer.BYTES), (long) count, rowBytes);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("the native row gather failed: " + t, t);
            }
        }
    }

    /** Native memory that is not a file mapping: what the native kernel may read and write. */
    private static boolean plainNative(MemorySegment segment) {
        return segment.isNative() && !segment.isMapped();
    }
}
