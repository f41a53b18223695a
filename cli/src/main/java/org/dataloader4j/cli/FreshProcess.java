package org.dataloader4j.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures a first batch in a process started for nothing else, ours or PyTorch's, for {@code bench
 * --fresh-first-batch}: a JVM has no compiled code when it starts, so a first batch measured in a process that has
 * already loaded other epochs says little about what a user who starts a training job waits for.
 *
 * <p>The process prints one JSON object a line on its standard output; the one whose {@code "event"} is
 * {@code "first-batch"} holds {@code firstBatchMillis} (from creating the iterator to receiving the first batch) and
 * {@code wallMillis} (the system clock when the batch arrived, in ms since the epoch), from which the time since
 * the launch is taken. Both outputs go to temporary files, so a process that hangs is ended after the timeout
 * instead of blocking a read.
 *
 * <pre>{@code
 * FreshProcess.FirstBatch ours = FreshProcess.firstBatch(FreshProcess.thisJvm(List.of("bench", "--first-batch-only",
 *         "--pipeline", "image-train", "--workers", "2")), "our JVM for image-train at 2 workers", Duration.ofMinutes(5));
 * }</pre>
 */
final class FreshProcess {
    private FreshProcess() {
    }

    /**
     * One first batch in a fresh process.
     *
     * @param firstBatchMillis from creating the iterator to receiving the first batch
     * @param fromLaunchMillis from starting the process to receiving the first batch: the runtime's start, imports
     *                         or class loading, and listing the dataset included
     */
    record FirstBatch(double firstBatchMillis, double fromLaunchMillis) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("firstBatchMillis", firstBatchMillis);
            m.put("fromLaunchMillis", fromLaunchMillis);
            return m;
        }
    }

    /**
     * The command that starts a new JVM like this one: the same {@code java}, the same JVM options (the start-up
     * cache and the launcher's flags included, but not the options that record a cache) and class or module path,
     * running {@link Main} with {@code arguments}.
     */
    static List<String> thisJvm(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-XX:AOTCacheOutput") && !option.startsWith("-XX:AOTMode")
                    && !option.startsWith("-XX:AOTConfiguration")) {
                command.add(option);
            }
        }
        Module module = Main.class.getModule();
        String modulePath = System.getProperty("jdk.module.path");
        if (module.isNamed() && modulePath != null) {
            command.addAll(List.of("--module-path", modulePath, "--module", module.getName() + "/" + Main.class.getName()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        command.addAll(arguments);
        return command;
    }

    /**
     * Runs {@code command} to its end and returns its {@code "first-batch"} event.
     *
     * @param what what the process is, for messages (e.g. "our JVM for image-train at 2 workers")
     * @throws IOException if it cannot start, does not end within {@code timeout} (it is then killed), exits with a
     *                     non-zero status, reports an {@code "error"} event, or prints no {@code "first-batch"} event;
     *                     the message names {@code what} and quotes the process's last error line
     */
    static FirstBatch firstBatch(List<String> command, String what, Duration timeout) throws IOException {
        Path out = Files.createTempFile("dataloader4j-fresh-", ".out");
        Path err = Files.createTempFile("dataloader4j-fresh-", ".err");
        try {
            long launched = System.currentTimeMillis();
            Process process;
            try {
                process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new IOException("cannot start the fresh process (" + what + ", " + command.getFirst() + "): "
                        + e.getMessage(), e);
            }
            process.getOutputStream().close(); // it reads nothing
            if (!finished(process, what, timeout)) {
                throw new IOException("the fresh process (" + what + ") did not finish within "
                        + timeout.toSeconds() + " s and was killed" + lastLine(err));
            }
            Map<?, ?> event = null;
            for (String line : lines(out)) {
                if (PyTorchRunner.event(line) instanceof Map<?, ?> map) {
                    if ("error".equals(map.get("event"))) {
                        throw new IOException("the fresh process (" + what + ") failed: " + map.get("message"));
                    }
                    if ("first-batch".equals(map.get("event"))) {
                        event = map;
                    }
                }
            }
            if (process.exitValue() != 0 || event == null) {
                throw new IOException("the fresh process (" + what + ") " + (process.exitValue() != 0
                        ? "exited with status " + process.exitValue() : "reported no first batch") + lastLine(err));
            }
            return new FirstBatch(number(event, "firstBatchMillis"), number(event, "wallMillis") - launched);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Waits for {@code process}; false (after killing it and its children) when it outlives {@code timeout}. */
    private static boolean finished(Process process, String what, Duration timeout) throws IOException {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return false;
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the fresh process (" + what + "), which was killed", e);
        }
    }

    private static String lastLine(Path err) throws IOException {
        List<String> lines = lines(err).stream().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : "; its last error line: " + lines.getLast().strip();
    }

    /** The file's lines, bytes that are not UTF-8 replaced (a process may print anything). */
    private static List<String> lines(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    }

    private static double number(Map<?, ?> event, String key) throws IOException {
        if (event.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IOException("the fresh process's first-batch event has no number '" + key + "': " + event);
    }
}
