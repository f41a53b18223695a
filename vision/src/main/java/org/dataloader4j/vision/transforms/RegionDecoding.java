package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.EncodedImage;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;
import org.dataloader4j.vision.RegionChooser;
import org.dataloader4j.vision.internal.ResampleTables;
import org.dataloader4j.vision.internal.ResamplingChooser;

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

    /**
     * Decodes with {@code decodeRegion} the region {@code stage} chooses and finishes the stage on it. A step that
     * resamples its region ({@link RegionSteps.Resampling}) offers its tables to the decoder, which may return the
     * resampled pixels directly (see {@link ResamplingChooser}); the step then only does what follows the resample.
     */
    private static Image apply(RegionTransform stage, Function<RegionChooser, Image> decodeRegion,
                               RandomGenerator rng) {
        Chooser chooser = new Chooser(stage, rng);
        Image decoded = decodeRegion.apply(chooser);
        if (chooser.wasResampled()) {
            return ((RegionSteps.Resampling) chooser.step()).afterResample(decoded);
        }
        Image rgb = decoded;
        Image out = null;
        try {
            if (decoded.mode() != Image.Mode.RGB) {
                rgb = decoded.convert(Image.Mode.RGB);
            }
            out = chooser.step().finish(rgb);
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

    /** Draws the stage's step from the image's size, and offers the decoder its resample. */
    static final class Chooser implements ResamplingChooser {
        private final RegionTransform stage;
        private final RandomGenerator rng;
        private RegionTransform.RegionStep step;
        private boolean resampled;

        Chooser(RegionTransform stage, RandomGenerator rng) {
            this.stage = stage;
            this.rng = rng;
        }

        @Override
        public Region choose(int width, int height) {
            step = stage.step(width, height, rng);
            return step.region();
        }

        @Override
        public ResampleTables resampling() {
            return step instanceof RegionSteps.Resampling r ? r.tables() : null;
        }

        @Override
        public void resampled() {
            if (resampled) {
                throw new IllegalStateException("the decoder said twice that it resampled the region");
            }
            resampled = true;
        }

        /** The step drawn by {@link #choose} (null before). */
        RegionTransform.RegionStep step() {
            return step;
        }

        /** Whether the decoder returned the resampled region. */
        boolean wasResampled() {
            return resampled;
        }
    }
}
