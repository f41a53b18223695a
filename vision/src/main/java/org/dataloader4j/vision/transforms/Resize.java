package org.dataloader4j.vision.transforms;

import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code Resize}: with one number the shorter side becomes that size and the longer one keeps the
 * aspect ratio (truncated); with (height, width) the image gets exactly that size. Resampling is PIL's, antialiased
 * when shrinking; the default is bilinear.
 */
public final class Resize implements SampleTransform<Image, Image> {
    private final int size;
    private final int height;
    private final int width;
    private final int maxSize;
    private final InterpolationMode mode;

    /** Shorter side to {@code size}, bilinear. */
    public Resize(int size) {
        this(size, InterpolationMode.BILINEAR);
    }

    /** Shorter side to {@code size}. */
    public Resize(int size, InterpolationMode mode) {
        this(size, mode, 0);
    }

    /**
     * Shorter side to {@code size}, unless the longer side would then exceed {@code maxSize}: then the longer side
     * becomes {@code maxSize} and the shorter one keeps the aspect ratio (truncated), torchvision's
     * {@code Resize(size, interpolation, max_size)}. {@code maxSize} 0 means no limit.
     *
     * @throws IllegalArgumentException if {@code size} is not positive, or {@code maxSize} is negative, or positive
     *                                  but not larger than {@code size}
     */
    public Resize(int size, InterpolationMode mode, int maxSize) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, but got size=" + size);
        }
        if (maxSize < 0 || (maxSize > 0 && maxSize <= size)) {
            throw new IllegalArgumentException("maxSize should be 0 (no limit) or larger than size, but got size="
                    + size + ", maxSize=" + maxSize);
        }
        this.size = size;
        this.height = -1;
        this.width = -1;
        this.maxSize = maxSize;
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** Exactly {@code height × width}. */
    public Resize(int height, int width, InterpolationMode mode) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("size must be positive, but got height=" + height + ", width=" + width);
        }
        this.size = -1;
        this.height = height;
        this.width = width;
        this.maxSize = 0;
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return size > 0 ? Functional.resize(image, size, mode, maxSize) : Functional.resize(image, height, width, mode);
    }

    @Override
    public String toString() {
        return "Resize(" + (size > 0 ? "size=" + size : "size=(" + height + ", " + width + ")") + ", " + mode
                + (maxSize > 0 ? ", maxSize=" + maxSize : "") + ")";
    }
}
