package org.dataloader4j.vision;

/**
 * What a fused decode-and-resize ({@link Decoders#decodeScaled}) wants, chosen from the full image size: the
 * {@code region} to decode (in full-size pixels; null for the whole image) and the size it will be resized to, below
 * which the decode must not scale it.
 *
 * <pre>{@code
 * ScaledChooser wholeTo256 = (w, h) -> new ScaledRequest(null, 256, 256);
 * }</pre>
 *
 * @param region    the region to decode, in full-size pixels, or null for the whole image
 * @param minWidth  the width the region will be resized to, positive
 * @param minHeight the height the region will be resized to, positive
 */
public record ScaledRequest(Region region, int minWidth, int minHeight) {
    /**
     * Checks the target size.
     *
     * @throws IllegalArgumentException for a non-positive target size
     */
    public ScaledRequest {
        if (minWidth <= 0 || minHeight <= 0) {
            throw new IllegalArgumentException("the target size must be positive, but got " + minWidth + "x"
                    + minHeight);
        }
    }
}
