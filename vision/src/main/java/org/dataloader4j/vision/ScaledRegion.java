package org.dataloader4j.vision;

/**
 * The result of {@link Decoders#decodeScaled}: {@code image} holds the pixels of {@code region} (full-size pixels)
 * as decoded at scale {@code scaleNum/8}, covering whole scaled pixels; the region itself lies at
 * ({@code boxLeft}, {@code boxTop}) .. ({@code boxRight}, {@code boxBottom}) in {@code image}'s pixel
 * coordinates (fractional when the region's edges fall inside a scaled pixel). With {@code scaleNum == 8}
 * the image is exactly the region and the box is {@code (0, 0, width, height)}. Closing it closes the image.
 *
 * <pre>{@code
 * // a 400x300 region resized to 100x75 at least: decoded at 2/8 (100x75), the box is (0, 0, 100, 75)
 * try (ScaledRegion r = decoders.withDctScaling(true).decodeScaled(path,
 *         (w, h) -> new ScaledRequest(new Region(0, 0, 300, 400), 100, 75))) {
 *     Image pixels = r.image();
 * }
 * }</pre>
 *
 * @param image     the decoded pixels, covering the region in whole scaled pixels
 * @param scaleNum  the DCT scale numerator: the image was decoded at {@code scaleNum/8}
 * @param region    the region that was asked for, in full-size pixels
 * @param boxLeft   the region's left edge in {@code image}'s pixel coordinates
 * @param boxTop    the region's top edge in {@code image}'s pixel coordinates
 * @param boxRight  the region's right edge in {@code image}'s pixel coordinates
 * @param boxBottom the region's bottom edge in {@code image}'s pixel coordinates
 */
public record ScaledRegion(Image image, int scaleNum, Region region, double boxLeft, double boxTop,
                           double boxRight, double boxBottom) implements AutoCloseable {
    @Override
    public void close() {
        image.close();
    }
}
