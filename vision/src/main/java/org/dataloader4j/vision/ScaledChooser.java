package org.dataloader4j.vision;

/**
 * Chooses a {@link ScaledRequest} once the image's full size is known from its header (see
 * {@link Decoders#decodeScaled}).
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
