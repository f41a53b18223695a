package org.dataloader4j.cli;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resident memory of this whole process (Linux {@code /proc/self/status}): heap, off-heap tensors,
 * code and thread stacks together; and the current resident size of any process by its pid. Elsewhere
 * the values are unknown (-1).
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {
    }

    /** The peak resident set size (VmHWM) in bytes since the process started or the last {@link #resetPeak()}, or -1. */
    static long peakRssBytes() {
        return statusBytes("VmHWM");
    }

    /** The current resident set size (VmRSS) in bytes, or -1. */
    static long rssBytes() {
        return statusBytes("VmRSS");
    }

    /** glibc's {@code int malloc_trim(size_t pad)}, where the C library has it. */
    private static final Optional<MethodHandle> MALLOC_TRIM = mallocTrim();

    private static Optional<MethodHandle> mallocTrim() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim").map(symbol -> linker.downcallHandle(symbol,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)));
        } catch (RuntimeException | LinkageError e) { // no native access, or a C library without it
            return Optional.empty();
        }
    }

    /**
     * Collects garbage, gives the cleaner a moment, then hands the C heap's free memory back to the system, so
     * that what earlier work left behind is not counted against the next measurement: memory left for the garbage
     * collector (for example small tensors, whose off-heap memory the GC returns), and memory freed into the C
     * library's allocator (the malloc arenas of an earlier run's worker threads, the JIT compiler's, an earlier
     * pipeline's), which glibc keeps for reuse unless asked ({@code malloc_trim(0)}; nothing where the C library
     * has no such call). A fresh process running only the next measurement would hold neither.
     */
    static void settle() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        trimCHeap();
    }

    /** Asks glibc to give the free memory of its arenas back to the system; false where it cannot be asked. */
    static boolean trimCHeap() {
        if (MALLOC_TRIM.isEmpty()) {
            return false;
        }
        try {
            int ignored = (int) MALLOC_TRIM.get().invokeExact(0L);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * Resets the peak to the current resident size (writing 5 to {@code /proc/self/clear_refs}), so the
     * next {@link #peakRssBytes()} covers only what ran in between. False where the kernel refuses.
     */
    static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * The current resident set size (VmRSS) of process {@code pid} in bytes, cheap to read (the kernel keeps
     * it as a counter), or -1 when the process is gone or is a zombie.
     */
    static long rssBytes(long pid) {
        try {
            return statusField(Files.readString(Path.of("/proc", Long.toString(pid), "status")), "VmRSS");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long statusBytes(String field) {
        try {
            return statusField(Files.readString(STATUS), field);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The {@code field: N kB} line of {@code /proc/PID/status} text in bytes, or -1 when it has none. */
    static long statusField(String status, String field) {
        for (String line : status.split("\n")) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return -1;
    }
}
