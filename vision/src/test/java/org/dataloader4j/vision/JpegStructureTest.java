package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.junit.jupiter.api.Test;

/**
 * The marker walk of {@link JpegStructure} on hand-built marker sequences (segments only, no entropy-coded data):
 * what it finds before the first frame header, where it stops, and that it leaves the stream where it was.
 */
class JpegStructureTest {
    private static final int SOF0 = 0xC0;
    private static final int SOF2 = 0xC2;
    private static final int DHT = 0xC4;
    private static final int APP0 = 0xE0;
    private static final int APP14 = 0xEE;
    private static final int SOS = 0xDA;

    /** SOI followed by the given segments, each a marker and its payload (the length field is added). */
    private static final class Jpeg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Jpeg() {
            out.write(0xFF);
            out.write(0xD8);
        }

        Jpeg segment(int marker, byte[] payload) {
            out.write(0xFF);
            out.write(marker);
            int length = payload.length + 2;
            out.write(length >> 8);
            out.write(length & 0xFF);
            out.writeBytes(payload);
            return this;
        }

        Jpeg segment(int marker, String payload) {
            return segment(marker, payload.getBytes(StandardCharsets.US_ASCII));
        }

        ImageInputStream stream() {
            return new MemoryCacheImageInputStream(new ByteArrayInputStream(out.toByteArray()));
        }
    }

    private static boolean adobe(Jpeg jpeg) throws IOException {
        try (ImageInputStream in = jpeg.stream()) {
            return JpegStructure.hasAdobeMarker(in);
        }
    }

    private static boolean progressive(Jpeg jpeg) throws IOException {
        try (ImageInputStream in = jpeg.stream()) {
            return JpegStructure.isProgressive(in);
        }
    }

    @Test
    void adobeSegmentBeforeTheFrameIsFound() throws IOException {
        assertTrue(adobe(new Jpeg().segment(APP0, "JFIF\0xxxxxxxxx").segment(APP14, "Adobe\0d\0\0\0\0\2")
                .segment(SOF0, new byte[15])));
    }

    @Test
    void adobeSegmentAfterTheFrameIsNotLookedAt() throws IOException {
        assertFalse(adobe(new Jpeg().segment(SOF0, new byte[15]).segment(APP14, "Adobe\0d\0\0\0\0\2")));
    }

    @Test
    void app14WithAnotherIdentifierOrTooShortIsNotAdobe() throws IOException {
        assertFalse(adobe(new Jpeg().segment(APP14, "Other\0d\0\0\0\0\2").segment(SOF0, new byte[15])));
        assertFalse(adobe(new Jpeg().segment(APP14, "Adob").segment(SOF0, new byte[15])));
    }

    @Test
    void progressiveFrameHeaderIsProgressiveAndBaselineIsNot() throws IOException {
        assertTrue(progressive(new Jpeg().segment(APP0, "JFIF\0xxxxxxxxx").segment(SOF2, new byte[15])));
        assertFalse(progressive(new Jpeg().segment(APP0, "JFIF\0xxxxxxxxx").segment(SOF0, new byte[15])));
    }

    @Test
    void huffmanTableSegmentIsSkippedNotTakenForAFrame() throws IOException {
        assertTrue(progressive(new Jpeg().segment(DHT, new byte[20]).segment(SOF2, new byte[15])));
    }

    @Test
    void scanBeforeAnyFrameOrDataEndingMidSegmentAnswersFalse() throws IOException {
        assertFalse(progressive(new Jpeg().segment(SOS, new byte[10]).segment(SOF2, new byte[15])));
        assertFalse(adobe(new Jpeg().segment(SOS, new byte[10]).segment(APP14, "Adobe\0d\0\0\0\0\2")));
        assertFalse(progressive(new Jpeg()));
        assertFalse(adobe(new Jpeg().segment(APP0, "JFIF")));
    }

    @Test
    void bothChecksRestoreTheStreamPosition() throws IOException {
        Jpeg jpeg = new Jpeg().segment(APP14, "Adobe\0d\0\0\0\0\2").segment(SOF2, new byte[15]);
        try (ImageInputStream in = jpeg.stream()) {
            in.seek(5);
            assertTrue(JpegStructure.hasAdobeMarker(in));
            assertEquals(5, in.getStreamPosition());
            assertTrue(JpegStructure.isProgressive(in));
            assertEquals(5, in.getStreamPosition());
        }
    }
}
