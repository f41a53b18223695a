package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.DamagedJpegCases;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageDecodeException;
import org.junit.jupiter.api.Test;

/**
 * A damaged JPEG loads or fails the same way in every pipeline and every epoch: the whole decode, the train
 * pipeline's fused RandomResizedCrop (which decodes only its random crop) for many seeds, and the eval pipeline's
 * fused Resize + CenterCrop (which decodes only the rows and columns it reads) agree with each other, and on the
 * default native path with what PIL 9.4 did (make_damaged_jpegs.py's verdicts), for stray markers near the end of
 * the scan, flipped bytes and truncations.
 */
class DamagedJpegPipelinesTest {
    private static final int SEEDS = 40;

    private static List<Decoders> decoders() {
        Decoders standard = Decoders.standard();
        return List.of(standard, standard.withStrictJpeg(true), standard.withDctScaling(true),
                standard.withNativeJpeg(false));
    }

    @Test
    void everyPipelineGivesTheWholeDecodesVerdictForEverySeed() {
        RandomResizedCrop train = new RandomResizedCrop(24);
        Compose<Image, Image> evalSteps = Compose.of(new Resize(40)).then(new CenterCrop(24));
        List<String> disagreements = new ArrayList<>();
        for (Decoders d : decoders()) {
            SampleTransform<Path, Image> fusedTrain = train.decoding(d);
            SampleTransform<Path, Image> fusedEval = evalSteps.decoding(d);
            String which = "native=" + d.usesNativeJpeg() + " strict=" + d.strictJpeg() + " dct=" + d.dctScaling();
            for (DamagedJpegCases.Case c : DamagedJpegCases.all()) {
                Image whole;
                try {
                    whole = d.decode(c.file(), Image.Mode.RGB);
                } catch (ImageDecodeException e) {
                    whole = null;
                }
                if (d.usesNativeJpeg() && !d.strictJpeg() && c.accepted() != (whole != null)) {
                    disagreements.add(which + ": whole decode " + (whole != null ? "accepts " : "refuses ") + c);
                }
                for (int s = 0; s < SEEDS; s++) {
                    int seed = s;
                    String at = which + " " + c + " seed " + seed;
                    check(at + " train", whole, () -> fusedTrain.apply(c.file(), CounterRandom.of(seed, 0, 1, 0)),
                            d.dctScaling() ? null : w -> train.apply(w, CounterRandom.of(seed, 0, 1, 0)));
                }
                check(which + " " + c + " eval", whole, () -> fusedEval.apply(c.file(), CounterRandom.of(0, 0, 0, 0)),
                        d.dctScaling() ? null : w -> evalSteps.apply(w, CounterRandom.of(0, 0, 0, 0)));
                if (whole != null) {
                    whole.close();
                }
            }
        }
        assertEquals(List.of(), disagreements);
    }

    /** The fused result exists iff the whole decode does, and equals {@code unfused} applied to it (when given). */
    private static void check(String at, Image whole, java.util.function.Supplier<Image> fused,
                              java.util.function.Function<Image, Image> unfused) {
        if (whole == null) {
            assertThrows(ImageDecodeException.class, () -> fused.get().close(), at + ": the whole decode fails,"
                    + " the fused one succeeds");
            return;
        }
        try (Image got = fused.get()) {
            if (unfused != null) {
                try (Image expected = unfused.apply(whole)) {
                    assertArrayEquals(expected.toByteArray(), got.toByteArray(), at);
                }
            }
        } catch (ImageDecodeException e) {
            fail(at + ": the whole decode succeeds, the fused one fails: " + e.getMessage(), e);
        }
    }
}
