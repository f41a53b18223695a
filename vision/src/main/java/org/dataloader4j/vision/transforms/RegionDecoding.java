package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.EncodedImage;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.RegionChooser;

/**
 * A {@link RegionTransform} started from a file or from an image held in memory: only its region is decoded where
 * the decoder can.
 */
final class RegionDecoding {
    private RegionDecoding() {
    }

    /**
     * Decodes the region {@code stage} chooses from the file's size (converted to RGB) and finishes the stage on it:
     * bitwise {@code stage.apply(decoders.decode(path, RGB), rng)}.
     */
    static Image apply(Decoders decoders, RegionTransform stage, Path path, RandomGenerator rng) {
        return apply(stage, chooser -> decoders.decodeRegion(path, chooser), rng);
    }

    /**
     * As {@link #apply(Decoders, RegionTransform, Path, RandomGenerator)} from the bytes of {@code encoded}: bitwise
     * {@code stage.apply(decoders.decode(encoded.bytes(), encoded.name(), RGB), rng)}.
     */
    static Image apply(Decoders decoders, RegionTransform stage, EncodedImage encoded, RandomGenerator rng) {
        return apply(stage, chooser -> decoders.decodeRegion(encoded.bytes(), encoded.name(), chooser), rng);
    }

    /** Decodes with {@code decodeRegion} the region {@code stage} chooses and finishes the stage on it. */
    private static Image apply(RegionTransform stage, Function<RegionChooser, Image> decodeRegion,
                               RandomGenerator rng) {
        RegionTransform.RegionStep[] step = new RegionTransform.RegionStep[1];
        Image decoded = decodeRegion.apply((w, h) -> {
            step[0] = stage.step(w, h, rng);
            return step[0].region();
        });
        Image rgb = decoded;
        Image out = null;
        try {
            if (decoded.mode() != Image.Mode.RGB) {
                rgb = decoded.convert(Image.Mode.RGB);
            }
            out = step[0].finish(rgb);
            return out;
        } finally {
            if (rgb != decoded && rgb != out) {
                rgb.close();
            }
            if (decoded != out) {
                decoded.close();
            }
        }
    }
}
