package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageDecodeException;
import org.dataloader4j.vision.Region;
import org.dataloader4j.vision.RegionChooser;
import org.dataloader4j.vision.internal.NativeKernels;
import org.dataloader4j.vision.internal.ResampleTables;
import org.dataloader4j.vision.internal.ResamplingChooser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native JPEG path decodes a region and resamples it in one go (the region's rows go through the resample's
 * first pass as libjpeg hands them out) when the caller offers the resample (an internal {@code ResamplingChooser}): the bytes
 * are those of decoding the region and then resampling it, for every subsampling, progressive files, odd sizes,
 * regions at every edge, down- and upscaling, from a file and from bytes; gray images, other formats and the
 * pure-Java path return the region, and the caller resamples it.
 */
class ResampledDecodeTest {
    @TempDir
    static Path tmp;
    private static final List<Path> COLOUR = new ArrayList<>();

    @BeforeAll
    static void files() throws IOException {
        COLOUR.add(Fixtures.dir("decode").resolve("baseline.jpg"));
        COLOUR.add(Fixtures.dir("decode").resolve("q75_444.jpg"));
        COLOUR.add(Fixtures.dir("decode").resolve("progressive.jpg"));
        COLOUR.add(Fixtures.dir("decode").resolve("../../damaged_jpeg/base_eoi_after_50_percent.jpg"));
        int[][] sizes = {{211, 149}, {37, 300}, {300, 17}, {1, 1}, {16, 16}, {17, 33}, {640, 480}};
        for (int[] s : sizes) {
            COLOUR.add(Fixtures.photo(tmp, "photo-" + s[0] + "x" + s[1] + ".jpg", s[0], s[1], false, s[0] * 31L + s[1]));
        }
    }

    private static boolean nativeResample() {
        return Decoders.standard().usesNativeJpeg() && NativeKernels.available();
    }

    private static List<RegionTransform> stages() {
        return List.of(new RandomResizedCrop(224), RandomResizedCrop.builder(17, 23).build(),
                RandomResizedCrop.builder(31, 9).scale(0.01, 1).ratio(0.2, 5).interpolation(InterpolationMode.BICUBIC)
                        .build(),
                RandomResizedCrop.builder(700, 500).interpolation(InterpolationMode.BILINEAR).build(),
                new ResizedCenterCrop(new Resize(256), List.of(), new CenterCrop(224)),
                new ResizedCenterCrop(new Resize(20, 90, InterpolationMode.BILINEAR), List.of(), new CenterCrop(11, 7)),
                new ResizedCenterCrop(new Resize(64, InterpolationMode.BICUBIC), List.of(), new CenterCrop(64)),
                new Resize(64), new Resize(20, 90, InterpolationMode.BILINEAR),
                new Resize(500, 700, InterpolationMode.BICUBIC), Resize.builder(48).maxSize(60).build(),
                new Resize(64, InterpolationMode.NEAREST));
    }

