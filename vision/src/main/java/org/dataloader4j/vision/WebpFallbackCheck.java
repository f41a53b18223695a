package org.dataloader4j.vision;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteOrder;

import javax.imageio.stream.ImageInputStream;

/**
 * Structure checks of a WebP file before the pure-Java ImageIO reader decodes it (when libwebp is not used: see
 * {@link NativeWebp}), for the two cases where that reader would return an image PIL does not:
 * <ul>
 *   <li>a lossy (VP8) image that is not a key frame or lacks the VP8 start code {@code 9d 01 2a}: libwebp, and so
 *       PIL, refuses it, the reader decodes it;</li>
 *   <li>an animation whose first frame does not cover the whole canvas: PIL gives the canvas with the frame at its
 *       offset on transparent black, the reader gives the frame alone, at another size. It is refused with a message
 *       that says how to get the native path.</li>
 * </ul>
 * Lossy pixels still differ from PIL's on this path (a few levels on average); lossless ones are the same.
 * Package-private.
 */
final class WebpFallbackCheck {
    private WebpFallbackCheck() {
    }

    /**
     * Checks the WebP file in {@code in} (read from its start; other data is left alone) and leaves the stream at its
     * start; a file cut short is left to the reader, which reports it.
     *
     * @throws ImageDecodeException naming {@code origin} and the problem
     */
    static void check(Origin origin, ImageInputStream in) throws IOException {
        ByteOrder order = in.getByteOrder();
        in.setByteOrder(ByteOrder.LITTLE_ENDIAN);
        try {
            in.seek(0);
            byte[] head = new byte[12];
            in.readFully(head);
            if (!FormatSniffer.isWebp(head, head.length)) {
                return;
            }
            long canvasWidth = 0;
            long canvasHeight = 0;
            boolean animated = false;
            while (true) {
                long at = in.getStreamPosition();
                int fourcc = in.readInt();
                long size = in.readUnsignedInt();
                String name = fourcc(fourcc);
                switch (name) {
                    case "VP8 " -> {
                        if (size >= 6) {
                            checkStartCode(origin, in, at);
                        }
                        return;
                    }
                    case "VP8L" -> {
                        return;
                    }
                    case "VP8X" -> {
                        int flags = in.readUnsignedByte();
                        animated = (flags & 0x02) != 0;
                        in.skipBytes(3);
                        canvasWidth = 1 + readUInt24(in);
                        canvasHeight = 1 + readUInt24(in);
                    }
                    case "ANMF" -> {
                        if (animated) {
                            long x = 2 * readUInt24(in);
                            long y = 2 * readUInt24(in);
                            long w = 1 + readUInt24(in);
                            long h = 1 + readUInt24(in);
                            if (x != 0 || y != 0 || w != canvasWidth || h != canvasHeight) {
                                throw origin.error("animated WEBP file whose first frame (" + w + "x" + h + " at (" + x
                                        + ", " + y + ")) does not cover its " + canvasWidth + "x" + canvasHeight
                                        + " canvas: the pure-Java WebP reader cannot compose it on the canvas as PIL"
                                        + " does; install libwebp (Debian: libwebp7 and libwebpdemux2) for the native"
                                        + " WebP path");
                            }
                        }
                        return;
                    }
                    default -> {
                        // ICCP, ANIM, ALPH, EXIF, XMP, unknown: skipped below
                    }
                }
                in.seek(at + 8 + size + (size & 1));
            }
        } catch (EOFException e) {
            // cut short: the reader reports it
        } finally {
            in.setByteOrder(order);
            in.seek(0);
        }
    }

    /** A WebP's VP8 frame must be a key frame, and the three bytes after its 3-byte frame tag must be 9d 01 2a. */
    private static void checkStartCode(Origin origin, ImageInputStream in, long chunkAt) throws IOException {
        int tag = in.readUnsignedByte();
        in.skipBytes(2);
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int b2 = in.readUnsignedByte();
        if ((tag & 1) != 0) {
            throw origin.error("corrupt WEBP data: the VP8 frame in the chunk at byte " + chunkAt
                    + " is not a key frame");
        }
        if (b0 != 0x9D || b1 != 0x01 || b2 != 0x2A) {
            throw origin.error(String.format("corrupt WEBP data: the VP8 key frame in the chunk at byte %d has the"
                    + " start code %02x %02x %02x instead of 9d 01 2a", chunkAt, b0, b1, b2));
        }
    }

    private static long readUInt24(ImageInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int b2 = in.readUnsignedByte();
        return b0 | (b1 << 8) | ((long) b2 << 16);
    }

    /** A little-endian FOURCC as its four characters. */
    private static String fourcc(int v) {
        return new String(new char[] {(char) (v & 0xFF), (char) ((v >>> 8) & 0xFF), (char) ((v >>> 16) & 0xFF),
                (char) ((v >>> 24) & 0xFF)});
    }
}
