package org.dataloader4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a benchmark ran on: the CPU model, the cores this JVM may use, the memory and the load at that
 * moment (Linux {@code /proc}; "unknown" elsewhere), and the operating system and Java version.
 *
 * @param cpuModel    the first {@code model name} of {@code /proc/cpuinfo}
 * @param cores       the processors available to this JVM
 * @param memoryBytes {@code MemTotal} of {@code /proc/meminfo}, or -1
 * @param loadAverage the 1, 5 and 15 minute load averages of {@code /proc/loadavg}, or "unknown"
 * @param os          operating system name, version and architecture
 * @param java        the Java runtime version
 * @param maxHeapBytes this JVM's maximum heap
 */
record MachineInfo(String cpuModel, int cores, long memoryBytes, String loadAverage, String os, String java,
        long maxHeapBytes) {

    /** This machine, now. */
    static MachineInfo current() {
        return new MachineInfo(cpuModel(read("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                memTotal(read("/proc/meminfo")), loadAverage(read("/proc/loadavg")),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"), Runtime.version().toString(), Runtime.getRuntime().maxMemory());
    }

    /** One line: "CPU MODEL, N cores, M GiB memory, OS, Java V (max heap H MiB), load average A". */
    String describe() {
        return String.format(Locale.ROOT, "%s, %d cores, %s memory, %s, Java %s (max heap %,d MiB), load average %s",
                cpuModel, cores, memoryBytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB",
                        memoryBytes / (1024.0 * 1024 * 1024)), os, java, maxHeapBytes / (1024 * 1024), loadAverage);
    }

    /** The first {@code model name} value in {@code /proc/cpuinfo} text, or "unknown CPU". */
    static String cpuModel(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                if (colon >= 0) {
                    return line.substring(colon + 1).strip().replaceAll("\\s+", " ");
                }
            }
        }
        return "unknown CPU";
    }

    /** {@code MemTotal} in bytes from {@code /proc/meminfo} text, or -1. */
    static long memTotal(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]) * 1024;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** "1m 5m 15m" from {@code /proc/loadavg} text, or "unknown". */
    static String loadAverage(String loadavg) {
        String[] parts = loadavg.trim().split("\\s+");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "unknown";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
