package org.dataloader4j.vision;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.imageio.stream.ImageInputStream;

/**
 * What the marker segments of a JPEG stream say before its first frame header, read without decoding it: whether
 * it is progressive and whether an Adobe segment declares inverted CMYK samples. Package-private: the pure-Java
 * path uses it to decide which of libjpeg's repairs of damaged data it can reproduce (see
 * {@link Decoders#withStrictJpeg}) and how to read CMYK samples. One walker reads the segments for both.
 */
final class JpegStructure {
    private static final int SOF2 = 0xC2;   // progressive, Huffman
    private static final int SOF6 = 0xC6;   // differential progressive, Huffman
    private static final int SOF10 = 0xCA;  // progressive, arithmetic
    private static final int SOF14 = 0xCE;  // differential progressive, arithmetic
    private static final int APP14 = 0xEE;
    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;

    private JpegStructure() {
    }

    /** Looks at one marker segment before the first frame header. */
    @FunctionalInterface
    private interface SegmentCheck {
        /**
         * True to stop the walk with the answer true; {@code in} is positioned just after the segment's length
         * field, and the walk moves on to the next segment itself.
         */
        boolean matches(int marker, int length, ImageInputStream in) throws IOException;
    }

    /**
     * True if the stream's first frame header declares a progressive JPEG; false for a sequential one or when no
     * frame header is found before the first scan or the end. The stream position is restored.
     */
    static boolean isProgressive(ImageInputStream in) throws IOException {
        return walk(in, frame -> frame == SOF2 || frame == SOF6 || frame == SOF10 || frame == SOF14,
                (marker, length, stream) -> false);
    }

    /**
     * True if the JPEG has an Adobe APP14 segment before its first frame: its CMYK samples are then stored
     * inverted (as Photoshop writes them), and PIL reads them as "CMYK;I". The stream position is restored.
     */
    static boolean hasAdobeMarker(ImageInputStream in) throws IOException {
        return walk(in, frame -> false, (marker, length, stream) -> {
            if (marker != APP14 || length < 7) {
                return false;
            }
            byte[] id = new byte[5];
            stream.readFully(id);
            return "Adobe".equals(new String(id, StandardCharsets.US_ASCII));
        });
    }

    /**
     * Walks the marker segments from just after SOI: each segment before the first frame header goes to
     * {@code check}, which may end the walk with true; the first frame header's marker goes to {@code atFrame},
     * whose answer ends it. A scan, the end of the image or of the data, or bytes that are not a marker end it with
     * false. The stream position is restored.
     */
    private static boolean walk(ImageInputStream in, java.util.function.IntPredicate atFrame, SegmentCheck check)
            throws IOException {
        long saved = in.getStreamPosition();
        try {
            in.seek(2);
            while (true) {
                int ff = in.read();
                int marker = in.read();
                if (ff != 0xFF || marker < 0 || marker == SOS || marker == EOI) {
                    return false;
                }
                if (isFrameHeader(marker)) {
                    return atFrame.test(marker);
                }
                int length = in.readUnsignedShort();
                long next = in.getStreamPosition() + length - 2;
                if (check.matches(marker, length, in)) {
                    return true;
                }
                in.seek(next);
            }
        } catch (EOFException e) {
            return false;
        } finally {
            in.seek(saved);
        }
    }

    /** SOF0..SOF15, less DHT (0xC4), JPG (0xC8) and DAC (0xCC), which share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }
}
