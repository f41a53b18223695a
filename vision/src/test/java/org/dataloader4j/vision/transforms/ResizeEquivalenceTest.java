package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;

import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;

/**
 * The optimised kernels in {@link Pixels} against {@link ReferencePixels}, the straightforward implementation they
 * replaced (which matched PIL byte for byte): random sizes, channel counts, interpolation modes and pixel contents,
 * byte for byte.
 */
class ResizeEquivalenceTest {
    private static final Image.Mode[] MODES = Image.Mode.values();

    /** Random pixels: uniform, or mostly extremes (0/255, to drive negative lobes past the clip), or smooth. */
    private static Image randomImage(SplittableRandom rnd, Image.Mode mode, int w, int h) {
        byte[] px = new byte[w * h * mode.channels()];
        int kind = rnd.nextInt(3);
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) switch (kind) {
                case 0 -> rnd.nextInt(256);
                case 1 -> rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextBoolean() ? 0 : 255;
                default -> (i / mode.channels()) % w * 255 / Math.max(1, w - 1);
            };
        }
        if (mode == Image.Mode.RGBA && rnd.nextBoolean()) {
            for (int i = 3; i < px.length; i += 4) {   // alpha mostly opaque, some 0, some partial
                int r = rnd.nextInt(4);
                px[i] = (byte) (r < 2 ? 255 : r == 2 ? 0 : rnd.nextInt(256));
            }
        }
        return Image.of(mode, w, h, px);
    }

    private static int size(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> 1 + rnd.nextInt(4);
            case 1, 2 -> 1 + rnd.nextInt(40);
            case 3 -> 20 + rnd.nextInt(200);
            default -> 100 + rnd.nextInt(600);
        };
    }

    @Test
    void resizeEqualsReferenceOnRandomCases() {
        SplittableRandom rnd = new SplittableRandom(20261125L);
        InterpolationMode[] interp = InterpolationMode.values();
        for (int i = 0; i < 600; i++) {
            Image.Mode mode = MODES[rnd.nextInt(MODES.length)];
            int w = size(rnd);
            int h = size(rnd);
            int outW = rnd.nextInt(6) == 0 ? w : size(rnd);     // sometimes one pass only
            int outH = rnd.nextInt(6) == 0 ? h : size(rnd);
            if (w * h > 160_000 && outW * outH > 40_000) {
                outW = Math.max(1, outW / 4);
            }
            InterpolationMode im = interp[rnd.nextInt(interp.length)];
            try (Image in = randomImage(rnd, mode, w, h)) {
                Image expected = ReferencePixels.resize(in, outW, outH, im);
                Image got = Pixels.resize(in, outW, outH, im);
                String what = "case " + i + ": " + mode + " " + w + "x" + h + " -> " + outW + "x" + outH + " " + im;
                assertEquals(outW, got.width(), what);
                assertEquals(outH, got.height(), what);
                assertEquals(mode, got.mode(), what);
                assertArrayEquals(expected.toByteArray(), got.toByteArray(), what);
                if (outW == w && outH == h) {
                    assertSame(in, got, what);
                } else {
                    expected.close();
                    got.close();
                }
            }
        }
    }

    @Test
    void typicalPhotoSizesEqualReference() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] cases = {{500, 375, 341, 256}, {375, 500, 256, 341}, {640, 480, 341, 256}, {333, 500, 224, 224},
                {120, 90, 224, 224}, {2048, 1536, 256, 192}, {500, 333, 384, 256}, {17, 300, 224, 224}};
        for (InterpolationMode im : InterpolationMode.values()) {
            for (int[] c : cases) {
                for (Image.Mode mode : MODES) {
                    try (Image in = randomImage(rnd, mode, c[0], c[1]);
                         Image expected = ReferencePixels.resize(in, c[2], c[3], im);
                         Image got = Pixels.resize(in, c[2], c[3], im)) {
                        assertArrayEquals(expected.toByteArray(), got.toByteArray(),
                                mode + " " + c[0] + "x" + c[1] + " -> " + c[2] + "x" + c[3] + " " + im);
                    }
                }
            }
        }
    }

    @Test
    void cropAndFlipsEqualReference() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 300; i++) {
            Image.Mode mode = MODES[rnd.nextInt(MODES.length)];
            int w = size(rnd);
            int h = size(rnd);
            try (Image in = randomImage(rnd, mode, w, h)) {
                int top = rnd.nextInt(-5, h + 2);
                int left = rnd.nextInt(-5, w + 2);
                int ch = 1 + rnd.nextInt(h + 5);
                int cw = 1 + rnd.nextInt(w + 5);
                String what = "case " + i + ": " + mode + " " + w + "x" + h;
                try (Image e1 = ReferencePixels.flipHorizontal(in); Image g1 = Pixels.flipHorizontal(in);
                     Image e2 = ReferencePixels.flipVertical(in); Image g2 = Pixels.flipVertical(in)) {
                    assertArrayEquals(e1.toByteArray(), g1.toByteArray(), "hflip " + what);
                    assertArrayEquals(e2.toByteArray(), g2.toByteArray(), "vflip " + what);
                }
                Image e3 = ReferencePixels.crop(in, top, left, ch, cw);
                Image g3 = Pixels.crop(in, top, left, ch, cw);
                assertArrayEquals(e3.toByteArray(), g3.toByteArray(),
                        "crop " + what + " at " + top + "," + left + " " + ch + "x" + cw);
                if (e3 != in) {
                    e3.close();
                    g3.close();
                }
            }
        }
    }

    @Test
    void premultiplySkipsOpaquePixelsExactly() {
        byte[] all = new byte[256 * 256 * 4];
        for (int v = 0; v < 256; v++) {
            for (int a = 0; a < 256; a++) {
                int i = (v * 256 + a) * 4;
                all[i] = (byte) v;
                all[i + 1] = (byte) (255 - v);
                all[i + 2] = (byte) (v ^ a);
                all[i + 3] = (byte) a;
            }
        }
        byte[] expected = all.clone();
        ReferencePixels.premultiply(expected);
        byte[] got = all.clone();
        Pixels.premultiply(got);
        assertArrayEquals(expected, got);
    }

    @Test
    void coefficientTablesAreCachedAndPaddedConsistently() {
        ResizeCoefficients a = ResizeCoefficients.of(500, 224, InterpolationMode.BILINEAR);
        assertSame(a, ResizeCoefficients.of(500, 224, InterpolationMode.BILINEAR));
        for (InterpolationMode im : new InterpolationMode[] {InterpolationMode.BOX, InterpolationMode.BILINEAR,
                InterpolationMode.HAMMING, InterpolationMode.BICUBIC, InterpolationMode.LANCZOS}) {
            for (int[] s : new int[][] {{500, 224}, {7, 300}, {300, 7}, {1, 5}, {5, 1}, {224, 224}}) {
                ResizeCoefficients co = new ResizeCoefficients(s[0], s[1], im);
                for (int x = 0; x < s[1]; x++) {
                    long[] dense = new long[s[0]];
                    long[] padded = new long[s[0]];
                    for (int t = 0; t < co.count(x); t++) {
                        dense[co.start(x) + t] += co.weights()[x * co.ksize() + t];
                    }
                    for (int t = 0; t < co.taps(); t++) {
                        padded[co.paddedStart()[x] + t] += co.paddedWeights()[x * co.taps() + t];
                    }
                    assertArrayEquals(dense, padded, im + " " + s[0] + "->" + s[1] + " at " + x);
                }
            }
        }
    }
}
