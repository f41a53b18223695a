package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.util.List;
import org.dataloader4j.loader.SkippedSample;

/** Prints the samples that a loader with {@code --skip-bad} left out: one line each, with index, file and cause. */
final class SkippedReport {
    private static final int LISTED = 20;

    private SkippedReport() {
    }

    /** Prints {@code label} and the count, then up to 20 samples; nothing when {@code skipped} is empty and not asked. */
    static void print(PrintWriter o, String label, List<SkippedSample> skipped) {
        o.printf("%s%d%s%n", label, skipped.size(), skipped.isEmpty() ? "" : " (left out of their batches):");
        for (int i = 0; i < Math.min(LISTED, skipped.size()); i++) {
            SkippedSample s = skipped.get(i);
            o.printf("    sample %d %s: %s%n", s.index(), s.source().orElse("(no file)"), describe(s.cause()));
        }
        if (skipped.size() > LISTED) {
            o.printf("    ... and %d more%n", skipped.size() - LISTED);
        }
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
                : cause.getClass().getName();
    }
}
