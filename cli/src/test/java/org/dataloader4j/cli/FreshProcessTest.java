package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FreshProcess}: the first-batch event of a process read back, and every way such a process can fail (a
 * status, an error event, no event, a hang) reported in one message that names the program; nothing waits forever.
 */
class FreshProcessTest {

    private static List<String> shell(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    @Test
    void theFirstBatchEventIsReadAmongOtherOutput() throws IOException {
        FreshProcess.FirstBatch first = FreshProcess.firstBatch(shell("echo 'a library talking'; echo '{not json';"
                + " echo '{\"event\": \"ready\"}'; now=$(date +%s%3N);"
                + " echo \"{\\\"event\\\": \\\"first-batch\\\", \\\"firstBatchMillis\\\": 12.5, \\\"wallMillis\\\": $now}\""),
                "a test process", Duration.ofSeconds(30));
        assertEquals(12.5, first.firstBatchMillis());
        assertTrue(first.fromLaunchMillis() >= 0 && first.fromLaunchMillis() < 30_000, first.toString());
    }

    @Test
    void aFailingProcessIsReportedWithItsStatusAndLastErrorLine() {
        IOException e = assertThrows(IOException.class, () -> FreshProcess.firstBatch(
                shell("echo 'first complaint' >&2; echo 'the real reason' >&2; exit 3"), "a test process", Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("exited with status 3"), e.getMessage());
        assertTrue(e.getMessage().endsWith("its last error line: the real reason"), e.getMessage());
        assertTrue(e.getMessage().contains("(a test process)"), e.getMessage());
    }

    @Test
    void outputThatIsNotUtf8DoesNotHideTheFailure() {
        IOException e = assertThrows(IOException.class, () -> FreshProcess.firstBatch(
                shell("printf '\\377\\376 noise\\n' >&2; printf '\\377{\\n'; echo 'the reason' >&2; exit 4"),
                "a test process", Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("exited with status 4"), e.getMessage());
        assertTrue(e.getMessage().endsWith("its last error line: the reason"), e.getMessage());
    }

    @Test
    void anErrorEventIsReportedWithItsMessage() {
        IOException e = assertThrows(IOException.class, () -> FreshProcess.firstBatch(
                shell("echo '{\"event\": \"error\", \"message\": \"torch is missing\"}'"), "a test process", Duration.ofSeconds(30)));
        assertTrue(e.getMessage().endsWith("failed: torch is missing"), e.getMessage());
    }

    @Test
    void aProcessWithoutAFirstBatchIsReported() {
        IOException e = assertThrows(IOException.class, () -> FreshProcess.firstBatch(
                shell("echo '{\"event\": \"ready\"}'"), "a test process", Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("reported no first batch"), e.getMessage());
        IOException noNumber = assertThrows(IOException.class, () -> FreshProcess.firstBatch(
                shell("echo '{\"event\": \"first-batch\", \"firstBatchMillis\": \"soon\"}'"), "a test process", Duration.ofSeconds(30)));
        assertTrue(noNumber.getMessage().contains("no number 'firstBatchMillis'"), noNumber.getMessage());
    }

    @Test
    void aHangingProcessAndItsChildrenAreKilledAfterTheTimeout() throws IOException {
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(IOException.class,
                () -> FreshProcess.firstBatch(shell("echo 'stuck' >&2; sleep 300 & sleep 300"), "a test process",
                        Duration.ofSeconds(1))));
        assertTrue(e.getMessage().contains("did not finish within 1 s and was killed; its last error line: stuck"),
                e.getMessage());
    }

    @Test
    void aMissingProgramIsAnIoExceptionNamingIt() {
        IOException e = assertThrows(IOException.class, () -> FreshProcess.firstBatch(List.of("/no/such/program"),
                "a missing program", Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("cannot start the fresh process (a missing program, /no/such/program): "),
                e.getMessage());
    }

    @Test
    void thisJvmRunsMainWithTheSameJavaAndAWorkingClassPath() throws IOException, InterruptedException {
        List<String> command = FreshProcess.thisJvm(List.of("--version"));
        assertTrue(command.getFirst().endsWith("java"), command.toString());
        assertEquals("--version", command.getLast());
        assertTrue(command.contains(Main.class.getName()) || command.contains("org.dataloader4j.cli/" + Main.class.getName()),
                command.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
