package org.dataloader4j.vision;

/**
 * What an image file's header declares, read without decoding its pixels ({@link Decoders#header}): the format (as
 * the image reader names it, upper case), the pixel mode ({@code "L (gray)"}, {@code "RGB"}, {@code "P (palette)"},
 * {@code "CMYK"}, ... or {@code "unknown"}), and the size.
 *
 * <pre>{@code
 * ImageHeader h = Decoders.standard().header(Path.of("cat.jpg"));   // JPEG, RGB, 500 x 375
 * }</pre>
 *
 * @param format the format, upper case, as the image reader names it ({@code "JPEG"}, {@code "PNG"}, ...)
 * @param mode   the pixel mode the header declares, or {@code "unknown"}
 * @param width  the width in pixels
 * @param height the height in pixels
 */
public record ImageHeader(String format, String mode, int width, int height) {
    /**
     * A name for a pixel layout of {@code channels} channels, as {@link #mode()} gives it.
     *
     * @param channels the number of channels of a decoded image
     * @return {@code "L (gray)"}, {@code "LA (gray + alpha)"}, {@code "RGB"}, {@code "RGBA"} or
     *         {@code "N channels"}
     */
    public static String modeName(int channels) {
        return switch (channels) {
            case 1 -> "L (gray)";
            case 2 -> "LA (gray + alpha)";
            case 3 -> "RGB";
            case 4 -> "RGBA";
            default -> channels + " channels";
        };
    }
}
