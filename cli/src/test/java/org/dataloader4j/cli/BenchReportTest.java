package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.dataloader4j.cli.BenchReport.Row;
import org.dataloader4j.cli.PyTorchRunner.Setup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's tables from made-up runs: which PyTorch setup is the stronger, the ratios, and markdown. */
class BenchReportTest {
    private static final long MIB = 1 << 20;

    /**
     * A run whose steady epoch loads 1,000 samples at {@code perSecond}, whose first batch took
     * {@code firstBatchMillis}, and whose sampled family peaked at {@code pssMib} (RSS twice that) over
     * {@code processes} processes.
     */
    private static BenchRun run(int workers, double perSecond, double firstBatchMillis, long pssMib, int processes) {
        List<BenchRun.Epoch> epochs = List.of(new BenchRun.Epoch(0, 1000, 4, 10.0, firstBatchMillis),
                new BenchRun.Epoch(1, 1000, 4, 1000 / perSecond, 1.0));
        MemorySampler.Peak peak = new MemorySampler.Peak(pssMib * MIB, 2 * pssMib * MIB, processes, 5, 2, 100, 1.5, null);
        return new BenchRun(workers, epochs, 3 * pssMib * MIB, true, null).withSampled(peak);
    }

    private static Row row(int workers, BenchRun ours) {
        Row r = Row.empty("tensor", workers);
        r.ours().add(ours);
        return r;
    }

    @Test
    void theStrongerSetupIsTheFasterOneAndEveryRatioIsAgainstIt() {
        Row r = row(2, run(2, 3000, 20, 100, 1));
        r.pytorch().get(Setup.DEFAULT).add(run(2, 1000, 400, 400, 3));
        r.pytorch().get(Setup.PERSISTENT).add(run(2, 1500, 200, 500, 3));
        assertEquals(Optional.of(Setup.PERSISTENT), r.best());
        assertEquals(2.0, r.ratio(), 1e-9);
        assertEquals(3.0, r.ratioTo(Setup.DEFAULT), 1e-9);

        List<String> throughput = BenchReport.throughput(List.of(r), 1).rows().getFirst();
        assertEquals(List.of("tensor", "2", "3,000", "1,500", "2.00x", "persistent", "1,000", "1,500"), throughput);
        List<String> first = BenchReport.firstBatch(List.of(r)).rows().getFirst();
        assertEquals(List.of("tensor", "2", "20.0", "400.0", "200.0", "0.10x"), first);
        List<String> memory = BenchReport.memory(List.of(r)).rows().getFirst();
        // ours: PSS 100, RSS 200, VmHWM 300; best (persistent) PSS 500 over 3 processes
        assertEquals(List.of("tensor", "2", "200", "100", "300", "400 (3)", "500 (3)", "0.40x", "0.20x"), memory);
    }

    @Test
    void whenTheDefaultsAreFasterTheyAreTheStrongerSetup() {
        Row r = row(1, run(1, 1000, 5, 100, 1));
        r.pytorch().get(Setup.DEFAULT).add(run(1, 800, 40, 200, 2));
        r.pytorch().get(Setup.PERSISTENT).add(run(1, 500, 30, 150, 2));
        assertEquals(Optional.of(Setup.DEFAULT), r.best());
        assertEquals(1.25, r.ratio(), 1e-9);
        assertEquals("0.50x", BenchReport.memory(List.of(r)).rows().getFirst().get(8), "PSS against default's 200");
    }

    @Test
    void atZeroWorkersPersistentWorkersDoNotApplyAndTheDefaultsAreTheStronger() {
        Row r = row(0, run(0, 2000, 5, 100, 1));
        r.pytorch().get(Setup.DEFAULT).add(run(0, 1000, 2, 300, 1));
        assertEquals(Optional.of(Setup.DEFAULT), r.best());
        assertEquals(List.of("tensor", "0", "2,000", "1,000", "2.00x", "default", "1,000", "n/a"),
                BenchReport.throughput(List.of(r), 1).rows().getFirst());
        assertEquals("n/a", BenchReport.memory(List.of(r)).rows().getFirst().get(6));
    }

    @Test
    void withoutPyTorchTheColumnsAreDashes() {
        Row r = row(0, run(0, 2000, 5, 100, 1));
        assertEquals(Optional.empty(), r.best());
        assertTrue(Double.isNaN(r.ratio()));
        assertEquals(List.of("tensor", "0", "2,000", "-", "-", "-", "-", "-"),
                BenchReport.throughput(List.of(r), 1).rows().getFirst());
        assertEquals(3, BenchReport.tables(List.of(r), 1).size(), "no TensorDataset table without its setups");
    }

    @Test
    void throughputIsTheMedianOfTheRounds() {
        Row r = row(2, run(2, 1000, 5, 100, 1));
        r.ours().add(run(2, 3000, 5, 100, 1));
        r.ours().add(run(2, 2000, 5, 100, 1));
        r.pytorch().get(Setup.DEFAULT).addAll(List.of(run(2, 100, 9, 1, 3), run(2, 400, 9, 1, 3)));
        assertEquals(2000, BenchReport.median(r.ours()), 1e-9);
        assertEquals(250, BenchReport.median(r.pytorch().get(Setup.DEFAULT)), 1e-9, "even count: mean of the middle two");
    }

