package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Functional#normalize} element by element against its formula, {@code (x - mean[c]) / std[c]} in float. */
class NormalizeTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private static float[] values(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-2, 3);
        }
        return v;
    }

    private static void assertNormalized(float[] in, float[] out, int channels, int plane, float[] mean, float[] std) {
        for (int i = 0; i < in.length; i++) {
            int c = (i / plane) % channels;
            float m = mean[mean.length == 1 ? 0 : c];
            float s = std[std.length == 1 ? 0 : c];
            assertEquals(Float.floatToRawIntBits((in[i] - m) / s), Float.floatToRawIntBits(out[i]), "element " + i);
        }
    }

    @Test
    void eachPlaneUsesItsChannelsMeanAndStdBitForBit() {
        float[] in = values(3 * 5 * 7, 1);
        try (Tensor x = Tensor.of(in, 3, 5, 7); Tensor y = Functional.normalize(x, MEAN, STD, false)) {
            assertNormalized(in, y.toFloatArray(), 3, 35, MEAN, STD);
            assertEquals(x.shape(), y.shape());
        }
    }

    @Test
    void aBatchOfImagesCyclesThroughTheChannelsPerImage() {
        float[] in = values(2 * 3 * 4 * 6, 2);
        try (Tensor x = Tensor.of(in, 2, 3, 4, 6); Tensor y = Functional.normalize(x, MEAN, STD, false)) {
            assertNormalized(in, y.toFloatArray(), 3, 24, MEAN, STD);
        }
    }

    @Test
    void oneMeanAndStdApplyToEveryChannel() {
        float[] in = values(4 * 3 * 3, 3);
        float[] mean = {0.5f};
        float[] std = {0.25f};
        try (Tensor x = Tensor.of(in, 4, 3, 3); Tensor y = Functional.normalize(x, mean, std, false)) {
            assertNormalized(in, y.toFloatArray(), 4, 9, mean, std);
        }
    }

    @Test
    void inPlaceWritesIntoTheInputAndReturnsIt() {
        float[] in = values(3 * 2 * 9, 4);
        try (Tensor x = Tensor.of(in, 3, 2, 9)) {
            Tensor y = Functional.normalize(x, MEAN, STD, true);
            assertSame(x, y);
            assertNormalized(in, x.toFloatArray(), 3, 18, MEAN, STD);
        }
    }
}
