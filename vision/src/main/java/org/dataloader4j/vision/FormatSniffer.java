package org.dataloader4j.vision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import javax.imageio.stream.ImageInputStream;

/**
 * Recognises an image format from the magic bytes at the start of its data, not from a file name: JPEG, binary
 * PGM/PPM and WebP (a RIFF container), the formats the decoders dispatch to their own readers; everything else is
 * left to {@code javax.imageio}'s readers.
 */
final class FormatSniffer {
    /** How many bytes of the start {@link #readHead} reads: enough for every magic number checked here. */
    static final int HEAD_LENGTH = 16;

    private FormatSniffer() {
    }

    /**
     * Reads up to {@link #HEAD_LENGTH} bytes from {@code in}'s current position into a new array.
     *
     * @return the bytes read, fewer than {@link #HEAD_LENGTH} (none for an empty file) when the data is shorter
     */
    static byte[] readHead(ImageInputStream in) throws IOException {
        byte[] head = new byte[HEAD_LENGTH];
        int length = 0;
        while (length < head.length) {
            int n = in.read(head, length, head.length - length);
            if (n <= 0) {
                break;
            }
            length += n;
        }
        return length == head.length ? head : Arrays.copyOf(head, length);
    }

    /** True if the first {@code length} bytes of {@code head} start a JPEG stream (SOI and a marker). */
    static boolean isJpeg(byte[] head, int length) {
        return length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF;
    }

    /** True if {@code head} starts like a binary PGM or PPM ("P5" or "P6" and whitespace). */
    static boolean isPnm(byte[] head, int length) {
        return length >= 3 && head[0] == 'P' && (head[1] >= '1' && head[1] <= '7') && PnmReader.isSpace(head[2]);
    }

    /** True if {@code head} starts with a RIFF header of type WEBP. */
    static boolean isWebp(byte[] head, int length) {
        return length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P';
    }

    /** The format of a file the decoders read themselves (PGM/PPM), from its magic number, or "unknown". */
    static String pnmFormat(Path path) throws IOException {
        try (var in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 'P' ? (head[1] == '5' ? "PGM" : head[1] == '6' ? "PPM" : "PNM")
                    : "unknown";
        }
    }

    /** {@code head}'s bytes in hexadecimal, separated by spaces, for messages about data of an unknown format. */
    static String hex(byte[] head) {
        return HexFormat.ofDelimiter(" ").formatHex(head);
    }

    /**
     * A WebP file is a RIFF container whose header states its length; the WebP plugin does not notice missing
     * data (it leaves the rest of the image black), so a file shorter than stated is refused here, as PIL does.
     */
    static void checkRiffLength(Origin origin, ImageInputStream in, byte[] head) throws IOException {
        if (isWebp(head, head.length)) {
            long stated = (head[4] & 0xFFL) | (head[5] & 0xFFL) << 8 | (head[6] & 0xFFL) << 16
                    | (head[7] & 0xFFL) << 24;
            long actual = in.length();
            if (actual >= 0 && actual < stated + 8) {
                throw origin.error("truncated WEBP file: its header states " + (stated + 8)
                        + " bytes, but the file has " + actual);
            }
        }
    }
}
