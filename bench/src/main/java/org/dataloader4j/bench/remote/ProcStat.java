package org.dataloader4j.bench.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the few {@code /proc} figures the benchmark reports: CPU time, RSS and peak RSS, and resets the peak. */
final class ProcStat {
    /** Linux's USER_HZ, the unit of the CPU times in {@code /proc/PID/stat}: 100 on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** utime + stime of {@code /proc/PID/stat}, in seconds. */
    static double cpuSeconds(Path stat) throws IOException {
        String line = Files.readString(stat);
        // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
        String[] rest = line.substring(line.lastIndexOf(')') + 2).trim().split(" +");
        if (rest.length < 13) {
            throw new IOException(stat + " has " + rest.length + " fields after the command name, expected at least"
                    + " 13: " + line);
        }
        return (Long.parseLong(rest[11]) + Long.parseLong(rest[12])) / TICKS_PER_SECOND;
    }

    /** A {@code kB} line of {@code /proc/PID/status} such as {@code VmRSS} or {@code VmHWM}, in bytes. */
    static long statusBytes(Path status, String field) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                String value = line.substring(field.length() + 1).trim();
                if (!value.endsWith(" kB")) {
                    throw new IOException(status + ": " + field + " is \"" + value + "\", expected a number of kB");
                }
                return Long.parseLong(value.substring(0, value.length() - 3).trim()) * 1024;
            }
        }
        throw new IOException(status + " has no " + field + " line");
    }

    /**
     * Resets this process's peak RSS ({@code VmHWM}) to its current RSS by writing {@code 5} to
     * {@code /proc/self/clear_refs} (Linux 4.0 and later).
     *
     * @return false if the kernel or the container does not allow it (VmHWM is then the peak since the JVM started)
     */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
