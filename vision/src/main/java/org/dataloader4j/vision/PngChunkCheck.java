package org.dataloader4j.vision;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.imageio.stream.ImageInputStream;

/**
 * Verifies the CRC of each PNG chunk that comes before the image data, as PIL does when it opens a PNG. The JDK's
 * PNG reader ignores CRCs, so without this check a file with a damaged IHDR or PLTE chunk decodes here while PIL
 * refuses it ("broken PNG file"), and a dataset would train differently under the two.
 *
 * <p>The rule is PIL 9.4's, measured on fixtures written by {@code make_fixtures.py}: every chunk before the first
 * IDAT is checked, critical or ancillary, known or not (IHDR, PLTE, tRNS, gAMA, tEXt, private chunks, ...); the
 * IDAT chunks and everything after them (text after the data, IEND) are not, and a bad CRC there is accepted. A
 * file that ends before its image data is left to the image reader, which reports the truncation. Package-private.
 */
final class PngChunkCheck {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int IDAT = ('I' << 24) | ('D' << 16) | ('A' << 8) | 'T';

    private PngChunkCheck() {
    }

    /**
     * If {@code in} holds a PNG (read from its start), checks its chunks up to the first IDAT chunk; other data is
     * left alone. The stream is left at its start, in big-endian byte order.
     *
     * @throws ImageDecodeException naming {@code origin}, the chunk, its offset and the expected and found CRC, if a
     *                              chunk before the image data has a wrong CRC
     */
    static void check(Origin origin, ImageInputStream in) throws IOException {
        in.setByteOrder(ByteOrder.BIG_ENDIAN);
        try {
            in.seek(0);
            byte[] signature = new byte[SIGNATURE.length];
            if (in.read(signature) != SIGNATURE.length || !Arrays.equals(signature, SIGNATURE)) {
                return;
            }
            byte[] buffer = new byte[8192];
            CRC32 crc = new CRC32();
            while (true) {
                long offset = in.getStreamPosition();
                long length = in.readUnsignedInt();
                int type = in.readInt();
                if (type == IDAT) {
                    return;
                }
                long available = in.length();
                if (length > Integer.MAX_VALUE || (available >= 0 && offset + 12 + length > available)) {
                    return;   // a broken length or a cut file: the reader reports it
                }
                crc.reset();
                crc.update(new byte[] {(byte) (type >>> 24), (byte) (type >>> 16), (byte) (type >>> 8), (byte) type});
                long left = length;
                while (left > 0) {
                    int n = (int) Math.min(buffer.length, left);
                    in.readFully(buffer, 0, n);
                    crc.update(buffer, 0, n);
                    left -= n;
                }
                long found = in.readUnsignedInt();
                if (found != crc.getValue()) {
                    throw origin.error(String.format("broken PNG file: the CRC of the %s chunk at byte %d is wrong:"
                            + " expected 0x%08X (computed from its type and %d data bytes), found 0x%08X",
                            chunkName(type), offset, crc.getValue(), length, found));
                }
            }
        } catch (EOFException e) {
            // the file ends before the image data: the reader reports the truncation
        } finally {
            in.seek(0);
        }
    }

    /** The chunk type as its four characters, or in hex if they are not printable ASCII. */
    private static String chunkName(int type) {
        StringBuilder sb = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (type >>> shift) & 0xFF;
            if (c < 0x21 || c > 0x7E) {
                return String.format("0x%08X", type);
            }
            sb.append((char) c);
        }
        return sb.toString();
    }
}
