package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.io.internal.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --compare-pytorch} against the real PyTorch scripts at tiny sizes: both loader setups, the
 * batched-indexing and gather runs, and the memory of PyTorch's worker processes. Skipped, with the reason,
 * where {@code /usr/bin/python3} (or {@code -Ddataloader4j.test.python=PATH}) cannot import torch. No timing
 * is asserted.
 */
class PyTorchComparisonTest {
    /** {@code /usr/bin/python3}, or the interpreter named by the system property {@code dataloader4j.test.python}. */
    private static final Path PYTHON = Path.of(System.getProperty("dataloader4j.test.python", "/usr/bin/python3"));

    /** Skips the calling test, saying why, when PyTorch or /proc cannot be used. */
    private static void needsTorch() throws InterruptedException {
        String why = torchUnavailableReason();
        assumeTrue(why == null, "skipped: the PyTorch comparison needs torch for " + PYTHON + " (" + why + ")");
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps_rollup")), "skipped: needs Linux /proc/PID/smaps_rollup");
    }

    /** Why {@link #PYTHON} cannot run the PyTorch scripts, or null when it can import torch. */
    static String torchUnavailableReason() throws InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            return PYTHON + " is missing";
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return PYTHON + " did not import torch within 120 s";
            }
            return p.exitValue() == 0 ? null : PYTHON + " cannot import torch";
        } catch (IOException e) {
            return "cannot run " + PYTHON + ": " + e.getMessage();
        }
    }

    private static Path scripts() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bench/pytorch/tensor_pipeline.py"))) {
                return dir.resolve("bench/pytorch");
            }
        }
        throw new IllegalStateException("bench/pytorch not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void tensorPipelineRunsEverySetupAndSamplesPyTorchsWorkers(@TempDir Path dir)
            throws IOException, InterruptedException {
        needsTorch();
        Path json = dir.resolve("torch.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"bench", "--samples", "20000", "--features", "8", "--workers", "0,1",
            "--epochs", "2", "--compare-pytorch", "--python", PYTHON.toString(), "--pytorch-scripts", scripts().toString(), "--memory-interval-ms",
            "5", "--json", json.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        String text = out.toString();
        assertEquals(0, code, err + text);
        assertTrue(!text.contains("PyTorch comparison skipped"), text);

        List<String> table = BenchCommandTest.throughputTable(text);
        assertTrue(table.get(1).matches("tensor\\s+0\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d.]+x\\s+default\\s+[\\d,]+\\s+n/a"),
                table.get(1));
        assertTrue(table.get(2).matches("tensor\\s+1\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d.]+x\\s+(default|persistent)\\s+[\\d,]+"
                + "\\s+[\\d,]+"), table.get(2));
        List<String> limits = text.lines().dropWhile(l -> !l.startsWith("TensorDataset beside PyTorch")).toList();
        assertTrue(limits.size() > 3, text);
        assertTrue(limits.get(2).matches("tensor\\s+0\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d.]+x\\s+[\\d,]+\\s+[\\d.]+x"), limits.get(2));

        Map<?, ?> row = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")).get(1);
        Map<?, ?> pytorch = (Map<?, ?>) row.get("pytorch");
        assertEquals(List.of("default", "persistent", "batched", "gather"), List.copyOf(pytorch.keySet()));
        Map<?, ?> persistent = (Map<?, ?>) ((List<?>) pytorch.get("persistent")).getFirst();
        Map<?, ?> sampled = (Map<?, ?>) persistent.get("sampledMemory");
        assertEquals(2L, sampled.get("maxProcesses"), "main process and its one persistent worker: " + sampled);
        assertTrue((Long) sampled.get("peakPssBytes") > 0, sampled.toString());
        Map<?, ?> gather = (Map<?, ?>) ((List<?>) pytorch.get("gather")).getFirst();
        assertEquals(1L, ((Map<?, ?>) gather.get("sampledMemory")).get("maxProcesses"), "the gather runs no workers");
        Map<?, ?> ours = (Map<?, ?>) ((List<?>) row.get("ours")).getFirst();
        assertEquals(1L, ((Map<?, ?>) ours.get("sampledMemory")).get("maxProcesses"),
                "our JVM alone, not the PyTorch script it started");
        assertTrue(List.of("default", "persistent").contains(row.get("pytorchBest")), row.toString());
    }

    @Test
    void freshFirstBatchStartsAPythonProcessBesideEachJvm(@TempDir Path dir) throws IOException, InterruptedException {
        needsTorch();
        Path json = dir.resolve("fresh.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"bench", "--samples", "5000", "--features", "8", "--workers", "0,1",
            "--epochs", "1", "--compare-pytorch", "--python", PYTHON.toString(), "--pytorch-scripts",
            scripts().toString(), "--fresh-first-batch", "--json", json.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        String text = out.toString();
        assertEquals(0, code, err + text);
        assertEquals(2, text.lines().filter(l -> l.matches("  PyTorch default workers=[01] fresh process: first batch"
                + " [\\d.]+ ms, \\d+ ms after the launch")).count(), text);
        List<String> table = text.lines().dropWhile(l -> !l.startsWith("First batch in a fresh process, ms: median of 1"
                + " process per side")).toList();
        assertTrue(table.size() > 3, text);
        for (int w = 0; w < 2; w++) {
            assertTrue(table.get(2 + w).matches("tensor\\s+" + w + "\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+x\\s+[\\d.]+"
                    + "\\s+[\\d.]+\\s+[\\d.]+x"), table.get(2 + w));
        }
        for (Object o : (List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")) {
            Map<?, ?> fresh = (Map<?, ?>) ((Map<?, ?>) o).get("freshFirstBatch");
            Map<?, ?> theirs = (Map<?, ?>) ((List<?>) fresh.get("pytorch")).getFirst();
            assertTrue((Double) theirs.get("firstBatchMillis") > 0, theirs.toString());
            assertTrue(((Number) theirs.get("fromLaunchMillis")).doubleValue() > (Double) theirs.get("firstBatchMillis"),
                    "importing torch comes before the first batch: " + theirs);
        }
    }
}
