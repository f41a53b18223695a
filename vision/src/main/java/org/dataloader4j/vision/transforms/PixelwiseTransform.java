package org.dataloader4j.vision.transforms;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;

/**
 * A stage that works pixel by pixel, and so declares that {@link Compose} may move it past crops and flips and keep
 * their fusions: {@code Resize, it, CenterCrop} still resizes only the kept window (and decodes only the rows and
 * columns it reads), {@code RandomHorizontalFlip, it, ToTensor} still mirrors while writing the tensor. Compose
 * keeps the order in which stages draw from the generator, so the result is bitwise that of the stages run one by
 * one. The contract an implementation promises:
 * <ul>
 *   <li>the output has the input's width and height;</li>
 *   <li>each output pixel depends only on the input pixel at the same place, never on its position or on other
 *       pixels (a brightness or gamma change, a channel swap; not a blur, nor a contrast change that uses the
 *       image's mean);</li>
 *   <li>what it draws from the generator does not depend on the image;</li>
 *   <li>it does not close its input.</li>
 * </ul>
 * A stage that declares nothing is run where it stands, and the fusions around it that it would break are listed
 * by {@link Compose#plan(org.dataloader4j.vision.Decoders)}.
 *
 * <pre>{@code
 * final class Brighter implements PixelwiseTransform {
 *     public Image apply(Image image, RandomGenerator rng) {
 *         Image out = Image.empty(image.mode(), image.width(), image.height());
 *         // out's byte i = min(255, 1.2 * image's byte i) ...
 *         return out;
 *     }
 * }
 * Compose<Image, Tensor> train = Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip())
 *         .then(new Brighter()).then(new ToTensor());   // flip and ToTensor still fuse
 * }</pre>
 */
public interface PixelwiseTransform extends SampleTransform<Image, Image> {
}
