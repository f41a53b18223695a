package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PGM/PPM header errors name the input, the value and the limit; see also {@link PnmReaderFuzzTest}. */
class PnmReaderTest {
    private static ImageDecodeException error(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return assertThrows(ImageDecodeException.class,
                () -> PnmReader.read(bytes, Origin.named("in.pgm"), Long.MAX_VALUE).close());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "P5 99999999999999999999 1 255\\n # PNM width is too large: 99999999999999999999 (at most 2147483647)",
        "P5 1 3000000000 255\\n # PNM height is too large: 3000000000 (at most 2147483647)",
        "P5 1 1 70000\\n # PNM maxval must be greater than 0 and less than 65536, but is 70000"})
    void headerNumbersBeyondTheirRangeNameTheValueAndTheMaximum(String text, String message) {
        ImageDecodeException e = error(text.replace("\\n", "\n"));
        assertTrue(e.getMessage().contains("in.pgm") && e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void bytesThatDoNotStartLikeAPnmAreANamedErrorNotAnIndexError() {
        for (String text : new String[] {"", "P", "P5", "PX 1 1 255\n"}) {
            ImageDecodeException e = error(text);
            assertTrue(e.getMessage().contains("in.pgm") && e.getMessage().contains("not a Netpbm file"),
                    e.getMessage());
        }
    }

    @Test
    void wellFormedGrayMapReads() {
        byte[] bytes = "P5\n# comment\n3 1\n255\n\u0000\u0080\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        try (Image image = PnmReader.read(bytes, Origin.named("ok.pgm"), Long.MAX_VALUE)) {
            assertEquals(3, image.width());
            assertEquals(1, image.height());
            assertArrayEquals(new byte[] {0, (byte) 0x80, (byte) 0xff},
                    image.data().toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
