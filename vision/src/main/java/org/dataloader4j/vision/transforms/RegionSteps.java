package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;

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
