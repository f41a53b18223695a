package org.dataloader4j.vision.transforms;

import java.util.List;

import org.dataloader4j.data.SampleTransform;

/**
 * A stage with a kernel that does its own work and a following stage's in one pass: {@link Compose} asks each such
 * stage, with the {@link PixelwiseTransform}s that stand between them, whether it fuses with the next stage. The
 * built-in ones: {@code Resize} with {@code CenterCrop} (only the kept window is resized, and it is a
 * {@link RegionTransform}), {@code RandomHorizontalFlip} with {@code ToTensor} (the tensor is written mirrored), and
 * {@code ToTensor} with {@code Normalize} (one pass, straight into the batch row).
 *
 * <pre>{@code
 * SampleTransform<Object, Object> one = new Resize(256).fuseWith(List.of(), new CenterCrop(224));   // not null
 * }</pre>
 *
 * @param <T> input type
 * @param <R> output type
 */
public interface FusibleTransform<T, R> extends SampleTransform<T, R> {
    /**
     * One stage that runs this stage, then {@code between} in order, then {@code next}, with the same draws from
     * the generator in the same order and bitwise the same result; null when this stage has no kernel for
     * {@code next} (or cannot let {@code between} pass). The fused stage's {@code toString} names its parts.
     *
     * @param between pixelwise stages that stand between this stage and {@code next}, in order
     * @param next the stage after them
     * @return the fused stage, or null
     */
    SampleTransform<Object, Object> fuseWith(List<PixelwiseTransform> between, SampleTransform<?, ?> next);
}
