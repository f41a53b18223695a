package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/c/run-resample-check.sh}: the native resample under AddressSanitizer and
 * UndefinedBehaviorSanitizer at every SIMD level the processor has, against an independent scalar resample. Skipped
 * where gcc or its sanitizer runtime is missing.
 */
class NativeSanitizerTest {

    private static boolean sanitizersWork() throws IOException, InterruptedException {
        return org.dataloader4j.vision.SanitizerProbe.whyNot("int main(void) { return 0; }\n") == null;
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
