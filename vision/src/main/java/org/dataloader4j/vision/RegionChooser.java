package org.dataloader4j.vision;

/**
 * Chooses the region to decode once the image's size is known from its header (see
 * {@link Decoders#decodeRegion(java.nio.file.Path, RegionChooser)}).
 *
 * <pre>{@code
 * RegionChooser centre = (w, h) -> new Region(h / 4, w / 4, h / 2, w / 2);   // top, left, height, width
 * Image middle = Decoders.standard().decodeRegion(path, centre);
 * }</pre>
 */
@FunctionalInterface
public interface RegionChooser {
    /**
     * The region of a {@code width × height} image to decode.
     *
     * @param width  the image's width in pixels
     * @param height the image's height in pixels
     * @return the region, inside the image, or null for all of it
     */
    Region choose(int width, int height);
}
