package org.dataloader4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Appends one run of {@code dataloader4j bench} to a markdown file such as {@code BENCHMARKS.md}: a
 * section headed by the date, with the label given to {@code --note}, the machine (at the start and the
 * load at the end), the software on both sides, the command line, the pipelines, and every table.
 *
 * @param date        when the run started
 * @param note        what kind of run this is (for example a smoke run on a loaded machine), or null
 * @param machine     the machine at the start of the run
 * @param loadAtEnd   the load average when the run ended
 * @param software    the versions of both sides, one line
 * @param command     the command line that was run
 * @param pipelines   one description line per pipeline
 * @param tables      the result tables
 */
record BenchMarkdown(Instant date, String note, MachineInfo machine, String loadAtEnd, String software, String command,
        List<String> pipelines, List<TextTable> tables) {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    BenchMarkdown {
        pipelines = List.copyOf(pipelines);
        tables = List.copyOf(tables);
    }

    /** The section's markdown text, beginning with its {@code ## date} heading and ending with a blank line. */
    String section() {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(DATE.format(date)).append(note == null || note.isBlank() ? "" : ": " + note.strip())
                .append("\n\n");
        md.append("- Machine: ").append(machine.describe()).append("; load average at the end ").append(loadAtEnd)
                .append('\n');
        md.append("- Software: ").append(software).append('\n');
        md.append("- Command: `").append(command.replace("`", "'")).append("`\n");
        for (String p : pipelines) {
            md.append("- Pipeline ").append(p).append('\n');
        }
        md.append('\n');
        for (TextTable t : tables) {
            t.appendMarkdown(md);
        }
        return md.toString();
    }

    /**
     * Appends the section to {@code file}, creating it with a {@code # Benchmarks} title when it does not
     * exist, and separating the section from earlier text by a blank line.
     */
    void appendTo(Path file) throws IOException {
        String text = section();
        if (!Files.exists(file)) {
            text = "# Benchmarks\n\n" + text;
        } else {
            String existing = Files.readString(file, StandardCharsets.UTF_8);
            if (!existing.isEmpty() && !existing.endsWith("\n\n")) {
                text = (existing.endsWith("\n") ? "\n" : "\n\n") + text;
            }
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
