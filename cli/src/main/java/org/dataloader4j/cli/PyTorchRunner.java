package org.dataloader4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.io.internal.Json;

/**
 * A PyTorch script from {@code bench/pytorch/} running in {@code --serve} mode beside the JVM: it
 * builds its data once, then answers {@code run WORKERS EPOCHS} with one JSON line per request, so the
 * benchmark can alternate between our loader and PyTorch's on the same machine in the same minute.
 * The script's standard error goes to a temporary file whose tail is quoted when something fails.
 */
final class PyTorchRunner implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path stderr;
    private final Map<?, ?> ready;

    private PyTorchRunner(Process process, BufferedReader out, Writer in, Path stderr, Map<?, ?> ready) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.stderr = stderr;
        this.ready = ready;
    }

    /**
     * How PyTorch is set up for a run (the scripts' {@code SETUP} word; see {@code bench/pytorch/bench_common.py}).
     */
    enum Setup {
        /** {@code DataLoader(dataset, batch_size, shuffle=True, num_workers=w)}: new worker processes every epoch. */
        DEFAULT("default", "PyTorch default"),
        /** The same with {@code persistent_workers=True}: the workers live across epochs (w > 0 only). */
        PERSISTENT("persistent", "PyTorch persistent"),
        /** {@code BatchSampler} passed as {@code sampler}, {@code batch_size=None}: a TensorDataset indexed per batch. */
        BATCHED("batched", "PyTorch batched indexing"),
        /** No loader: {@code index_select} of shuffled batches on one thread, the limit of a random gather. */
        GATHER("gather", "raw gather (1 core)");

        private final String word;
        private final String label;

        Setup(String word, String label) {
            this.word = word;
            this.label = label;
        }

        /** The word the scripts take after {@code run WORKERS EPOCHS}. */
        String word() {
            return word;
        }

        /** How tables name it. */
        String label() {
            return label;
        }

        /** Whether PyTorch accepts this setup at {@code workers} ({@code persistent_workers=True} needs workers). */
        boolean appliesTo(int workers) {
            return this != PERSISTENT || workers > 0;
        }
    }

    /** Thrown when PyTorch cannot be used; the message is one line saying why. */
    static final class UnavailableException extends Exception {
        UnavailableException(String message) {
            super(message);
        }
    }

    /**
     * Starts {@code python script --serve arguments...} and waits until it has built its data.
     *
     * @throws UnavailableException if the interpreter or the script is missing, torch cannot be imported, or the
     *                              script fails before it is ready
     */
    static PyTorchRunner start(Path python, Path script, List<String> arguments) throws UnavailableException {
        if (!Files.isExecutable(python)) {
            throw new UnavailableException(python + " is not an executable Python interpreter");
        }
        if (!Files.isRegularFile(script)) {
            throw new UnavailableException("the PyTorch script " + script + " does not exist");
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(), "--serve"));
        command.addAll(arguments);
        Path stderr;
        Process process;
        try {
            stderr = Files.createTempFile("dataloader4j-pytorch-", ".log");
            stderr.toFile().deleteOnExit();
            process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            throw new UnavailableException("cannot start " + python + ": " + e.getMessage());
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        PyTorchRunner runner = new PyTorchRunner(process, out, in, stderr, null);
        try {
            Map<?, ?> first = runner.readEvent();
            if (!"ready".equals(first.get("event"))) {
                throw new UnavailableException(String.valueOf(first.get("message")));
            }
            return new PyTorchRunner(process, out, in, stderr, first);
        } catch (IOException | RuntimeException e) {
            runner.close();
            throw new UnavailableException(e.getMessage());
        } catch (UnavailableException e) {
            runner.close();
            throw e;
        }
    }

    /** What the script reported once ready: torch and Python versions, build time, resident memory. */
    Map<?, ?> ready() {
        return ready;
    }

    /** The torch version string. */
    String torchVersion() {
        return String.valueOf(ready.get("torch"));
    }

    /** The script's process id: the root of the process family whose memory is sampled. */
    long pid() {
        return process.pid();
    }

    /**
     * Runs PyTorch's loader at {@code workers} for {@code epochs} epochs set up as {@code setup}, sampling the
     * memory of the script's process and all its worker processes every {@code memoryInterval} meanwhile.
     *
     * @throws IOException if the script fails or answers with an error
     */
    BenchRun run(int workers, int epochs, Setup setup, Duration memoryInterval) throws IOException {
        MemorySampler sampler = MemorySampler.start(process.pid(), memoryInterval);
        Map<?, ?> answer;
        MemorySampler.Peak peak;
        try {
            in.write("run " + workers + " " + epochs + " " + setup.word() + "\n");
            in.flush();
            answer = readEvent();
        } finally {
            peak = sampler.stop();
        }
        if (!"result".equals(answer.get("event"))) {
            throw new IOException("the PyTorch script failed at workers=" + workers + " (" + setup.word() + "): "
                    + answer.get("message"));
        }
        return BenchRun.fromScriptJson(answer).withSampled(peak);
    }

    private Map<?, ?> readEvent() throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (event(line) instanceof Map<?, ?> map) {
                return map;
            }
        }
        throw new IOException("the PyTorch script ended unexpectedly" + stderrTail());
    }

    /**
     * The protocol object on {@code line} (a JSON object with an {@code "event"}), or null for anything else: a blank
     * line, or a library printing to stdout. The scripts and our own fresh JVMs ({@link FreshProcess}) speak it.
     */
    static Map<?, ?> event(String line) {
        String text = line.strip();
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            return Json.parse(text) instanceof Map<?, ?> map && map.get("event") != null ? map : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String stderrTail() {
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
            }
            return "; its last error line: " + lines.getLast().strip();
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "";
        }
    }

    /** Asks the script to quit, then ends it if it does not within a few seconds. */
    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
            in.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            // deleteOnExit will try again
        }
    }
}
