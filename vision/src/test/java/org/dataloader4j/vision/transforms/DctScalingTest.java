package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;
import org.dataloader4j.vision.ScaledRegion;
import org.dataloader4j.vision.ScaledRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-in DCT-scaled fused decode ({@code Decoders.withDctScaling(true)}): the same crop boxes, shapes and
 * generator draws as the exact path, pixels within a documented bound of it, identical where the scale is 8/8,
 * and the exact path itself where the native decoder is absent or the file is not a JPEG it handles.
 */
class DctScalingTest {
    /**
     * Bounds on the difference to the exact path, in uint8 steps, on the synthetic fixture photos (a noisy
     * checkerboard over gradients, harsher than real photos). Measured on them: worst image mean abs 5.8, max 42;
     * on 400 real photos (README): mean 0.86 over the scaled images, worst image mean 2.5, max 37.
     */
    static final double MEAN_BOUND = 8;
    static final int MAX_BOUND = 64;

    private static final Decoders SCALED = Decoders.standard().withDctScaling(true);

    private static int maxDiff(byte[] a, byte[] b) {
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        }
        return m;
    }

    private static double meanDiff(byte[] a, byte[] b) {
        long s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) s / a.length;
    }

    @Test
    void optionIsOffByDefaultAndCarriedThroughTheOtherOptions() {
        assertTrue(!Decoders.standard().dctScaling());
        assertTrue(SCALED.withMaxPixels(1000).withNativeJpeg(false).dctScaling());
        assertTrue(!SCALED.withDctScaling(false).dctScaling());
        assertEquals(5, Decoders.dctScale(500, 400, 224, 224));
        assertEquals(1, Decoders.dctScale(224 * 8, 224 * 8, 224, 224));
        assertEquals(7, Decoders.dctScale(256, 256, 224, 224));
        assertEquals(8, Decoders.dctScale(255, 600, 224, 224));
        assertEquals(8, Decoders.dctScale(100, 100, 224, 224));   // upscale
    }

    @Test
    void sameBoxShapeAndDrawsAndBoundedDifference(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(SCALED.usesNativeJpeg(), "native JPEG path not built: " + Decoders.describe());
        List<Path> files = List.of(Fixtures.photo(tmp, "colour.jpg", 211, 149, false, 3),
                Fixtures.photo(tmp, "big.jpg", 403, 298, false, 7), Fixtures.photo(tmp, "gray.jpg", 197, 230, true, 4),
                Fixtures.dir("decode").resolve("progressive.jpg"));
        int[] byScale = new int[9];
        double worstMean = 0;
        int worstMax = 0;
        for (int k = 0; k < 2; k++) {
            int outH = k == 0 ? 32 : 17;
            int outW = k == 0 ? 32 : 23;
            RandomResizedCrop rrc = k == 0 ? new RandomResizedCrop(32)
                    : RandomResizedCrop.builder(outH, outW).scale(0.3, 1).ratio(0.5, 2)
                            .interpolation(InterpolationMode.BICUBIC).build();
            SampleTransform<Path, Image> exact = rrc.decoding(Decoders.standard());
            SampleTransform<Path, Image> scaled = rrc.decoding(SCALED);
            for (Path file : files) {
                int fullW;
                int fullH;
                try (Image whole = Decoders.decodeRGB(file)) {
                    fullW = whole.width();
                    fullH = whole.height();
                }
                for (int i = 0; i < 30; i++) {
                    String at = file.getFileName() + " " + rrc + " sample " + i;
                    RandomResizedCrop.Params p = rrc.params(fullW, fullH, CounterRandom.of(9, 0, i, 0));
                    int n = Decoders.dctScale(p.width(), p.height(), outW, outH);
                    byScale[n]++;
                    // the decode itself: the region asked for, at the scale the rule gives, the box where it lies
                    try (ScaledRegion r = SCALED.decodeScaled(file, (w, h) -> new ScaledRequest(
                            new Region(p.top(), p.left(), p.height(), p.width()), outW, outH))) {
                        assertEquals(new Region(p.top(), p.left(), p.height(), p.width()), r.region(), at);
                        assertEquals(n, r.scaleNum(), at);
                        assertEquals(p.width() * n / 8.0, r.boxRight() - r.boxLeft(), 1e-9, at);
                        assertEquals(p.height() * n / 8.0, r.boxBottom() - r.boxTop(), 1e-9, at);
                        assertTrue(r.boxLeft() >= 0 && r.boxLeft() < 1 && r.boxTop() >= 0 && r.boxTop() < 1, at);
                        assertTrue(r.boxRight() <= r.image().width() && r.boxRight() > r.image().width() - 1, at);
                        assertTrue(r.boxBottom() <= r.image().height() && r.boxBottom() > r.image().height() - 1, at);
                    }
                    CounterRandom rngExact = CounterRandom.of(9, 0, i, 0);
                    CounterRandom rngScaled = CounterRandom.of(9, 0, i, 0);
                    try (Image a = exact.apply(file, rngExact); Image b = scaled.apply(file, rngScaled)) {
                        assertEquals(rngExact.nextLong(), rngScaled.nextLong(), at + ": different draws");
                        assertEquals(Image.Mode.RGB, b.mode(), at);
                        assertEquals(a.width(), b.width(), at);
                        assertEquals(a.height(), b.height(), at);
                        if (n == 8) {
                            assertArrayEquals(a.toByteArray(), b.toByteArray(), at + " (scale 8/8)");
                        } else {
                            double mean = meanDiff(a.toByteArray(), b.toByteArray());
                            int max = maxDiff(a.toByteArray(), b.toByteArray());
                            worstMean = Math.max(worstMean, mean);
                            worstMax = Math.max(worstMax, max);
                            assertTrue(mean <= MEAN_BOUND && max <= MAX_BOUND, at + " at " + n + "/8: mean " + mean
                                    + ", max " + max);
                        }
                    }
                }
            }
        }
        System.out.printf("DCT-scaled vs exact on the fixtures: scales %s, worst image mean %.3f, max %d%n",
                java.util.Arrays.toString(byScale), worstMean, worstMax);
        assertTrue(byScale[8] > 0, "some samples at 8/8");
        assertTrue(byScale[8] < 240, "some samples scaled");
    }

    @Test
    void fallsBackToTheExactPath(@TempDir Path tmp) throws IOException {
        // without the native decoder, and on the native path for files it does not handle (CMYK JPEG, PNG)
        Path colour = Fixtures.photo(tmp, "colour.jpg", 403, 298, false, 3);
        List<Path> files = List.of(colour, Fixtures.dir("decode").resolve("cmyk.jpg"),
                Fixtures.dir("transforms").resolve("b.png"));
        RandomResizedCrop rrc = new RandomResizedCrop(8);
        for (Decoders scaled : List.of(SCALED.withNativeJpeg(false), SCALED)) {
            for (Path file : files) {
                if (scaled.usesNativeJpeg() && file == colour) {
                    continue;
                }
                try (Image whole = scaled.decode(file, Image.Mode.RGB)) {
                    for (int i = 0; i < 10; i++) {
                        try (Image expected = rrc.apply(whole, CounterRandom.of(5, 0, i, 0));
                             Image got = rrc.decoding(scaled).apply(file, CounterRandom.of(5, 0, i, 0));
                             Image resized = new Resize(5).decoding(scaled).apply(file, CounterRandom.of(5, 0, i, 0));
                             Image resizedExact = new Resize(5).apply(whole, CounterRandom.of(5, 0, i, 0))) {
                            assertArrayEquals(expected.toByteArray(), got.toByteArray(), file + " sample " + i);
                            assertArrayEquals(resizedExact.toByteArray(), resized.toByteArray(), file + " resize");
                        }
                    }
                }
            }
        }
    }

    @Test
    void fusedResizeIsExactWhenOffAndCloseWhenOn(@TempDir Path tmp) throws IOException {
        List<Path> files = List.of(Fixtures.photo(tmp, "big.jpg", 403, 298, false, 7),
                Fixtures.photo(tmp, "gray.jpg", 197, 230, true, 4), Fixtures.dir("decode").resolve("cmyk.jpg"),
                Fixtures.dir("transforms").resolve("b.png"));
        for (Resize resize : List.of(new Resize(64), new Resize(40, 30, InterpolationMode.BILINEAR),
                new Resize(300), Resize.builder(20).interpolation(InterpolationMode.BICUBIC).maxSize(25).build())) {
            for (Path file : files) {
                try (Image whole = Decoders.decodeRGB(file); Image expected = resize.apply(whole, null);
                     Image exact = resize.decoding(Decoders.standard()).apply(file, null);
                     Image scaled = resize.decoding(SCALED).apply(file, null)) {
                    String at = file.getFileName() + " " + resize;
                    assertArrayEquals(expected.toByteArray(), exact.toByteArray(), at);
                    assertEquals(expected.width(), scaled.width(), at);
                    assertEquals(expected.height(), scaled.height(), at);
                    assertEquals(Image.Mode.RGB, scaled.mode(), at);
                    int n = Decoders.dctScale(whole.width(), whole.height(), expected.width(), expected.height());
                    if (n == 8 || !SCALED.usesNativeJpeg() || file.toString().endsWith("cmyk.jpg")
                            || file.toString().endsWith(".png")) {
                        assertArrayEquals(expected.toByteArray(), scaled.toByteArray(), at);
                    } else {
                        double mean = meanDiff(expected.toByteArray(), scaled.toByteArray());
                        int max = maxDiff(expected.toByteArray(), scaled.toByteArray());
                        System.out.printf("Resize DCT-scaled %s at %d/8: mean %.3f, max %d%n", at, n, mean, max);
                        assertTrue(mean <= MEAN_BOUND && max <= MAX_BOUND, at + " at " + n + "/8: mean " + mean
                                + ", max " + max);
                    }
                }
            }
        }
    }
}
