package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/c/run-resample-check.sh}: the native resample under AddressSanitizer and
 * UndefinedBehaviorSanitizer at every SIMD level the processor has, against an independent scalar resample. Skipped
 * where gcc or its sanitizer runtime is missing.
 */
class NativeSanitizerTest {

    private static boolean sanitizersWork() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("dl4j-asan");
        try {
            Path c = Files.writeString(dir.resolve("probe.c"), "int main(void) { return 0; }\n");
            Process p = new ProcessBuilder("gcc", "-fsanitize=address,undefined", c.toString(), "-o",
                    dir.resolve("probe").toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void theNativeResampleReadsAndWritesOnlyItsBuffersAtEverySimdLevel() throws Exception {
        assumeTrue(sanitizersWork(), "gcc with AddressSanitizer is not available");
        Process p = new ProcessBuilder("sh", "src/test/c/run-resample-check.sh").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the check did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SIMD level 0: ok"), out);
    }
}
