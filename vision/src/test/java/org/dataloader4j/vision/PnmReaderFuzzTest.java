package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link PnmReader}, the PGM/PPM decoder, with arbitrary bytes. The property: it gives an image no larger
 * than the input (a sample is at least one byte in the file and exactly one in the image), or throws an
 * {@link ImageDecodeException} naming the input; nothing else. Plain {@code mvn verify} replays the committed inputs
 * under {@code src/test/resources/org/dataloader4j/vision/PnmReaderFuzzTestInputs/}; see FUZZING.md for fuzzing
 * longer.
 */
class PnmReaderFuzzTest {
    private static final String NAME = "fuzz.pnm";

    @FuzzTest(maxDuration = "3m")
    void pnmReaderGivesAnImageOrANamedError(byte[] bytes) {
        try (Image image = PnmReader.read(bytes, Origin.named(NAME), Long.MAX_VALUE)) {
            long pixelBytes = (long) image.width() * image.height() * image.channels();
            assertTrue(pixelBytes <= bytes.length, pixelBytes + " bytes of pixels from " + bytes.length + " bytes");
        } catch (ImageDecodeException e) {
            assertNotNull(e.getMessage(), "an error without a message");
            assertTrue(e.getMessage().contains(NAME), e::getMessage);
        }
    }
}
