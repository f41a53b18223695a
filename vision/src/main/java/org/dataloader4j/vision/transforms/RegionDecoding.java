package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.random.RandomGenerator;

import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;

/** A {@link RegionTransform} started from a file: only its region is decoded where the decoder can. */
final class RegionDecoding {
    private RegionDecoding() {
    }

    /**
     * Decodes the region {@code stage} chooses from the file's size (converted to RGB) and finishes the stage on it:
     * bitwise {@code stage.apply(decoders.decode(path, RGB), rng)}.
     */
    static Image apply(Decoders decoders, RegionTransform stage, Path path, RandomGenerator rng) {
        RegionTransform.RegionStep[] step = new RegionTransform.RegionStep[1];
        Image decoded = decoders.decodeRegion(path, (w, h) -> {
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
