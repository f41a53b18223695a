package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;
import org.dataloader4j.vision.internal.ResampleTables;

/**
 * The small pieces that the region-reading and decoding-fused transforms ({@link RandomResizedCrop},
 * {@link Resize}, {@link ResizedCenterCrop}) share: a {@link RegionTransform.RegionStep} made of a region and a
 * finishing function, and a decoding stage named after the transform it fuses. Package-private.
 */
final class RegionSteps {
    private RegionSteps() {
    }

    /** A step that reads {@code region} (null: the whole input) and makes its output with {@code finish}. */
    static RegionTransform.RegionStep of(Region region, UnaryOperator<Image> finish) {
        return new Fixed(region, finish);
    }

    private record Fixed(Region region, UnaryOperator<Image> finish) implements RegionTransform.RegionStep {
        @Override
        public Image finish(Image pixels) {
            return finish.apply(pixels);
        }
    }

    /**
     * A step that reads {@code region}, resamples its pixels with {@code cx} (horizontal) and {@code cy} (vertical),
     * tables that read inside the region (both passes change the size), and makes its output from the resampled
     * pixels with {@code after}, which owns them (it returns them or closes them). The native JPEG path can decode
     * the region and resample it in one go ({@link Resampling#tables()}); {@link RegionDecoding} then calls
     * {@link Resampling#afterResample} on its result.
     */
    static RegionTransform.RegionStep resampling(Region region, ResizeCoefficients cx, ResizeCoefficients cy,
                                                 UnaryOperator<Image> after) {
        return new Resampling(region, cx, cy, after);
    }

    /** The step of {@link #resampling}. */
    record Resampling(Region region, ResizeCoefficients cx, ResizeCoefficients cy, UnaryOperator<Image> after)
            implements RegionTransform.RegionStep {
        Resampling {
            Objects.requireNonNull(region, "region");
            if (cx.paddedFirst() < 0 || cx.paddedLast() > region.width() || cy.first() < 0
                    || cy.last() > region.height()) {
                throw new IllegalArgumentException("resample tables read outside the " + region.width() + "x"
                        + region.height() + " region");
            }
        }

        @Override
        public Image finish(Image pixels) {
            if (pixels.width() != region.width() || pixels.height() != region.height()) {
                throw new IllegalArgumentException("the step reads a " + region.width() + "x" + region.height()
                        + " region, but got " + pixels.width() + "x" + pixels.height() + " pixels");
            }
            return afterResample(Pixels.resample(pixels, cx, cy, cx.outSize(), cy.outSize()));
        }

        /** The output from the region's resampled pixels, which it owns. */
        Image afterResample(Image resampled) {
            return after.apply(resampled);
        }

        /** The tables as the native decoder takes them. */
        ResampleTables tables() {
            return ResizeCoefficients.nativeTables(cx, cy);
        }
    }

    /**
     * {@code stage} fused with decoding by {@code decode}; its {@code toString} says whether {@code decoders} scale
     * the DCT, then names the stage.
     */
    static SampleTransform<Path, Image> decoding(Decoders decoders, Object stage, SampleTransform<Path, Image> decode) {
        Objects.requireNonNull(decoders, "decoders");
        return new SampleTransform<>() {
            @Override
            public Image apply(Path path, RandomGenerator rng) {
                return decode.apply(path, rng);
            }

            @Override
            public String toString() {
                return "decode" + (decoders.dctScaling() ? " (DCT-scaled)" : "") + " + " + stage;
            }
        };
    }
}
