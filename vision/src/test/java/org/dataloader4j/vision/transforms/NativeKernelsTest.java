package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.internal.NativeKernels;
import org.junit.jupiter.api.Test;

/**
 * The native kernels give the bytes and floats of the Java kernels: the resample for every filter, size, box and
 * window; ToTensor + Normalize for every channel count, mirrored or not.
 */
class NativeKernelsTest {

    private static Image random(SplittableRandom rnd, int w, int h) {
        byte[] px = new byte[w * h * 3];
        int smooth = rnd.nextInt(3);
        for (int i = 0; i < px.length; i++) {
            // mixes noise with extremes so that clipping at 0 and 255 is exercised
            px[i] = (byte) (smooth == 0 ? rnd.nextInt(256) : smooth == 1 ? (rnd.nextBoolean() ? 0 : 255)
                    : (i / 3 % w) * 255 / Math.max(1, w - 1));
        }
        return Image.of(Image.Mode.RGB, w, h, px);
    }

    private static void assertSame(Image in, ResizeCoefficients cx, ResizeCoefficients cy, String what) {
        try (Image java = Pixels.resample(in, cx, cy, cx.outSize(), cy.outSize(), false);
             Image nat = Pixels.resample(in, cx, cy, cx.outSize(), cy.outSize(), true)) {
            assertArrayEquals(java.toByteArray(), nat.toByteArray(), what);
        }
    }

    @Test
    void nativeResampleEqualsTheJavaKernelsByteForByte() {
        assumeTrue(NativeKernels.available(), "native kernels not built");
        SplittableRandom rnd = new SplittableRandom(42);
        InterpolationMode[] modes = {InterpolationMode.BILINEAR, InterpolationMode.BICUBIC, InterpolationMode.BOX,
                InterpolationMode.HAMMING, InterpolationMode.LANCZOS};
        for (int i = 0; i < 400; i++) {
            int w = 1 + rnd.nextInt(i < 300 ? 90 : 700);
            int h = 1 + rnd.nextInt(i < 300 ? 90 : 500);
            int outW = 1 + rnd.nextInt(i < 300 ? 120 : 300);
            int outH = 1 + rnd.nextInt(i < 300 ? 120 : 300);
            InterpolationMode mode = modes[rnd.nextInt(modes.length)];
            try (Image in = random(rnd, w, h)) {
                String what = w + "x" + h + " -> " + outW + "x" + outH + " " + mode;
                assertSame(in, ResizeCoefficients.of(w, outW, mode), ResizeCoefficients.of(h, outH, mode), what);
                // a box (RandomResizedCrop's region, or a DCT-scaled decode's fractional box)
                double x0 = rnd.nextDouble() * w * 0.5;
                double y0 = rnd.nextDouble() * h * 0.5;
                double x1 = x0 + (w - x0) * (0.2 + 0.8 * rnd.nextDouble());
                double y1 = y0 + (h - y0) * (0.2 + 0.8 * rnd.nextDouble());
                assertSame(in, ResizeCoefficients.of(w, x0, x1, outW, mode), ResizeCoefficients.of(h, y0, y1, outH,
                        mode), what + " box " + x0 + "," + y0 + "," + x1 + "," + y1);
                // a window of the output (Resize + CenterCrop)
                int left = rnd.nextInt(outW);
                int top = rnd.nextInt(outH);
                int ww = 1 + rnd.nextInt(outW - left);
                int wh = 1 + rnd.nextInt(outH - top);
                assertSame(in, ResizeCoefficients.of(w, outW, mode).window(left, left + ww),
                        ResizeCoefficients.of(h, outH, mode).window(top, top + wh), what + " window");
            }
        }
    }

    @Test
    void nativeResampleRefusesTablesThatReadOutsideTheImage() {
        assumeTrue(NativeKernels.available(), "native kernels not built");
        try (Image in = Image.allocate(Image.Mode.RGB, 10, 10); Image out = Image.allocate(Image.Mode.RGB, 4, 4)) {
            ResizeCoefficients cx = ResizeCoefficients.of(20, 4, InterpolationMode.BILINEAR); // made for a wider image
            ResizeCoefficients cy = ResizeCoefficients.of(10, 4, InterpolationMode.BILINEAR);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NativeKernels.resampleRgb(in.data(), 10, 10, cx.paddedStart(), cx.paddedWeights(),
                            cx.taps(), 4, cy.starts(), cy.counts(), cy.weights(), cy.ksize(), cy.first(), cy.last(),
                            4, out.data()));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("10x10 -> 4x4"), e.getMessage());
        }
    }

    @Test
    void nativeToTensorNormalizeEqualsTheJavaPassBitForBit() {
        assumeTrue(NativeKernels.available(), "native kernels not built");
        SplittableRandom rnd = new SplittableRandom(7);
        Image.Mode[] modes = {Image.Mode.L, Image.Mode.RGB, Image.Mode.RGBA};
        for (int i = 0; i < 200; i++) {
            Image.Mode mode = modes[rnd.nextInt(modes.length)];
            int c = mode.channels();
            int w = 1 + rnd.nextInt(70);
            int h = 1 + rnd.nextInt(40);
            byte[] px = new byte[w * h * c];
            for (int k = 0; k < px.length; k++) {
                px[k] = (byte) rnd.nextInt(256);
            }
            int kind = rnd.nextInt(3);
            float[] mean = new float[kind == 0 ? 1 : c];
            float[] std = new float[mean.length];
            for (int k = 0; k < mean.length; k++) {
                mean[k] = kind == 1 ? 0f : (float) (rnd.nextDouble() * 2 - 0.5);
                std[k] = kind == 1 ? 1f : (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(-12, 4));
            }
            TensorWriter writer = kind == 1 && mean.length == 1 ? TensorWriter.plain()
                    : TensorWriter.normalizing(mean, std);
            boolean mirror = rnd.nextBoolean();
            try (Image img = Image.of(mode, w, h, px);
                 org.dataloader4j.tensor.Tensor viaJava = writer.write(img, mirror, false);
                 org.dataloader4j.tensor.Tensor nat = writer.write(img, mirror, true)) {
                assertArrayEquals(viaJava.toFloatArray(), nat.toFloatArray(), mode + " " + w + "x" + h + " mean "
                        + Arrays.toString(mean) + " std " + Arrays.toString(std) + " mirror "
                        + mirror);
            }
        }
    }
}