    @Test
    void aColourJpegDecodedAndResampledInOneGoHasTheBytesOfTheRegionResampled() throws IOException {
        assumeTrue(nativeResample(), "the native JPEG path and kernels are not in use here");
        Decoders decoders = Decoders.standard();
        int fused = 0;
        for (Path file : COLOUR) {
            byte[] bytes = Files.readAllBytes(file);
            for (RegionTransform stage : stages()) {
                for (int i = 0; i < 12; i++) {
                    int sample = i;
                    for (boolean fromBytes : new boolean[] {false, true}) {
                        RegionDecoding.Chooser chooser = new RegionDecoding.Chooser(stage,
                                CounterRandom.of(3, 0, sample, 0));
                        String what = file.getFileName() + " " + stage + " sample " + i + (fromBytes ? " bytes" : "");
                        try (Image got = fromBytes ? decoders.decodeRegion(bytes, "x.jpg", chooser)
                                : decoders.decodeRegion(file, chooser)) {
                            Region r = chooser.step().region();
                            boolean resampling = chooser.step() instanceof RegionSteps.Resampling;
                            assertEquals(resampling, chooser.wasResampled(), what);
                            fused += resampling ? 1 : 0;
                            try (Image region = r == null ? decoders.decode(file, Image.Mode.RGB)
                                    : decoders.decodeRegion(file, r.top(), r.left(), r.height(), r.width());
                                 Image finished = resampling ? chooser.step().finish(region) : null) {
                                Image expected = resampling ? finished : region;   // else the region (or the
                                                                                   // whole image) came back
                                assertEquals(expected.width() + "x" + expected.height(),
                                        got.width() + "x" + got.height(), what);
                                assertArrayEquals(expected.toByteArray(), got.toByteArray(), what);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(fused > COLOUR.size() * 60, "too few resampled decodes: " + fused);
    }

    @Test
    void grayJpegsOtherFormatsAndTheJavaPathReturnTheRegion(@TempDir Path dir) throws IOException {
        List<Path> files = List.of(Fixtures.photo(dir, "gray.jpg", 97, 130, true, 4),
                Fixtures.dir("decode").resolve("cmyk.jpg"), Fixtures.dir("transforms").resolve("b.png"));
        RandomResizedCrop stage = new RandomResizedCrop(16);
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            for (Path file : files) {
                RegionDecoding.Chooser chooser = new RegionDecoding.Chooser(stage, CounterRandom.of(1, 0, 0, 0));
                try (Image got = decoders.decodeRegion(file, chooser)) {
                    Region r = chooser.step().region();
                    assertInstanceOf(RegionSteps.Resampling.class, chooser.step());
                    assertFalse(chooser.wasResampled(), file.toString());
                    assertEquals(r.width() + "x" + r.height(), got.width() + "x" + got.height(), file.toString());
                }
            }
        }
        RegionDecoding.Chooser colourOnJava = new RegionDecoding.Chooser(stage, CounterRandom.of(1, 0, 0, 0));
        try (Image got = Decoders.standard().withNativeJpeg(false).decodeRegion(COLOUR.getFirst(), colourOnJava)) {
            assertFalse(colourOnJava.wasResampled());
            assertEquals(colourOnJava.step().region().width(), got.width());
        }
    }

    @Test
    void aTruncatedJpegFailsAsTheRegionDecodeFailsAndAStrictDecoderRefusesARepairedOne() {
        assumeTrue(nativeResample(), "the native JPEG path and kernels are not in use here");
        Path truncated = Fixtures.dir("decode").resolve("../../damaged_jpeg/base_cut_at_70_percent.jpg");
        Path repaired = Fixtures.dir("decode").resolve("../../damaged_jpeg/base_eoi_after_50_percent.jpg");
        RandomResizedCrop stage = new RandomResizedCrop(24);
        for (int i = 0; i < 10; i++) {
            int sample = i;
            RegionDecoding.Chooser chooser = new RegionDecoding.Chooser(stage, CounterRandom.of(2, 0, sample, 0));
            ImageDecodeException fused = assertThrows(ImageDecodeException.class,
                    () -> Decoders.standard().decodeRegion(truncated, chooser));
            RegionChooser plain = (w, h) -> stage.step(w, h, CounterRandom.of(2, 0, sample, 0)).region();
            ImageDecodeException region = assertThrows(ImageDecodeException.class,
                    () -> Decoders.standard().decodeRegion(truncated, plain));
            assertEquals(region.getMessage(), fused.getMessage());
            assertFalse(chooser.wasResampled());
            RegionDecoding.Chooser strict = new RegionDecoding.Chooser(stage, CounterRandom.of(2, 0, sample, 0));
            ImageDecodeException refused = assertThrows(ImageDecodeException.class,
                    () -> Decoders.standard().withStrictJpeg(true).decodeRegion(repaired, strict));
            assertTrue(refused.getMessage().contains(repaired.getFileName().toString()), refused.getMessage());
            assertFalse(strict.wasResampled());
        }
    }

    @Test
    void tablesThatReadOutsideTheRegionAreRefusedBeforeTheNativeCall() {
        assumeTrue(nativeResample(), "the native JPEG path and kernels are not in use here");
        Region region = new Region(2, 3, 10, 12);
        // 4 outputs of 3 taps from column 10 read columns 10..12 of a 12-column region: one past its end
        ResampleTables outside = new ResampleTables(new int[] {0, 3, 6, 10}, new int[12], 3, 4, new int[] {0, 5},
                new int[] {2, 2}, new int[4], 2, 0, 7, 2);
        ResamplingChooser chooser = new ResamplingChooser() {
            @Override
            public Region choose(int width, int height) {
                return region;
            }

            @Override
            public ResampleTables resampling() {
                return outside;
            }

            @Override
            public void resampled() {
                throw new AssertionError("the decoder used tables that read outside the region");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Decoders.standard().decodeRegion(COLOUR.getFirst(), chooser));
        assertTrue(e.getMessage().contains("12x10"), e.getMessage());
        assertTrue(new ResampleTables(new int[] {0, 3, 6, 9}, new int[12], 3, 4, new int[] {0, 5}, new int[] {2, 2},
                new int[4], 2, 0, 7, 2).readsInside(12, 10));
    }

    @Test
    void aResampleTooLargeForLibjpegsPoolIsDoneApartWithTheSameBytes(@TempDir Path dir) throws IOException {
        assumeTrue(nativeResample(), "the native JPEG path and kernels are not in use here");
        Path tall = Fixtures.photo(dir, "tall.jpg", 16, 1000, false, 7);
        // 1,000 rows read, 25,000 columns out: 75 MB of intermediate rows, over the 64 MiB the pool may give
        RegionTransform wide = new RegionTransform() {
            @Override
            public RegionStep step(int width, int height, java.util.random.RandomGenerator rng) {
                return RegionSteps.resampling(new Region(0, 0, height, width),
                        ResizeCoefficients.of(width, 25_000, InterpolationMode.BILINEAR),
                        ResizeCoefficients.of(height, 1, InterpolationMode.BILINEAR), image -> image);
            }

            @Override
            public Image apply(Image image, java.util.random.RandomGenerator rng) {
                return Pixels.resize(image, 25_000, 1, InterpolationMode.BILINEAR);
            }
        };
        RegionDecoding.Chooser chooser = new RegionDecoding.Chooser(wide, CounterRandom.of(1, 0, 0, 0));
        Decoders decoders = Decoders.standard();
        try (Image region = decoders.decodeRegion(tall, chooser)) {
            assertFalse(chooser.wasResampled(), "the decoder took the 75 MB resample into libjpeg's pool");
            assertEquals(16 + "x" + 1000, region.width() + "x" + region.height());
            try (Image got = chooser.step().finish(region); Image rgb = decoders.decode(tall, Image.Mode.RGB);
                 Image expected = wide.apply(rgb, CounterRandom.of(1, 0, 0, 0))) {
                assertArrayEquals(expected.toByteArray(), got.toByteArray());
            }
        }
        try (Image fused = RegionDecoding.apply(decoders, wide, tall, CounterRandom.of(1, 0, 0, 0))) {
            assertEquals(25_000 + "x" + 1, fused.width() + "x" + fused.height());
        }
    }
}
