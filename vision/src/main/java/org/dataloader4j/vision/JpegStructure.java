package org.dataloader4j.vision;

import java.io.EOFException;
import java.io.IOException;

import javax.imageio.stream.ImageInputStream;

/**
 * What the markers of a JPEG stream say about how it is coded, read without decoding it. Package-private: the
 * pure-Java path uses it to decide which of libjpeg's repairs of damaged data it can reproduce (see
 * {@link Decoders#withStrictJpeg}).
 */
final class JpegStructure {
    private static final int SOF2 = 0xC2;   // progressive, Huffman
    private static final int SOF6 = 0xC6;   // differential progressive, Huffman
    private static final int SOF10 = 0xCA;  // progressive, arithmetic
    private static final int SOF14 = 0xCE;  // differential progressive, arithmetic

    private JpegStructure() {
    }

    /**
     * True if the stream's first frame header declares a progressive JPEG; false for a sequential one or when no
     * frame header is found before the first scan or the end. The stream position is restored.
     */
    static boolean isProgressive(ImageInputStream in) throws IOException {
        long saved = in.getStreamPosition();
        try {
            in.seek(2);
            while (true) {
                int ff = in.read();
                int marker = in.read();
                if (ff != 0xFF || marker < 0 || marker == 0xDA || marker == 0xD9) {
                    return false;
                }
                if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    return marker == SOF2 || marker == SOF6 || marker == SOF10 || marker == SOF14;
                }
                int length = in.readUnsignedShort();
                in.seek(in.getStreamPosition() + length - 2);
            }
        } catch (EOFException e) {
            return false;
        } finally {
            in.seek(saved);
        }
    }
}
