package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.FusionPlan;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user stage that declares itself pixel-wise keeps the fused decode and the fused tensor pass, bitwise the stages
 * run one by one (its draws from the generator included); a stage that declares nothing runs where it stands, the
 * fusions it breaks are dropped, and the plan names it and says why.
 */
class PixelwiseFusionTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** A user's random brightness change: one draw, then each byte scaled and clamped. */
    static class Brightness implements SampleTransform<Image, Image> {
        @Override
        public Image apply(Image image, RandomGenerator rng) {
            double factor = 0.6 + 0.8 * rng.nextDouble();
            byte[] bytes = image.toByteArray();
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) Math.min(255, (int) Math.round((bytes[i] & 0xFF) * factor));
            }
            return Image.of(image.mode(), image.width(), image.height(), bytes);
        }
    }

    /** The same change, declared pixel-wise. */
    static final class PixelwiseBrightness extends Brightness implements PixelwiseTransform {
    }

    private static List<Path> files(Path tmp) throws IOException {
        return List.of(Fixtures.photo(tmp, "wide.jpg", 211, 149, false, 3),
                Fixtures.photo(tmp, "gray.jpg", 120, 90, true, 4),
                Fixtures.dir("decode").resolve("palette.png"));
    }

    /** The stages applied one by one to the whole decoded image, no fusion anywhere. */
    @SuppressWarnings("unchecked")
    private static Object stageByStage(List<SampleTransform<?, ?>> stages, Decoders decoders, Path file,
                                       RandomGenerator rng) {
        Object current = decoders.decode(file, Image.Mode.RGB);
        for (SampleTransform<?, ?> stage : stages) {
            Object next = ((SampleTransform<Object, Object>) stage).apply(current, rng);
            if (next != current && current instanceof Image image) {
                image.close();
            }
            current = next;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Compose<Image, Object> compose(List<SampleTransform<?, ?>> stages) {
        Compose<Image, Object> c = Compose.of((SampleTransform<Image, Object>) stages.getFirst());
        for (SampleTransform<?, ?> stage : stages.subList(1, stages.size())) {
            c = c.then((SampleTransform<Object, Object>) stage);
        }
        return c;
    }

    private static void assertBitwiseStageByStage(List<SampleTransform<?, ?>> stages, Path tmp) throws Exception {
        Compose<Image, Object> pipeline = compose(stages);
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            SampleTransform<Path, Object> fused = pipeline.decoding(decoders);
            for (Path file : files(tmp)) {
                for (int i = 0; i < 4; i++) {
                    Object expected = stageByStage(stages, decoders, file, CounterRandom.of(11, 0, i, 0));
                    Object got = fused.apply(file, CounterRandom.of(11, 0, i, 0));
                    try {
                        assertEquals(expected.getClass(), got.getClass());
                        if (got instanceof Tensor t) {
                            assertArrayEquals(((Tensor) expected).toFloatArray(), t.toFloatArray(),
                                    file + " sample " + i + " " + pipeline);
                        } else {
                            assertArrayEquals(((Image) expected).toByteArray(), ((Image) got).toByteArray(),
                                    file + " sample " + i + " " + pipeline);
                        }
                    } finally {
                        ((AutoCloseable) expected).close();
                        ((AutoCloseable) got).close();
                    }
                }
            }
        }
    }

    private static void close(Object o) throws Exception {
        ((AutoCloseable) o).close();
    }

    @Test
    void pixelwiseStageBetweenFlipAndToTensorKeepsRegionDecodeAndMirroredWrite(@TempDir Path tmp)
            throws Exception {
        List<SampleTransform<?, ?>> stages = List.of(new RandomResizedCrop(40), new RandomHorizontalFlip(),
                new PixelwiseBrightness(), new ToTensor(), new Normalize(MEAN, STD));
        FusionPlan plan = compose(stages).plan(Decoders.standard());
        assertTrue(plan.fused(), plan.toString());
        assertEquals("fused: decode region of RandomResizedCrop, RandomHorizontalFlip+"
                + PixelwiseBrightness.class.getName() + "+ToTensor+Normalize into the batch row", plan.toString());
        assertBitwiseStageByStage(stages, tmp);
    }

    @Test
    void pixelwiseStageBetweenResizeAndCenterCropKeepsTheWindowDecode(@TempDir Path tmp) throws Exception {
        List<SampleTransform<?, ?>> fits = List.of(new Resize(64), new PixelwiseBrightness(), new CenterCrop(48),
                new ToTensor());
        assertEquals("fused: decode region of Resize+" + PixelwiseBrightness.class.getName()
                + "+CenterCrop, ToTensor", compose(fits).plan(Decoders.standard()).toString());
        assertBitwiseStageByStage(fits, tmp);
        // a crop larger than the resized image pads: the stages then run in their own order, still bitwise
        assertBitwiseStageByStage(List.of(new Resize(40), new PixelwiseBrightness(), new CenterCrop(48, 80)), tmp);
    }

    @Test
    void builtInGrayscaleIsPixelwiseAndKeepsBothFusions(@TempDir Path tmp) throws Exception {
        List<SampleTransform<?, ?>> eval = List.of(new Resize(64), new Grayscale(3), new CenterCrop(48),
                new ToTensor(), new Normalize(MEAN, STD));
        assertEquals("fused: decode region of Resize+Grayscale+CenterCrop, ToTensor+Normalize into the batch row",
                compose(eval).plan(Decoders.standard()).toString());
        assertBitwiseStageByStage(eval, tmp);
        List<SampleTransform<?, ?>> train = List.of(new RandomResizedCrop(40), new RandomHorizontalFlip(),
                new Grayscale(), new ToTensor());
        assertEquals("fused: decode region of RandomResizedCrop, RandomHorizontalFlip+Grayscale+ToTensor into the"
                + " batch row", compose(train).plan(Decoders.standard()).toString());
        assertBitwiseStageByStage(train, tmp);
    }

    @Test
    void undeclaredStageRunsUnfusedAndThePlanNamesIt(@TempDir Path tmp) throws Exception {
        List<SampleTransform<?, ?>> betweenCrop = List.of(new Resize(64), new Brightness(), new CenterCrop(48),
                new ToTensor());
        FusionPlan plan = compose(betweenCrop).plan(Decoders.standard());
        assertFalse(plan.fused());
        assertEquals("unfused: stage 2 (" + Brightness.class.getName() + ") does not declare PixelwiseTransform, so"
                + " Resize and stage 3 (CenterCrop) run apart (runs: decode and resize in one pass (Resize), "
                + Brightness.class.getName() + ", CenterCrop, ToTensor)", plan.toString());
        assertBitwiseStageByStage(betweenCrop, tmp);

        List<SampleTransform<?, ?>> betweenFlip = List.of(new RandomResizedCrop(40), new RandomHorizontalFlip(),
                new Brightness(), new ToTensor(), new Normalize(MEAN, STD));
        assertEquals("unfused: stage 3 (" + Brightness.class.getName() + ") does not declare PixelwiseTransform, so"
                        + " RandomHorizontalFlip and stage 4 (ToTensor) run apart (runs: decode region of"
                        + " RandomResizedCrop, RandomHorizontalFlip, " + Brightness.class.getName()
                        + ", ToTensor+Normalize into the batch row)",
                compose(betweenFlip).plan(Decoders.standard()).toString());
        assertBitwiseStageByStage(betweenFlip, tmp);
    }

    @Test
    void stageBeforeTheRegionStageMakesTheWholeImageDecoded(@TempDir Path tmp) throws Exception {
        List<SampleTransform<?, ?>> stages = List.of(new PixelwiseBrightness(), new RandomResizedCrop(40),
                new ToTensor());
        FusionPlan plan = compose(stages).plan(Decoders.standard());
        assertEquals(List.of("stage 1 (" + PixelwiseBrightness.class.getName() + ") runs before stage 2"
                + " (RandomResizedCrop) chooses its region, so the whole image is decoded"), plan.unfused());
        assertEquals("decode whole image", plan.steps().getFirst());
        assertBitwiseStageByStage(stages, tmp);
    }

    @Test
    void inMemoryPlanListsTheFusedSteps() throws Exception {
        Compose<Image, Tensor> eval = Compose.of(new Resize(64)).then(new CenterCrop(48)).then(new ToTensor())
                .then(new Normalize(MEAN, STD));
        assertEquals("fused: Resize+CenterCrop, ToTensor+Normalize into the batch row", eval.plan().toString());
        try (Image image = Image.of(Image.Mode.RGB, 80, 70, new byte[80 * 70 * 3])) {
            Object out = eval.apply(image, CounterRandom.of(1, 0, 0, 0));
            assertEquals("[3, 48, 48]", ((Tensor) out).shape().toString());
            close(out);
        }
    }
}
