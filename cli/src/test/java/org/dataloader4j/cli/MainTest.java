package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void demoLoadsEveryEpochAndPrintsASummary() {
        Result r = run("demo", "--samples", "500", "--batch-size", "32", "--workers", "2", "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dataset: 1000 samples"), r.out());
        assertTrue(r.out().contains("32 batches per epoch"), r.out());
        assertTrue(r.out().contains("first batch: features FLOAT32 [32, 2], labels INT64 [32]"), r.out());
        assertTrue(r.out().contains("epoch 0: 32 batches, 1000 samples"), r.out());
        assertTrue(r.out().contains("epoch 1: 32 batches, 1000 samples"), r.out());
        assertTrue(r.out().contains("throughput"), r.out());
    }

    @Test
    void demoPrintsTheSameFirstBatchForAnyWorkerCount() {
        String serial = firstBatchLines(run("demo", "--samples", "200", "--workers", "0", "--epochs", "1").out());
        String parallel = firstBatchLines(run("demo", "--samples", "200", "--workers", "3", "--epochs", "1").out());
        assertEquals(serial, parallel);
    }

    private static String firstBatchLines(String out) {
        return out.lines().filter(l -> l.startsWith("  sample ")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void badOptionValueIsAUsageErrorWithExitCode2() {
        Result r = run("demo", "--workers", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--workers=-1"), r.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Result r = run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("frobnicate"), r.err());
    }

    @Test
    void missingCommandIsAUsageError() {
        Result r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("a command is needed"), r.err());
    }

    @Test
    void helpListsTheDemo() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("demo"), r.out());
    }
}
