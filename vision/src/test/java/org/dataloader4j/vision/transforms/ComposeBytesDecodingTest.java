package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.EncodedImage;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.FusionPlan;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageDecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Compose#decodingBytes} gives bitwise what decoding the bytes whole and running the stages one by one gives,
 * and what {@link Compose#decoding} gives for a file of the same bytes, on both JPEG decoders, with the same draws;
 * {@link Compose#planBytes} says what runs.
 */
class ComposeBytesDecodingTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private static List<Path> files(Path tmp) throws IOException {
        Path decode = Fixtures.dir("decode");
        return List.of(Fixtures.photo(tmp, "wide.jpg", 211, 149, false, 3),
                Fixtures.photo(tmp, "tall.jpg", 97, 130, false, 5),
                Fixtures.photo(tmp, "gray.jpg", 120, 90, true, 4), decode.resolve("progressive.jpg"),
                decode.resolve("cmyk.jpg"), decode.resolve("palette.png"));
    }

    private static List<Compose<Image, ?>> pipelines() {
        return List.of(
                Compose.of(new RandomResizedCrop(48)).then(new RandomHorizontalFlip()).then(new ToTensor())
                        .then(new Normalize(MEAN, STD)),
                Compose.of(new Resize(64)).then(new CenterCrop(56)).then(new ToTensor()).then(new Normalize(MEAN, STD)),
                Compose.of(new Resize(50)).then(new CenterCrop(60)),              // crop larger: padded, two steps
                Compose.of(new RandomResizedCrop(32)).then(new RandomHorizontalFlip())
                        .then(new PixelwiseFusionTest.Brightness()).then(new ToTensor()),   // breaks flip+tensor
                Compose.of(new PixelwiseFusionTest.Brightness()).then(new RandomResizedCrop(40)),   // whole decode
                Compose.of(new CenterCrop(40)).then(new ToTensor()));
    }

    /** The whole bytes decoded to RGB, then every stage one by one, no fusion anywhere. */
    @SuppressWarnings("unchecked")
    private static Object stageByStage(Compose<Image, ?> pipeline, Decoders decoders, byte[] bytes, String name,
                                       RandomGenerator rng) {
        Object current = decoders.decode(bytes, name, Image.Mode.RGB);
        for (SampleTransform<?, ?> stage : pipeline.stages()) {
            Object next = ((SampleTransform<Object, Object>) stage).apply(current, rng);
            if (next != current && current instanceof Image image) {
                image.close();
            }
            current = next;
        }
        return current;
    }

    private static Object values(Object result) {
        return result instanceof Tensor t ? t.toFloatArray() : ((Image) result).toByteArray();
    }

    private static void assertSameValues(Object expected, Object got, String what) {
        assertEquals(expected.getClass(), got.getClass(), what);
        Object e = values(expected);
        Object g = values(got);
        if (e instanceof float[] f) {
            assertArrayEquals(f, (float[]) g, what);
        } else {
            assertArrayEquals((byte[]) e, (byte[]) g, what);
        }
    }

    @Test
    void bytesPipelineIsBitwiseTheStagesOneByOneAndTheFilePipeline(@TempDir Path tmp) throws Exception {
        int compared = 0;
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            for (Compose<Image, ?> pipeline : pipelines()) {
                SampleTransform<EncodedImage, ?> fromBytes = pipeline.decodingBytes(decoders);
                SampleTransform<Path, ?> fromFile = pipeline.decoding(decoders);
                for (Path file : files(tmp)) {
                    byte[] bytes = Files.readAllBytes(file);
                    String name = "shard-000.tar:" + file.getFileName();
                    for (int i = 0; i < 5; i++) {
                        String what = file.getFileName() + " sample " + i + " " + pipeline
                                + (decoders.usesNativeJpeg() ? " (native JPEG)" : " (Java)");
                        RandomGenerator rb = CounterRandom.of(5, 1, i, 0);
                        RandomGenerator rs = CounterRandom.of(5, 1, i, 0);
                        RandomGenerator rf = CounterRandom.of(5, 1, i, 0);
                        Object expected = stageByStage(pipeline, decoders, bytes, name, rs);
                        Object got = fromBytes.apply(new EncodedImage(name, bytes), rb);
                        Object viaFile = fromFile.apply(file, rf);
                        try {
                            assertSameValues(expected, got, what);
                            assertSameValues(viaFile, got, what + " (against the file)");
                            long next = rs.nextLong();
                            assertEquals(next, rb.nextLong(), what + ": the same draws");
                            assertEquals(next, rf.nextLong(), what + ": the same draws as from the file");
                            compared++;
                        } finally {
                            ((AutoCloseable) expected).close();
                            ((AutoCloseable) got).close();
                            ((AutoCloseable) viaFile).close();
                        }
                    }
                }
            }
        }
        assertEquals(2 * 6 * 6 * 5, compared);
    }

    @Test
    void planBytesIsThePlanOfTheFileAndNamesTheStageThatBreaksAFusion() {
        Compose<Image, Tensor> train = Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip())
                .then(new ToTensor()).then(new Normalize(MEAN, STD));
        FusionPlan plan = train.planBytes(Decoders.standard());
        assertTrue(plan.fused(), plan.toString());
        assertEquals("fused: decode region of RandomResizedCrop, RandomHorizontalFlip+ToTensor+Normalize into the"
                + " batch row", plan.toString());
        assertEquals(train.plan(Decoders.standard()), plan);
        // DCT scaling applies to files only: from bytes the plan stays exact
        assertEquals(plan, train.planBytes(Decoders.standard().withDctScaling(true)));
        assertFalse(train.plan(Decoders.standard().withDctScaling(true)).equals(plan));

        Compose<Image, Image> blurFirst = Compose.of((SampleTransform<Image, Image>) new PixelwiseFusionTest
                .Brightness()).then(new RandomResizedCrop(40));
        FusionPlan unfused = blurFirst.planBytes(Decoders.standard());
        assertFalse(unfused.fused());
        assertEquals("decode whole image", unfused.steps().getFirst());
        assertEquals(List.of("stage 1 (" + PixelwiseFusionTest.Brightness.class.getName() + ") runs before stage 2"
                + " (RandomResizedCrop) chooses its region, so the whole image is decoded"), unfused.unfused());
    }

    @Test
    void dctScalingDecodersGiveTheExactPixelsFromBytes(@TempDir Path tmp) throws Exception {
        Path file = Fixtures.photo(tmp, "big.jpg", 400, 300, false, 9);
        byte[] bytes = Files.readAllBytes(file);
        Compose<Image, Image> crop = Compose.of(new RandomResizedCrop(40));
        for (int i = 0; i < 4; i++) {
            try (Image exact = crop.decodingBytes(Decoders.standard()).apply(new EncodedImage("m", bytes),
                    CounterRandom.of(2, 0, i, 0));
                 Image scaled = crop.decodingBytes(Decoders.standard().withDctScaling(true))
                         .apply(new EncodedImage("m", bytes), CounterRandom.of(2, 0, i, 0))) {
                assertArrayEquals(exact.toByteArray(), scaled.toByteArray(), "sample " + i);
            }
        }
    }

    @Test
    void corruptBytesFailNamingTheName(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.photo(tmp, "photo.jpg", 96, 80, false, 3));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            for (Compose<Image, ?> pipeline : pipelines()) {
                ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ((AutoCloseable) pipeline
                        .decodingBytes(decoders).apply(new EncodedImage("shard-003.tar:cat_7.jpg", cut),
                                CounterRandom.of(1, 0, 0, 0))).close(), pipeline.toString());
                assertEquals("shard-003.tar:cat_7.jpg", e.name(), e.getMessage());
            }
        }
    }
}
