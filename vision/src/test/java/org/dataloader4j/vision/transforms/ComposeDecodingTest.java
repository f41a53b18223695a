package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dataloader4j.data.SampleContext;
import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.OffHeapMemory;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageDecodeException;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Compose fused with decoding gives bitwise what decoding the whole file to RGB and applying the pipeline gives,
 * for every pipeline shape, file kind and decoder path; ImageFolder takes that route.
 */
class ComposeDecodingTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private static List<Path> files(Path tmp) throws IOException {
        Path decode = Fixtures.dir("decode");
        return List.of(Fixtures.photo(tmp, "wide.jpg", 211, 149, false, 3),
                Fixtures.photo(tmp, "tall.jpg", 97, 130, false, 5),
                Fixtures.photo(tmp, "gray.jpg", 120, 90, true, 4), decode.resolve("progressive.jpg"),
                decode.resolve("cmyk.jpg"), decode.resolve("la.png"), decode.resolve("palette.png"),
                Fixtures.dir("transforms").resolve("b.png"));
    }

    private static List<Compose<Image, ?>> pipelines() {
        return List.of(
                Compose.of(new Resize(64)).then(new CenterCrop(56)).then(new ToTensor()).then(new Normalize(MEAN, STD)),
                Compose.of(new Resize(40)).then(new CenterCrop(40)),
                Compose.of(new Resize(33, 71, InterpolationMode.BICUBIC)).then(new CenterCrop(20, 31)),
                Compose.of(new Resize(50)).then(new CenterCrop(60)),              // crop larger: padded, two steps
                Compose.of(new Resize(300)).then(new CenterCrop(224)),            // upscale
                Compose.of(new Resize(48, InterpolationMode.NEAREST)).then(new CenterCrop(32)),
                Compose.of(new RandomResizedCrop(32)).then(new RandomHorizontalFlip()).then(new ToTensor()),
                Compose.of(new CenterCrop(40)).then(new ToTensor()),
                Compose.of(new RandomHorizontalFlip()).then(new Resize(30)),
                Compose.of(new Resize(40)).then(new ToTensor()),                    // bare Resize: in the decode
                Compose.of(new Resize(33, 71, InterpolationMode.BICUBIC)).then(new ToTensor())
                        .then(new Normalize(MEAN, STD)),
                Compose.of(new Resize(200, 300, InterpolationMode.BILINEAR)),     // upscale
                Compose.of(new Resize(149)),                                      // wide.jpg: unchanged
                Compose.of(new Resize(149, 100, InterpolationMode.BILINEAR)),     // wide.jpg: one side changes
                Compose.of(new Resize(36, InterpolationMode.NEAREST)).then(new ToTensor()));
    }

    private static Object values(Object result) {
        return result instanceof Tensor t ? t.toFloatArray() : ((Image) result).toByteArray();
    }

    @Test
    void decodingEqualsDecodingTheWholeImageThenThePipeline(@TempDir Path tmp) throws Exception {
        List<Path> files = files(tmp);
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            for (Compose<Image, ?> pipeline : pipelines()) {
                SampleTransform<Path, ?> fused = pipeline.decoding(decoders);
                for (Path file : files) {
                    try (Image whole = decoders.decode(file, Image.Mode.RGB)) {
                        for (int i = 0; i < 3; i++) {
                            Object expected = pipeline.apply(whole, CounterRandom.of(7, 0, i, 0));
                            Object got = fused.apply(file, CounterRandom.of(7, 0, i, 0));
                            try {
                                assertEquals(expected.getClass(), got.getClass());
                                Object e = values(expected);
                                Object g = values(got);
                                String what = pipeline + " on " + file.getFileName() + ", sample " + i;
                                if (e instanceof float[] ef) {
                                    assertArrayEquals(ef, (float[]) g, what);
                                } else {
                                    assertArrayEquals((byte[]) e, (byte[]) g, what);
                                }
                            } finally {
                                if (expected != whole) {   // a resize to the image's own size returns it
                                    ((AutoCloseable) expected).close();
                                }
                                ((AutoCloseable) got).close();
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void resizeThenCenterCropDecodesOnlyTheRowsAndColumnsTheWindowReads() {
        ResizeCoefficients[] tables = Pixels.windowTables(500, 375, 341, 256, InterpolationMode.BILINEAR, 16, 58,
                224, 224);
        int x0 = tables[0].paddedFirst();
        int x1 = tables[0].paddedLast();
        int y0 = tables[1].first();
        int y1 = tables[1].last();
        // the 224 kept columns of 341 read about 224/341 of the 500 source columns (plus the filter's reach)
        assertTrue(x0 > 80 && x1 < 420 && x1 - x0 < 340, "columns " + x0 + ".." + x1);
        assertTrue(y0 > 15 && y1 < 360, "rows " + y0 + ".." + y1);
    }

    @Test
    void imageFolderAppliesComposeThroughTheFusedDecodeWithTheSameTensors(@TempDir Path tmp) throws Exception {
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                Files.createDirectories(tmp.resolve("class" + c));
                Fixtures.photo(tmp.resolve("class" + c), "img" + i + ".jpg", 150 + 20 * i, 110 + 7 * c, c == 1, i);
            }
        }
        var pipeline = Compose.of(new RandomResizedCrop(48)).then(new RandomHorizontalFlip()).then(new ToTensor())
                .then(new Normalize(MEAN, STD));
        DatasetFolder<Tensor> fused = ImageFolder.builder(tmp).transform(pipeline).build();
        DatasetFolder<Tensor> plain = DatasetFolder.builder(tmp,
                        path -> Decoders.standard().decode(path, Image.Mode.RGB))
                .extensions(ImageFolder.IMG_EXTENSIONS).transform(pipeline).build();
        assertEquals(plain.samples(), fused.samples());
        long before = OffHeapMemory.liveBytes();
        for (long i = 0; i < fused.size(); i++) {
            final long index = i;
            List<float[]> both = new ArrayList<>();
            for (DatasetFolder<Tensor> ds : List.of(fused, plain)) {
                both.add(SampleContext.callWith(new SampleContext(3, 1, index, index, null), () -> {
                    Sample<Tensor> s = ds.get(index);
                    try (Tensor t = s.input()) {
                        return t.toFloatArray();
                    }
                }));
            }
            assertArrayEquals(both.get(1), both.get(0), "sample " + i);
        }
        assertEquals(before, OffHeapMemory.liveBytes(), "decoded images are closed");
    }

    @Test
    void aCorruptFileThroughTheFusedDecodeNamesTheFile(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.jpg");
        byte[] good = Files.readAllBytes(Fixtures.photo(tmp, "good.jpg", 64, 48, false, 1));
        Files.write(bad, java.util.Arrays.copyOf(good, 200));
        for (Compose<Image, ?> pipeline : pipelines()) {
            ImageDecodeException e = assertThrows(ImageDecodeException.class,
                    () -> pipeline.decoding(Decoders.standard()).apply(bad, CounterRandom.of(1, 0, 0, 0)));
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        }
    }

    @Test
    void withDctScalingAFirstResizeDecodesScaledAndTheRestFollows(@TempDir Path tmp) throws Exception {
        Decoders scaled = Decoders.standard().withDctScaling(true);
        Path file = Fixtures.photo(tmp, "big.jpg", 400, 300, false, 9);
        var pipeline = Compose.of(new Resize(64)).then(new CenterCrop(56)).then(new ToTensor());
        try (Tensor got = pipeline.decoding(scaled).apply(file, CounterRandom.of(1, 0, 0, 0));
             Image resized = new Resize(64).decoding(scaled).apply(file, CounterRandom.of(1, 0, 0, 0));
             Image cropped = new CenterCrop(56).apply(resized, null);
             Tensor expected = new ToTensor().apply(cropped, null)) {
            assertArrayEquals(expected.toFloatArray(), got.toFloatArray());
        }
    }

    @Test
    void imageFolderAppliesABareResizeOrRandomResizedCropThroughTheirFusedDecode(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("a"));
        Fixtures.photo(tmp.resolve("a"), "x.jpg", 180, 120, false, 2);
        Fixtures.photo(tmp.resolve("a"), "y.jpg", 90, 140, true, 3);
        for (SampleTransform<Image, Image> t : List.<SampleTransform<Image, Image>>of(new Resize(50),
                new RandomResizedCrop(40))) {
            DatasetFolder<Image> fused = ImageFolder.builder(tmp).transform(t).build();
            for (long i = 0; i < fused.size(); i++) {
                final long index = i;
                SampleContext context = new SampleContext(5, 0, index, index, null);
                byte[] got = SampleContext.callWith(context, () -> {
                    try (Image img = fused.get(index).input()) {
                        return img.toByteArray();
                    }
                });
                try (Image whole = Decoders.standard().decode(fused.samples().get((int) i).path(), Image.Mode.RGB)) {
                    byte[] expected = SampleContext.callWith(context, () -> {
                        try (Image img = t.apply(whole, SampleContext.current(index).random(
                                org.dataloader4j.random.RandomStreams.TRANSFORM))) {
                            return img.toByteArray();
                        }
                    });
                    assertArrayEquals(expected, got, t + " sample " + i);
                }
            }
        }
    }
}
