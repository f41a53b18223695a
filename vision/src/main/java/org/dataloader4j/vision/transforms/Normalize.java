package org.dataloader4j.vision.transforms;

import java.util.Arrays;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.tensor.Tensor;

/**
 * {@code (x - mean[c]) / std[c]} per channel of a FLOAT32 {@code [C, H, W]} tensor, torchvision's {@code Normalize}
 * (float32 arithmetic, so results are bitwise torchvision's). A new tensor is returned; {@link #inPlace} modifies and
 * returns the input tensor instead.
 *
 * <pre>{@code
 * SampleTransform<Image, Tensor> t = Compose.of(new ToTensor())
 *         .then(new Normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}));
 * }</pre>
 */
public final class Normalize implements SampleTransform<Tensor, Tensor> {
    private final float[] mean;
    private final float[] std;
    private final boolean inplace;

    /**
     * Normalizes into a new tensor, torchvision's {@code Normalize(mean, std)}.
     *
     * @param mean the mean of each channel
     * @param std the standard deviation of each channel
     * @throws IllegalArgumentException if a std is zero or the arrays are empty
     */
    public Normalize(float[] mean, float[] std) {
        this(mean, std, false);
    }

    private Normalize(float[] mean, float[] std, boolean inplace) {
        if (mean.length == 0 || std.length == 0) {
            throw new IllegalArgumentException("mean and std need at least one value, but got mean="
                    + Arrays.toString(mean) + ", std=" + Arrays.toString(std));
        }
        for (float s : std) {
            if (s == 0) {
                throw new IllegalArgumentException("std evaluated to zero, leading to division by zero: std="
                        + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.inplace = inplace;
    }

    /**
     * {@return a normalization that writes into the input tensor and returns it, torchvision's
     * {@code Normalize(mean, std, inplace=True)}}
     *
     * @param mean the mean of each channel
     * @param std the standard deviation of each channel
     * @throws IllegalArgumentException if a std is zero or the arrays are empty
     */
    public static Normalize inPlace(float[] mean, float[] std) {
        return new Normalize(mean, std, true);
    }

    float[] mean() {
        return mean.clone();
    }

    float[] std() {
        return std.clone();
    }

    @Override
    public Tensor apply(Tensor tensor, RandomGenerator rng) {
        return Functional.normalize(tensor, mean, std, inplace);
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", inplace=" + inplace + ")";
    }
}