    @Test
    void tensorTableComparesWithBatchedIndexingAndTheGatherLimit() {
        Row r = row(2, run(2, 4000, 5, 100, 1));
        r.pytorch().get(Setup.DEFAULT).add(run(2, 200, 9, 300, 3));
        r.pytorch().get(Setup.BATCHED).add(run(2, 2000, 9, 300, 3));
        r.pytorch().get(Setup.GATHER).add(run(0, 5000, 1, 250, 1));
        List<TextTable> tables = BenchReport.tables(List.of(r), 1);
        assertEquals(4, tables.size());
        assertEquals(List.of("tensor", "2", "4,000", "2,000", "2.00x", "5,000", "0.80x"), tables.get(3).rows().getFirst());
        assertEquals(Optional.of(Setup.DEFAULT), r.best(), "batched and gather never count as the stronger loader");
    }

    @Test
    void textTableAlignsNumbersRightAndRefusesRaggedRows() {
        TextTable t = new TextTable("title", List.of("name", "n"), List.of(List.of("a", "1,000"), List.of("bbb", "2")),
                List.of("a note"));
        StringWriter text = new StringWriter();
        t.printText(new PrintWriter(text, true));
        assertEquals(List.of("title", "name      n", "a     1,000", "bbb       2", "a note"), text.toString().lines().toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TextTable("t", List.of("a", "b"), List.of(List.of("1")), List.of()));
        assertTrue(e.getMessage().contains("row 0 of table 't' has 1 cells, but the header has 2"), e.getMessage());
    }

    private static BenchMarkdown markdown(String note, Row r) {
        MachineInfo machine = new MachineInfo("CPU X", 2, 4L << 30, "3.00 2.00 1.00", "Linux 6 amd64", "25", 1L << 30);
        return new BenchMarkdown(Instant.parse("2026-12-06T07:30:00Z"), note, machine, "4.00 3.00 2.00",
                "dataloader4j on Java 25; PyTorch 1.13 on Python 3.11", "dataloader4j bench --rounds 1",
                List.of("tensor: TensorDataset of 1,000 x 8"), BenchReport.tables(List.of(r), 1));
    }

    @Test
    void markdownSectionHasTheDateNoteMachineCommandAndTables() {
        Row r = row(2, run(2, 3000, 20, 100, 1));
        r.pytorch().get(Setup.DEFAULT).add(run(2, 1000, 400, 400, 3));
        r.pytorch().get(Setup.PERSISTENT).add(run(2, 1500, 200, 500, 3));
        assertTrue(BenchReport.memory(List.of(r)).title().startsWith("Peak memory, MiB: sampled every 100 ms during"
                + " each run (RSS from /proc/PID/status, PSS from /proc/PID/smaps_rollup)"),
                BenchReport.memory(List.of(r)).title());
        String md = markdown("smoke run | loaded machine", r).section();
        List<String> lines = md.lines().toList();
        assertEquals("## 2026-12-06 07:30 UTC: smoke run | loaded machine", lines.getFirst());
        assertTrue(lines.contains("- Machine: CPU X, 2 cores, 4.0 GiB memory, Linux 6 amd64, Java 25 (max heap 1,024 MiB),"
                + " load average 3.00 2.00 1.00; load average at the end 4.00 3.00 2.00"), md);
        assertTrue(lines.contains("- Command: `dataloader4j bench --rounds 1`"), md);
        assertTrue(lines.contains("| pipeline | workers | ours samples/s | PyTorch best samples/s | ours / best | best"
                + " | PyTorch default | PyTorch persistent |"), md);
        assertTrue(lines.contains("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"), md);
        assertTrue(lines.contains("| tensor | 2 | 3,000 | 1,500 | 2.00x | persistent | 1,000 | 1,500 |"), md);
        assertTrue(md.contains("default and persistent\\_workers=True"), "underscores are escaped: " + md);
        assertTrue(lines.contains("| tensor | 2 | 200 | 100 | 300 | 400 (3) | 500 (3) | 0.40x | 0.20x |"), md);
    }

    @Test
    void markdownIsAppendedAfterWhatTheFileHolds(@TempDir Path dir) throws IOException {
        Row r = row(0, run(0, 2000, 5, 100, 1));
        Path file = dir.resolve("BENCHMARKS.md");
        markdown("first", r).appendTo(file);
        String once = Files.readString(file);
        assertTrue(once.startsWith("# Benchmarks\n\n## 2026-12-06 07:30 UTC: first\n"), once);
        Files.writeString(file, once + "closing words without a newline");
        markdown(null, r).appendTo(file);
        String twice = Files.readString(file);
        assertTrue(twice.startsWith(once + "closing words without a newline\n\n## 2026-12-06 07:30 UTC\n"), twice);
        assertEquals(1, twice.lines().filter(l -> l.equals("# Benchmarks")).count());
        assertEquals(2, twice.lines().filter(l -> l.startsWith("| pipeline | workers | ours samples/s")).count());
    }
}
