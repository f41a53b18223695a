package org.dataloader4j.vision;

/**
 * Chooses a {@link ScaledRequest} once the image's full size is known from its header (see
 * {@link Decoders#decodeScaled}).
 *
 * <pre>{@code
 * ScaledChooser wholeTo224 = (w, h) -> new ScaledRequest(null, 224, 224);   // the whole image, resized to 224
 * }</pre>
 */
@FunctionalInterface
public interface ScaledChooser {
    /**
     * The request for a {@code width × height} image.
     *
     * @param width  the image's full width in pixels
     * @param height the image's full height in pixels
     * @return the request, not null
     */
    ScaledRequest choose(int width, int height);
}
