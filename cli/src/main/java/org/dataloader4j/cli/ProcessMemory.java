package org.dataloader4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /**
     * Collects garbage and gives the cleaner a moment, so memory that earlier work left for the garbage
     * collector (for example small tensors, whose off-heap memory the GC returns) is not counted against
     * the next measurement.
     */
    static void settle() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
