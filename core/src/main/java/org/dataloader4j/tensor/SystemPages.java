package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Off-heap memory mapped straight from the operating system (anonymous {@code mmap}, Linux) instead of
 * {@code malloc} plus a fill: the kernel hands out zeroed pages when they are first touched, so a large tensor costs
 * nothing until it is written, and its page faults are taken by whichever threads write it (the workers that fill a
 * batch, not the thread that asked for it).
 *
 * <p>Mappings of at least {@link #HUGE_PAGE} bytes are aligned to 2 MiB and advised for transparent huge pages
 * ({@code madvise(MADV_HUGEPAGE)}), which the kernel honours where {@code /sys/kernel/mm/transparent_hugepage/enabled}
 * says {@code always} or {@code madvise}. One TLB entry then covers 2 MiB instead of 4 KiB: a random row gather over
 * a 1 GiB tensor runs about 1.5× as fast on one thread. The tail past the last whole 2 MiB stays in 4 KiB pages, so a
 * tensor never holds more resident memory than its size rounded up to a page. Setting the system property
 * {@code dataloader4j.hugePages} to {@code false} turns the advice off.
 *
 * <p>Where the system cannot be called (another OS, native access refused), {@link #available()} is false and
 * callers allocate from an arena instead.
 */
final class SystemPages {
    /** Mappings from this size up are advised for huge pages. */
    static final long HUGE_PAGE = 2L << 20;
    private static final long PAGE = 4096;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;
    private static final boolean HUGE_PAGES = !"false".equalsIgnoreCase(System.getProperty("dataloader4j.hugePages"));

    static {
        MethodHandle map = null;
        MethodHandle unmap = null;
        MethodHandle advise = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var lookup = linker.defaultLookup();
                map = lookup.find("mmap").map(s -> linker.downcallHandle(s,
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_LONG))).orElse(null);
                unmap = lookup.find("munmap").map(s -> linker.downcallHandle(s,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)))
                        .orElse(null);
                advise = lookup.find("madvise").map(s -> linker.downcallHandle(s,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT))).orElse(null);
            } catch (RuntimeException | LinkageError e) {
                map = null; // native access refused: callers use arenas
            }
        }
        boolean both = map != null && unmap != null;
        MMAP = both ? map : null;
        MUNMAP = both ? unmap : null;
        MADVISE = advise;
    }

    private SystemPages() {
    }

    /** {@return whether memory can be mapped from the system here} */
    static boolean available() {
        return MMAP != null;
    }

    /**
     * Zeroed memory of {@code bytes} that lives until {@code arena} closes, mapped from the system when
     * {@link #available()} (and advised for huge pages from {@link #HUGE_PAGE} up), else allocated (and filled) by
     * the arena. The segment is page-aligned either way (so that it can be page-locked).
     *
     * @throws OutOfMemoryError when the system has no room for it
     */
    static MemorySegment zeroed(long bytes, Arena arena) {
        return zeroed(bytes, arena, HUGE_PAGES);
    }

    /** As {@link #zeroed(long, Arena)}, advising huge pages only when {@code hugePages} (the system property's part). */
    static MemorySegment zeroed(long bytes, Arena arena, boolean hugePages) {
        if (MMAP == null || bytes <= 0) {
            return arena.allocate(Math.max(bytes, 1), PAGE).asSlice(0, Math.max(bytes, 0));
        }
        long size = roundUp(bytes, PAGE);
        boolean huge = hugePages && MADVISE != null && size >= HUGE_PAGE;
        long address = huge ? mapAligned(size) : map(size);
        try {
            if (huge) {
                advise(address, size);
            }
            return MemorySegment.ofAddress(address).reinterpret(size, arena, s -> unmap(address, size))
                    .asSlice(0, bytes);
        } catch (RuntimeException | Error e) {
            unmap(address, size);
            throw e;
        }
    }

    /**
     * {@code size} fresh zeroed bytes starting on a 2 MiB boundary (the kernel backs only aligned 2 MiB ranges with
     * huge pages): 2 MiB more are mapped, and the parts before the boundary and after the end are unmapped.
     */
    private static long mapAligned(long size) {
        long raw = map(size + HUGE_PAGE);
        long address = roundUp(raw, HUGE_PAGE);
        try {
            unmap(raw, address - raw);
            unmap(address + size, raw + HUGE_PAGE - address);
        } catch (RuntimeException | Error e) {
            unmap(address, size); // the trimmed parts are gone or stay unused; give back what was to be returned
            throw e;
        }
        return address;
    }

    /** The address of {@code size} (a multiple of the page size) fresh zeroed bytes; give them back with unmap. */
    static long map(long size) {
        MemorySegment block;
        try {
            block = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed: " + t, t);
        }
        if (block.address() == -1L || block.address() == 0) {
            throw new OutOfMemoryError("cannot map " + size + " bytes of off-heap memory from the system");
        }
        return block.address();
    }

    /** Returns {@code size} bytes at {@code address} (both page-aligned) to the system; nothing when size is 0. */
    static void unmap(long address, long size) {
        if (size == 0) {
            return;
        }
        int rc;
        try {
            rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), size);
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed: " + t, t);
        }
        if (rc != 0) {
            throw new IllegalStateException("munmap of " + size + " bytes at 0x" + Long.toHexString(address)
                    + " failed");
        }
    }

    /** Asks for huge pages; a kernel without them refuses, which changes nothing but the page size. */
    private static void advise(long address, long size) {
        try {
            int ignored = (int) MADVISE.invokeExact(MemorySegment.ofAddress(address), size, MADV_HUGEPAGE);
        } catch (Throwable t) {
            throw new IllegalStateException("madvise failed: " + t, t);
        }
    }

    private static long roundUp(long value, long multiple) {
        return Math.addExact(value, multiple - 1) & -multiple;
    }
}
