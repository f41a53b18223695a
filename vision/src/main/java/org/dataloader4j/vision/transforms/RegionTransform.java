package org.dataloader4j.vision.transforms;

import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;

/**
 * A stage that reads only a region of its input, chosen from the input's size and the generator: when it is the
 * first step of a {@link Compose} that an {@link org.dataloader4j.vision.ImageFolder} decodes, only that region of
 * the file is decoded where the decoder can (JPEG on the native path). {@link RandomResizedCrop} is one, and so is
 * the fused {@code Resize} + {@code CenterCrop}. The contract: {@code apply(image, rng)} equals, byte for byte and
 * with the same draws, {@code step(image.width(), image.height(), rng).finish(pixels)} where {@code pixels} is the
 * RGB region of {@code image} that the step names (all of it when the region is null).
 *
 * <pre>{@code
 * final class TopHalf implements RegionTransform {
 *     public RegionStep step(int width, int height, RandomGenerator rng) {
 *         Region top = new Region(0, 0, Math.max(1, height / 2), width);
 *         return new RegionStep() {
 *             public Region region() { return top; }
 *             public Image finish(Image pixels) { return pixels; }   // the region is the result
 *         };
 *     }
 *     public Image apply(Image image, RandomGenerator rng) {
 *         return Functional.crop(image, 0, 0, Math.max(1, image.height() / 2), image.width());
 *     }
 * }
 * }</pre>
 */
public interface RegionTransform extends SampleTransform<Image, Image> {

    /**
     * What a {@link RegionTransform} does to one input: the region it reads and how it makes its output from it.
     */
    interface RegionStep {
        /**
         * The region of the input read, inside it; null for the whole input.
         *
         * @return the region read, or null for the whole input
         */
        Region region();

        /**
         * The stage's output from the region's pixels (RGB, exactly {@link #region()}, or the whole input when it
         * is null). It must not close {@code pixels}; the caller closes them unless they are returned.
         *
         * @param pixels the decoded pixels of the region
         * @return the stage's output
         */
        Image finish(Image pixels);
    }

    /**
     * Draws from {@code rng} what {@link #apply} would draw for a {@code width × height} input and says which
     * region it reads.
     *
     * @param width the input's width in pixels
     * @param height the input's height in pixels
     * @param rng the sample's generator, drawn from exactly as {@link #apply} draws
     * @return the region read and how the output is made from it
     */
    RegionStep step(int width, int height, RandomGenerator rng);
}
