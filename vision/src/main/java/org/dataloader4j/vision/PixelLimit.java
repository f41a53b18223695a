package org.dataloader4j.vision;

/**
 * The size check every decoder makes against an image's header before it allocates any pixel memory: a positive
 * size, at most the decoder's pixel limit ({@link Decoders#withMaxPixels}), and small enough for a Java array.
 */
final class PixelLimit {
    private PixelLimit() {
    }

    /** @throws ImageDecodeException naming {@code origin} when the {@code width × height} size fails the check */
    static void check(Origin origin, long width, long height, long maxPixels) {
        if (width <= 0 || height <= 0) {
            throw origin.error("invalid image size " + width + "x" + height + " in the header");
        }
        long pixels = width * height;
        if (pixels > maxPixels) {
            throw origin.error("image size " + width + "x" + height + " (" + pixels
                    + " pixels) exceeds the limit of " + maxPixels + " pixels; it could be a decompression bomb"
                    + " (raise the limit with Decoders.withMaxPixels)");
        }
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE || pixels * 4 > Integer.MAX_VALUE - 8) {
            throw origin.error("image size " + width + "x" + height
                    + " is too large for the pure-Java decoder (at most 2^31 bytes of pixels)");
        }
    }
}
