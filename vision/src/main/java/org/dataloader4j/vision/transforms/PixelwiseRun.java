package org.dataloader4j.vision.transforms;

import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.vision.Image;

/** Runs {@link PixelwiseTransform}s in turn inside a fused stage, closing each image a later one replaced. */
final class PixelwiseRun {
    private PixelwiseRun() {
    }

    /**
     * {@code stages} applied to {@code image} in order; {@code image} is closed when replaced if {@code ownsImage},
     * every intermediate result always, and the one at hand when a stage fails.
     */
    static Image apply(Image image, boolean ownsImage, List<PixelwiseTransform> stages, RandomGenerator rng) {
        Image current = image;
        try {
            for (PixelwiseTransform stage : stages) {
                Image next = stage.apply(current, rng);
                if (next != current && (ownsImage || current != image)) {
                    current.close();
                }
                current = next;
            }
            return current;
        } catch (RuntimeException | Error e) {
            if (ownsImage || current != image) {
                current.close();
            }
            throw e;
        }
    }

    /** {@code "+A+B"} for the stages' names, or "" for none. */
    static String names(List<PixelwiseTransform> stages) {
        StringBuilder sb = new StringBuilder();
        for (PixelwiseTransform stage : stages) {
            sb.append('+').append(Fuser.name(stage));
        }
        return sb.toString();
    }
}
