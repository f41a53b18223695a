package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/c/run-jpeg-check.sh}: the native JPEG decoder ({@code dl4j_jpeg.c}) under AddressSanitizer
 * and UndefinedBehaviorSanitizer on truncated, marker-damaged, bit-flipped and noisy JPEGs, whole and by region at
 * every DCT scale, into exactly sized buffers; and {@code run-region-check.sh}: region decodes against the whole
 * decode for every chroma subsampling, scale and offset. Skipped, saying why, where gcc, its sanitizer runtime or
 * the libjpeg headers are missing.
 */
class NativeJpegSanitizerTest {

    /** Null if gcc builds and links a sanitized program against libjpeg here; otherwise why not. */
    private static String whyNotAvailable() throws IOException, InterruptedException {
        return SanitizerProbe.whyNot("#include <stdio.h>\n#include <jpeglib.h>\n"
                + "int main(void) { struct jpeg_error_mgr e; jpeg_std_error(&e); return 0; }\n", "-ljpeg");
    }

    @Test
    void theNativeJpegDecoderStaysInsideItsBuffersOnDamagedFiles() throws Exception {
        runCheck("src/test/c/run-jpeg-check.sh", "ok \\d+ decodes");
    }

    @Test
    void aRegionDecodeGivesTheWholeDecodesPixelsForEverySubsamplingScaleAndOffset() throws Exception {
        runCheck("src/test/c/run-region-check.sh", "ok \\d+ regions");
    }

    /** Runs {@code script} (skipped where it cannot be built) and expects exit 0 and a line matching {@code ok}. */
    private static void runCheck(String script, String ok) throws Exception {
        String why = whyNotAvailable();
        assumeTrue(why == null, why);
        Process p = new ProcessBuilder("sh", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the check did not finish: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("(?s).*" + ok + ".*"), out);
    }
}
