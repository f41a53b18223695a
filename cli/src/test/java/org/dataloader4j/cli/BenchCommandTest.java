package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dataloader4j.io.internal.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataloader4j bench} end to end at tiny sizes; no timing is asserted, and no Python is needed. */
class BenchCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static final String HEADER_START = "pipeline  workers  ours samples/s  PyTorch best samples/s  ours / best";

    /** The lines of the throughput table, the first one printed: from its header to the blank line after it. */
    static List<String> throughputTable(String out) {
        List<String> lines = out.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            if (lines.get(i).matches("pipeline\\s+workers\\s+ours samples/s\\s+PyTorch best samples/s\\s+ours / best\\s.*")) {
                header = i;
            }
        }
        assertTrue(header >= 0, "no throughput table in\n" + out);
        List<String> table = new java.util.ArrayList<>();
        for (int i = header; i < lines.size() && !lines.get(i).isBlank(); i++) {
            table.add(lines.get(i));
        }
        return table;
    }

    @Test
    void tinyRunPrintsTheTableAndWritesJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("bench.json");
        Result r = run("bench", "--samples", "2000", "--features", "8", "--workers", "0,1", "--epochs", "1",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(HEADER_START), r.out());
        List<String> tableRows = throughputTable(r.out()).stream().filter(l -> l.startsWith("tensor ")).toList();
        assertEquals(2, tableRows.size(), r.out());
        assertTrue(tableRows.get(0).matches("tensor\\s+0\\s+[\\d,]+\\s+-\\s+-\\s+.*"), tableRows.get(0));

        Map<?, ?> root = assertInstanceOf(Map.class, Json.parse(Files.readString(json)));
        Map<?, ?> config = (Map<?, ?>) root.get("config");
        assertEquals(2000L, config.get("samples"));
        assertEquals(List.of(0L, 1L), config.get("workers"));
        assertEquals(Boolean.FALSE, ((Map<?, ?>) root.get("pytorch")).get("requested"));
        List<?> results = (List<?>) root.get("results");
        assertEquals(2, results.size());
        for (int i = 0; i < 2; i++) {
            Map<?, ?> row = (Map<?, ?>) results.get(i);
            assertEquals((long) i, row.get("workers"));
            assertEquals(null, row.get("pytorch"));
            assertEquals(null, row.get("ratio"));
            assertTrue((Double) row.get("samplesPerSecond") > 0, row.toString());
            List<?> rounds = (List<?>) row.get("ours");
            assertEquals(1, rounds.size());
            Map<?, ?> ours = (Map<?, ?>) rounds.getFirst();
            assertTrue((Double) ours.get("samplesPerSecond") > 0, ours.toString());
            List<?> epochs = (List<?>) ours.get("epochs");
            assertEquals(1, epochs.size());
            Map<?, ?> epoch = (Map<?, ?>) epochs.getFirst();
            assertEquals(2000L, epoch.get("samples"));
            assertEquals(8L, epoch.get("batches")); // 2000 / 256, last batch partial
        }
    }

    @Test
    void oursIsSampledAloneAndTheMarkdownSectionIsAppended(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("mem.json");
        Path md = dir.resolve("BENCHMARKS.md");
        Files.writeString(md, "# Benchmarks\n\nHow to reproduce.\n");
        Result r = run("bench", "--samples", "2000", "--features", "8", "--workers", "0,1", "--epochs", "2",
                "--memory-interval-ms", "5", "--json", json.toString(), "--markdown", md.toString(),
                "--note", "smoke run");
        assertEquals(0, r.code(), r.err());
        List<String> memory = r.out().lines().dropWhile(l -> !l.startsWith("Peak memory, MiB")).toList();
        assertTrue(memory.size() > 3, r.out());
        assertTrue(memory.get(1).matches("pipeline\\s+workers\\s+ours RSS\\s+ours PSS\\s+ours VmHWM\\s+.*"), memory.get(1));
        assertTrue(memory.get(2).matches("tensor\\s+0\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d,]+\\s+-\\s+-\\s+-\\s+-"), memory.get(2));
        assertFalse(r.out().contains("TensorDataset beside PyTorch"), "no batched/gather table without PyTorch");

        Map<?, ?> row = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")).get(1);
        Map<?, ?> sampled = (Map<?, ?>) ((Map<?, ?>) ((List<?>) row.get("ours")).getFirst()).get("sampledMemory");
        assertEquals(1L, sampled.get("maxProcesses"), sampled.toString());
        assertEquals(5L, sampled.get("intervalMillis"));
        assertTrue((Long) sampled.get("samples") >= 2, sampled.toString());
        assertTrue((Long) sampled.get("peakPssBytes") > 0, sampled.toString());
        assertTrue((Long) sampled.get("peakRssBytes") >= (Long) sampled.get("peakPssBytes"), sampled.toString());

        String text = Files.readString(md);
        assertTrue(text.startsWith("# Benchmarks\n\nHow to reproduce.\n\n## "), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("## \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: smoke run")), text);
        assertTrue(text.contains("- Command: `dataloader4j bench --samples 2000 --features 8"), text);
        assertTrue(text.contains(" --note 'smoke run'`\n"), text);
        assertTrue(text.contains("; PyTorch not compared\n"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("\\| tensor \\| 1 \\| [\\d,]+ \\| - \\| - \\| - \\| - \\| - \\|")), text);
        assertTrue(r.out().contains("appended the tables to " + md), r.out());
    }

    @Test
    void missingPythonIsReportedInOneLineAndOursStillRuns(@TempDir Path dir) {
        Result r = run("bench", "--samples", "500", "--features", "4", "--workers", "0", "--epochs", "1",
                "--compare-pytorch", "--python", dir.resolve("no-such-python").toString());
        assertEquals(0, r.code(), r.err());
        List<String> skipped = r.out().lines().filter(l -> l.startsWith("PyTorch comparison skipped: ")).toList();
        assertEquals(1, skipped.size(), r.out());
        assertTrue(skipped.getFirst().contains("no-such-python"), skipped.getFirst());
        assertTrue(r.out().contains(HEADER_START), r.out());
    }

    @Test
    void roundsRepeatTheSweep(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("rounds.json");
        Result r = run("bench", "--samples", "300", "--features", "4", "--batch-size", "64", "--workers", "2",
                "--epochs", "2", "--rounds", "3", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("round 3 of 3"), r.out());
        Map<?, ?> row = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")).getFirst();
        List<?> rounds = (List<?>) row.get("ours");
        assertEquals(3, rounds.size());
        for (Object round : rounds) {
            assertEquals(2, ((List<?>) ((Map<?, ?>) round).get("epochs")).size());
        }
    }

    @Test
    void unknownPipelineIsAUsageError() {
        Result r = run("bench", "--pipeline", "tensor,image-test");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--pipeline=image-test"), r.err());
        assertTrue(r.err().contains("[tensor, npy-mmap, image-train, image-eval]"), r.err());
    }

    /** A tiny ImageFolder of JPEGs (3 classes x 5, random pixels, sizes around 224) written with ImageIO. */
    private static Path jpegFolder(Path dir) throws IOException {
        Path root = dir.resolve("images");
        int[][] sizes = {{300, 240}, {256, 320}, {240, 240}, {400, 260}, {180, 150}};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < sizes.length; i++) {
                TestImages.write(TestImages.rgb(sizes[i][0], sizes[i][1], 10L * c + i), "jpg",
                        root.resolve("class_" + c).resolve("img_" + i + ".jpg"));
            }
        }
        return root;
    }

    @Test
    void imagePipelinesRunOnAnImageFolder(@TempDir Path dir) throws IOException {
        Path images = jpegFolder(dir);
        Path json = dir.resolve("images.json");
        Result r = run("bench", "--pipeline", "image-train,image-eval", "--data", images.toString(),
                "--workers", "0,1", "--epochs", "1", "--image-batch-size", "4", "--json", json.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(
                "pipeline\\s+workers\\s+ours samples/s\\s+PyTorch best samples/s\\s+ours / best\\s+.*")), r.out());
        assertTrue(r.out().contains("pipeline image-train: ImageFolder " + images + " (15 images, 3 classes)"), r.out());
        assertTrue(r.out().contains("RandomResizedCrop(size=(224, 224)"), r.out());
        assertTrue(r.out().contains("pipeline image-eval: ImageFolder " + images + " (15 images, 3 classes)"), r.out());
        assertTrue(r.out().contains("Resize(size=256"), r.out());
        assertTrue(r.out().contains("image-eval / image-train at workers=1: ours "), r.out());
        for (String name : List.of("image-train", "image-eval")) {
            List<String> rows = throughputTable(r.out()).stream().filter(l -> l.matches(name + "\\s+\\d+\\s.*")).toList();
            assertEquals(2, rows.size(), r.out());
            assertTrue(rows.get(0).matches(name + "\\s+0\\s+[\\d,]+\\s+-\\s+-\\s+.*"), rows.get(0));
            assertTrue(rows.get(1).matches(name + "\\s+1\\s+[\\d,]+\\s+-\\s+-\\s+.*"), rows.get(1));
        }
        Map<?, ?> root = assertInstanceOf(Map.class, Json.parse(Files.readString(json)));
        Map<?, ?> config = (Map<?, ?>) root.get("config");
        assertEquals("image-train,image-eval", config.get("pipeline"));
        assertEquals(4L, config.get("imageBatchSize"));
        List<?> results = (List<?>) root.get("results");
        assertEquals(4, results.size());
        for (Object o : results) {
            Map<?, ?> epoch = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) o).get("ours")).getFirst())
                    .get("epochs")).getFirst();
            assertEquals(15L, epoch.get("samples"));
            assertEquals(4L, epoch.get("batches")); // 15 / 4, last batch partial
        }
    }

    @Test
    void freshFirstBatchStartsANewJvmPerRoundAndWorkerCount(@TempDir Path dir) throws IOException {
        Path images = jpegFolder(dir);
        Path json = dir.resolve("fresh.json");
        Result r = run("bench", "--pipeline", "image-train", "--data", images.toString(), "--workers", "0,1",
                "--epochs", "1", "--rounds", "2", "--image-batch-size", "4", "--fresh-first-batch",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertEquals(4, r.out().lines().filter(l -> l.matches("  ours     workers=[01] fresh JVM: first batch [\\d.]+ ms,"
                + " \\d+ ms after the launch")).count(), r.out());
        List<String> table = r.out().lines().dropWhile(l -> !l.startsWith("First batch in a fresh process, ms: median"
                + " of 2 processes per side")).toList();
        assertTrue(table.size() > 3, r.out());
        for (int w = 0; w < 2; w++) {
            assertTrue(table.get(2 + w).matches("image-train\\s+" + w + "\\s+[\\d.]+ \\([\\d.]+-[\\d.]+\\)\\s+-\\s+-"
                    + "\\s+[\\d.]+ \\([\\d.]+-[\\d.]+\\)\\s+-\\s+-"), table.get(2 + w));
        }
        for (Object o : (List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")) {
            Map<?, ?> fresh = (Map<?, ?>) ((Map<?, ?>) o).get("freshFirstBatch");
            List<?> ours = (List<?>) fresh.get("ours");
            assertEquals(2, ours.size(), fresh.toString());
            for (Object run : ours) {
                double first = (Double) ((Map<?, ?>) run).get("firstBatchMillis");
                double launch = ((Number) ((Map<?, ?>) run).get("fromLaunchMillis")).doubleValue();
                assertTrue(first > 0 && launch > first, run.toString());
            }
            assertEquals(null, fresh.get("pytorch"));
        }
    }

    @Test
    void firstBatchOnlyPrintsOneJsonLinePerPipelineAndWorkerCount(@TempDir Path dir) throws IOException {
        Path images = jpegFolder(dir);
        Result r = run("bench", "--first-batch-only", "--pipeline", "image-eval,tensor", "--data", images.toString(),
                "--samples", "300", "--features", "4", "--workers", "0,2", "--image-batch-size", "4");
        assertEquals(0, r.code(), r.err() + r.out());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        List<String> expected = List.of("image-eval/0", "image-eval/2", "tensor/0", "tensor/2");
        for (int i = 0; i < 4; i++) {
            Map<?, ?> event = assertInstanceOf(Map.class, Json.parse(lines.get(i)));
            assertEquals("first-batch", event.get("event"));
            assertEquals(expected.get(i), event.get("pipeline") + "/" + event.get("workers"));
            assertTrue((Double) event.get("firstBatchMillis") > 0, event.toString());
            assertTrue(Math.abs((Long) event.get("wallMillis") - System.currentTimeMillis()) < 600_000, event.toString());
        }
    }

    @Test
    void imagePipelinesTakeOurInFlightLimitsAndSayWhichInTheirDescription(@TempDir Path dir) throws IOException {
        Path images = jpegFolder(dir);
        Path json = dir.resolve("tuned.json");
        Result r = run("bench", "--pipeline", "image-train", "--data", images.toString(), "--workers", "0,2",
                "--epochs", "1", "--image-batch-size", "4", "--prefetch-factor", "3", "--max-inflight-mib", "1",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("; ours with workers: prefetchFactor 3, maxInflightBytes 1048576"), r.out());
        Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("config");
        assertEquals(3L, config.get("prefetchFactor"));
        assertEquals(1048576L, config.get("maxInflightBytes"));
        Result plain = run("bench", "--pipeline", "image-eval", "--data", images.toString(), "--workers", "1",
                "--epochs", "1", "--image-batch-size", "4");
        assertEquals(0, plain.code(), plain.err() + plain.out());
        assertFalse(plain.out().contains("ours with workers"), plain.out());
    }

    @Test
    void negativeInFlightLimitsAreUsageErrors() {
        Result r = run("bench", "--prefetch-factor", "-1", "--max-inflight-mib", "-2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--prefetch-factor=-1"), r.err());
        assertTrue(r.err().contains("--max-inflight-mib=-2"), r.err());
    }

    @Test
    void imagePipelinesWithTheDefaultBatchOf64(@TempDir Path dir) throws IOException {
        Path images = jpegFolder(dir);
        Result r = run("bench", "--pipeline", "image-train,image-eval", "--data", images.toString(),
                "--workers", "0,1", "--epochs", "1");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("batch 64, shuffled"), r.out());
        assertEquals(4, throughputTable(r.out()).stream().filter(l -> l.matches("image-\\w+\\s+\\d+\\s.*")).count(), r.out());
    }

    @Test
    void missingImageFolderSaysHowToMakeItInOneLine(@TempDir Path dir) {
        Result r = run("bench", "--pipeline", "image-eval", "--data", dir.resolve("none").toString());
        assertEquals(1, r.code(), r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.getFirst().contains("../shared/bench/make-bench-data.sh"), r.err());
        assertTrue(lines.getFirst().contains(dir.resolve("none").toString()), r.err());
    }

    @Test
    void tensorAndNpyMmapRunSideBySideAndTheFilesAreDeleted(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path json = dir.resolve("both.json");
        Result r = run("bench", "--pipeline", "tensor,npy-mmap", "--samples", "2000", "--features", "8",
                "--workers", "0,1", "--epochs", "2", "--data-dir", data.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(HEADER_START), r.out());
        assertEquals(2, throughputTable(r.out()).stream().filter(l -> l.matches("tensor\\s+\\d+\\s+[\\d,]+\\s+-\\s+-\\s+.*")).count(),
                r.out());
        assertEquals(2, throughputTable(r.out()).stream().filter(l -> l.matches("npy-mmap\\s+\\d+\\s+[\\d,]+\\s+-\\s+-\\s+.*")).count(),
                r.out());
        assertTrue(r.out().contains("npy-mmap / tensor at workers=1: ours "), r.out());
        assertTrue(r.out().contains("of their pages in the page cache: warm"), r.out());
        try (var left = Files.list(data)) {
            assertEquals(List.of(), left.toList(), "the .npy files and their folder are deleted at the end");
        }

        Map<?, ?> root = assertInstanceOf(Map.class, Json.parse(Files.readString(json)));
        Map<?, ?> config = (Map<?, ?>) root.get("config");
        assertEquals("tensor,npy-mmap", config.get("pipeline"));
        List<?> pipelines = (List<?>) config.get("pipelines");
        assertEquals(2, pipelines.size());
        Map<?, ?> mapped = (Map<?, ?>) pipelines.get(1);
        assertEquals("npy-mmap", mapped.get("name"));
        assertEquals(2000L * 8 * 4 + 2000 * 8, mapped.get("fileBytes"));
        assertTrue(((String) mapped.get("featuresFile")).startsWith(data.toString()), mapped.toString());
        assertTrue(mapped.containsKey("residentFractionBeforeFirstRun"), mapped.toString());
        List<?> results = (List<?>) root.get("results");
        assertEquals(List.of("tensor", "tensor", "npy-mmap", "npy-mmap"),
                results.stream().map(m -> ((Map<?, ?>) m).get("pipeline")).toList());
        for (Object o : results) {
            Map<?, ?> epoch = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) o).get("ours")).getFirst())
                    .get("epochs")).getLast();
            assertEquals(2000L, epoch.get("samples"));
        }
    }

    @Test
    void npyMmapWithoutDiskRoomFailsInOneLineBeforeWriting(@TempDir Path dir) throws IOException {
        Result r = run("bench", "--pipeline", "npy-mmap", "--samples", "1000000000000", "--features", "256",
                "--data-dir", dir.toString());
        assertEquals(1, r.code(), r.out());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("dataloader4j: the npy-mmap pipeline needs "), r.err());
        assertTrue(first.contains("--data-dir"), first);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
        Result missing = run("bench", "--pipeline", "npy-mmap", "--samples", "10", "--data-dir",
                dir.resolve("absent").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("is not an existing folder"), missing.err());
    }

    @Test
    void interleavedPipelinesTakeTurnsWithinEachRound(@TempDir Path dir) throws IOException {
        Result r = run("bench", "--pipeline", "tensor,npy-mmap", "--interleave", "--samples", "500", "--features", "4",
                "--workers", "0", "--epochs", "1", "--rounds", "2", "--data-dir", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> turns = r.out().lines().filter(l -> l.matches("(tensor|npy-mmap) round \\d of 2")).toList();
        assertEquals(List.of("tensor round 1 of 2", "npy-mmap round 1 of 2", "tensor round 2 of 2",
                "npy-mmap round 2 of 2"), turns, r.out());
        assertEquals(1, throughputTable(r.out()).stream().filter(l -> l.startsWith("npy-mmap  ")).count(), r.out());
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aPipelineNamedTwiceIsAUsageError() {
        Result r = run("bench", "--pipeline", "tensor,tensor");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("twice"), r.err());
    }

    @Test
    void negativeWorkerCountIsAUsageError() {
        Result r = run("bench", "--workers", "0,-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--workers=0,-1"), r.err());
    }

    @Test
    void nonPositiveMemoryIntervalIsAUsageError() {
        Result r = run("bench", "--memory-interval-ms", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--memory-interval-ms should be positive, but got --memory-interval-ms=0"), r.err());
    }

    @Test
    void helpDescribesTheOptions() {
        Result r = run("bench", "--help");
        assertEquals(0, r.code());
        for (String option : List.of("--pipeline", "npy-mmap", "--interleave", "--data-dir", "--samples", "--features", "--batch-size", "--workers", "--epochs",
                "--compare-pytorch", "--json", "--data", "--image-batch-size", "--markdown", "--note", "--memory-interval-ms",
                "--prefetch-factor", "--max-inflight-mib")) {
            assertTrue(r.out().contains(option), option + " missing in\n" + r.out());
        }
        assertTrue(run("--help").out().contains("bench"));
    }

    @Test
    void jsonRoundTripsWhatTheCommandWrites() {
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        value.put("text", "a \"quoted\"\nline\t\u0001");
        value.put("number", 1.5e-7);
        value.put("count", 3L);
        value.put("nan", Double.NaN);
        value.put("list", List.of(true, false));
        value.put("empty", Map.of());
        Map<?, ?> back = (Map<?, ?>) Json.parse(Json.write(value));
        assertEquals("a \"quoted\"\nline\t\u0001", back.get("text"));
        assertEquals(1.5e-7, back.get("number"));
        assertEquals(3L, back.get("count"), "integral numbers read back as Long");
        assertTrue(back.containsKey("nan"));
        assertEquals(null, back.get("nan"));
        assertEquals(List.of(true, false), back.get("list"));
        assertEquals(Map.of(), back.get("empty"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1 2]"));
        assertFalse(Json.parse("[]") instanceof Map);
    }
}
