package org.dataloader4j.vision.transforms;

import java.util.random.RandomGenerator;

import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code Grayscale}: PIL's luma as an L image (1 channel) or repeated into RGB (3 channels). Each pixel
 * depends on its own colour only, so it is a {@link PixelwiseTransform}: it keeps the fusions around it.
 *
 * <pre>{@code
 * Image gray = new Grayscale().apply(rgb, rng);        // mode L
 * Image gray3 = new Grayscale(3).apply(rgb, rng);      // mode RGB, three equal channels
 * }</pre>
 */
public final class Grayscale implements PixelwiseTransform {
    private final int channels;

    /** One output channel. */
    public Grayscale() {
        this(1);
    }

    /**
     * 1 or 3 output channels.
     *
     * @param numOutputChannels 1 or 3
     */
    public Grayscale(int numOutputChannels) {
        if (numOutputChannels != 1 && numOutputChannels != 3) {
            throw new IllegalArgumentException("numOutputChannels should be either 1 or 3, but got "
                    + numOutputChannels);
        }
        this.channels = numOutputChannels;
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return Functional.rgbToGrayscale(image, channels);
    }

    @Override
    public String toString() {
        return "Grayscale(numOutputChannels=" + channels + ")";
    }
}
