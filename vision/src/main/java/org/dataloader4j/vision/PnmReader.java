package org.dataloader4j.vision;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads binary PGM (P5) and PPM (P6) files with any maxval of 1..65535, scaling samples as PIL's
 * {@code PpmImagePlugin} does: each value becomes {@code round(v / maxval × 255)} (round half to even,
 * values above maxval clip). A PGM with maxval above 255 is a 32-bit "I" image in PIL whose conversion to
 * 8 bits clips at 255; this reader reproduces that ({@code min(255, round(v / maxval × 65535))}), so such
 * files read like PIL reads them, which is mostly white.
 */
final class PnmReader {
    private PnmReader() {
    }

    /** True for the bytes the PNM format counts as whitespace. */
    static boolean isSpace(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
    }

    static Image read(Path path, long maxPixels) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ImageDecodeException(path, "cannot read the file: " + e, e);
        }
        return read(bytes, Origin.of(path), maxPixels);
    }

    /** Reads a PGM/PPM held in {@code bytes} (which start like one, see {@link FormatSniffer#isPnm}); errors name {@code origin}. */
    static Image read(byte[] bytes, Origin origin, long maxPixels) {
        if (!FormatSniffer.isPnm(bytes, bytes.length)) {
            throw origin.error("not a Netpbm file: expected 'P' and a digit 1 to 7 then whitespace at the start");
        }
        char kind = (char) bytes[1];
        if (kind != '5' && kind != '6') {
            throw origin.error("unsupported Netpbm format P" + kind
                    + " (supported are binary PGM P5 and PPM P6)");
        }
        int[] pos = {2};
        long width = token(bytes, pos, origin, "width");
        long height = token(bytes, pos, origin, "height");
        long maxval = token(bytes, pos, origin, "maxval");
        if (pos[0] >= bytes.length || !isSpace(bytes[pos[0]])) {
            throw origin.error("truncated PNM header: no whitespace after maxval");
        }
        pos[0]++;
        if (width <= 0 || height <= 0) {
            throw origin.error("invalid PNM size " + width + "x" + height);
        }
        if (maxval <= 0 || maxval >= 65536) {
            throw origin.error("PNM maxval must be greater than 0 and less than 65536, but is "
                    + maxval);
        }
        PixelLimit.check(origin, width, height, maxPixels);
        int channels = kind == '6' ? 3 : 1;
        int bytesPerSample = maxval < 256 ? 1 : 2;
        long samples = width * height * channels;
        long needed = samples * bytesPerSample;
        long available = bytes.length - pos[0];
        if (available < needed) {
            throw origin.error("truncated PNM data: " + width + "x" + height + " with maxval "
                    + maxval + " needs " + needed + " bytes of pixels, but the file has " + available);
        }
        // PIL: a P5 with maxval > 255 is mode "I" with values scaled to 0..65535; converting it to 8 bits clips.
        int outMax = channels == 1 && maxval > 255 ? 65535 : 255;
        int[] table = new int[(int) maxval + 1];
        for (int v = 0; v <= maxval; v++) {
            table[v] = maxval == outMax ? v : (int) Math.min(outMax, Math.rint((double) v / maxval * outMax));
            table[v] = Math.min(255, table[v]);
        }
        Image image = Image.allocate(channels == 3 ? Image.Mode.RGB : Image.Mode.L, (int) width, (int) height);
        MemorySegment out = image.data();
        int at = pos[0];
        byte[] row = new byte[(int) width * channels];
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < row.length; i++) {
                int v;
                if (bytesPerSample == 1) {
                    v = bytes[at++] & 0xFF;
                } else {
                    v = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
                    at += 2;
                }
                row[i] = (byte) (v > maxval ? 255 : table[v]);
            }
            MemorySegment.copy(row, 0, out, ValueLayout.JAVA_BYTE, (long) y * row.length, row.length);
        }
        return image;
    }

    /** The next decimal header token, skipping whitespace and {@code #} comments. */
    private static long token(byte[] b, int[] pos, Origin origin, String what) {
        int i = pos[0];
        while (true) {
            while (i < b.length && isSpace(b[i])) {
                i++;
            }
            if (i < b.length && b[i] == '#') {
                while (i < b.length && b[i] != '\n' && b[i] != '\r') {
                    i++;
                }
                continue;
            }
            break;
        }
        if (i >= b.length) {
            throw origin.error("truncated PNM header: no " + what);
        }
        long v = 0;
        int start = i;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            if (v > Integer.MAX_VALUE) {
                int end = i;
                while (end < b.length && end - start < 40 && b[end] >= '0' && b[end] <= '9') {
                    end++;
                }
                String digits = new String(b, start, end - start, java.nio.charset.StandardCharsets.US_ASCII);
                throw origin.error("PNM " + what + " is too large: " + digits
                        + (end < b.length && b[end] >= '0' && b[end] <= '9' ? "..." : "") + " (at most "
                        + Integer.MAX_VALUE + ")");
            }
            i++;
        }
        if (i == start) {
            throw origin.error("invalid PNM header: expected the " + what + " as a decimal number");
        }
        pos[0] = i;
        return v;
    }
}
