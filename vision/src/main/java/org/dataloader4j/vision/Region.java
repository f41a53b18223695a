package org.dataloader4j.vision;

/**
 * A region of an image: top row, left column, height and width in pixels, as {@link Decoders#decodeRegion} decodes
 * it.
 *
 * <pre>{@code
 * Region crop = new Region(10, 20, 224, 224);   // 224 x 224 pixels from row 10, column 20
 * }</pre>
 *
 * @param top    the region's first row
 * @param left   the region's first column
 * @param height the number of rows, positive
 * @param width  the number of columns, positive
 */
public record Region(int top, int left, int height, int width) {
    /**
     * Checks the region.
     *
     * @throws IllegalArgumentException for a non-positive size or a negative origin
     */
    public Region {
        if (height <= 0 || width <= 0 || top < 0 || left < 0) {
            throw new IllegalArgumentException("a region must have a positive size and a non-negative origin, but"
                    + " got " + width + "x" + height + " at (left=" + left + ", top=" + top + ")");
        }
    }
}
