package org.dataloader4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The two totals of one process's Linux {@code /proc/PID/smaps_rollup} that the benchmark compares:
 * resident set size (every resident page mapped, shared ones counted in full) and proportional set size
 * (each shared page divided among the processes that map it, so that the PSS of a process family adds up
 * to what the family really holds, where their RSS would count a page inherited by fork once per process).
 *
 * @param rssBytes the {@code Rss:} line in bytes
 * @param pssBytes the {@code Pss:} line in bytes
 */
record SmapsRollup(long rssBytes, long pssBytes) {

    SmapsRollup {
        if (rssBytes < 0 || pssBytes < 0) {
            throw new IllegalArgumentException("sizes must not be negative, but got Rss " + rssBytes + " and Pss "
                    + pssBytes + " bytes");
        }
    }

    /**
     * Reads the rollup of process {@code pid}, or empty when the process is gone (it ended between being
     * found and being read, which a worker process at the end of an epoch does).
     *
     * @throws IOException if the file exists but cannot be read or does not have the Rss and Pss lines
     */
    static Optional<SmapsRollup> read(long pid) throws IOException {
        Path file = Path.of("/proc", Long.toString(pid), "smaps_rollup");
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(Path.of("/proc", Long.toString(pid)))) {
                return Optional.empty(); // ended while being read (ESRCH)
            }
            throw e;
        }
        if (text.isEmpty()) {
            return Optional.empty(); // a zombie: no address space left to report
        }
        return Optional.of(parse(text, file.toString()));
    }

    /**
     * Parses the text of a {@code smaps_rollup} file; {@code source} names it in errors.
     *
     * @throws IllegalArgumentException if the {@code Rss:} or {@code Pss:} line is missing or not {@code N kB}
     */
    static SmapsRollup parse(String text, String source) {
        long rss = -1;
        long pss = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("Rss:")) {
                rss = kilobytes(line, source);
            } else if (line.startsWith("Pss:")) {
                pss = kilobytes(line, source);
            }
        }
        if (rss < 0 || pss < 0) {
            throw new IllegalArgumentException(source + ": expected 'Rss:' and 'Pss:' lines in kB, but "
                    + (rss < 0 ? "'Rss:'" : "'Pss:'") + " is missing");
        }
        return new SmapsRollup(rss, pss);
    }

    private static long kilobytes(String line, String source) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
            throw new IllegalArgumentException(source + ": expected 'N kB' in the line '" + line.strip() + "'");
        }
        try {
            return Math.multiplyExact(Long.parseLong(parts[0]), 1024L);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(source + ": expected a kB count in the line '" + line.strip() + "'", e);
        }
    }
}
