package org.dataloader4j.vision.transforms;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code RandomCrop}: optional padding on all sides first, then (with {@code padIfNeeded}) padding of
 * both left and right by the missing width, and of both top and bottom by the missing height, then a
 * {@code height × width} crop at a uniformly drawn position. Padding uses {@code paddingMode} with {@code fill}
 * (constant mode only); {@link #builder} sets these options. {@link #pad}, {@link #params} and
 * {@link #apply(Image, Params)} separate the steps.
 *
 * <pre>{@code
 * RandomCrop crop = RandomCrop.builder(32).padding(4).build();   // CIFAR-style: pad 4 with zeros, crop 32x32
 * }</pre>
 */
public final class RandomCrop implements SampleTransform<Image, Image> {

    /**
     * Where the crop starts in the padded image.
     *
     * @param top the crop's top row
     * @param left the crop's left column
     */
    public record Params(int top, int left) {
    }

    private final int height;
    private final int width;
    private final int[] padding;    // {left, top, right, bottom}, or null
    private final boolean padIfNeeded;
    private final int[] fill;
    private final Pad.Mode paddingMode;

    /**
     * A square crop without padding, torchvision's {@code RandomCrop(size)}.
     *
     * @param size the crop's side
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public RandomCrop(int size) {
        this(builder(size));
    }

    private RandomCrop(Builder b) {
        this.height = b.height;
        this.width = b.width;
        this.padding = b.padding;
        this.padIfNeeded = b.padIfNeeded;
        this.fill = b.fill;
        this.paddingMode = b.paddingMode;
    }

    /**
     * {@return a builder of a square crop of {@code size}, without padding until the builder asks for it}
     *
     * @param size the crop's side
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public static Builder builder(int size) {
        return builder(size, size);
    }

    /**
     * {@return a builder of a {@code height × width} crop, without padding until the builder asks for it}
     *
     * @param height the crop's height
     * @param width the crop's width
     * @throws IllegalArgumentException if {@code height} or {@code width} is not positive
     */
    public static Builder builder(int height, int width) {
        return new Builder(height, width);
    }

    /**
     * The options of a {@link RandomCrop}, torchvision's keyword arguments: fixed {@link #padding}, {@link
     * #padIfNeeded}, {@link #fill} and {@link #paddingMode}; by default no padding, zero fill, constant mode.
     *
     * <pre>{@code
     * RandomCrop cifar = RandomCrop.builder(32).padding(4).build();
     * RandomCrop grown = RandomCrop.builder(224).padIfNeeded(true).fill(124, 116, 104).build();
     * }</pre>
     */
    public static final class Builder {
        private final int height;
        private final int width;
        private int[] padding;
        private boolean padIfNeeded;
        private int[] fill = {0};
        private Pad.Mode paddingMode = Pad.Mode.CONSTANT;

        private Builder(int height, int width) {
            this.height = Preconditions.checkPositive("height", height);
            this.width = Preconditions.checkPositive("width", width);
        }

        /**
         * Pads every image before the crop: one value for every side, two for left/right and top/bottom, or four
         * for left, top, right and bottom, as for {@link Pad}.
         *
         * @param padding 1, 2 or 4 amounts in pixels
         * @return this builder
         * @throws IllegalArgumentException if {@code padding} does not have 1, 2 or 4 values
         */
        public Builder padding(int... padding) {
            this.padding = Pad.sides(padding);
            return this;
        }

        /**
         * Whether an image smaller than the crop (after the fixed padding) is padded on both sides by the missing
         * width and height; off by default.
         *
         * @param padIfNeeded whether to pad an image smaller than the crop
         * @return this builder
         */
        public Builder padIfNeeded(boolean padIfNeeded) {
            this.padIfNeeded = padIfNeeded;
            return this;
        }

        /**
         * The constant fill of padded pixels (constant mode only): one value, or one per channel; 0 by default.
         *
         * @param fill the fill values, 0..255
         * @return this builder
         * @throws IllegalArgumentException if a value is outside 0..255
         */
        public Builder fill(int... fill) {
            this.fill = Pad.checkFill(fill).clone();
            return this;
        }

        /**
         * How padded pixels are filled; {@link Pad.Mode#CONSTANT} by default.
         *
         * @param paddingMode the padding mode
         * @return this builder
         */
        public Builder paddingMode(Pad.Mode paddingMode) {
            this.paddingMode = Objects.requireNonNull(paddingMode, "paddingMode");
            return this;
        }

        /**
         * {@return the crop with these options}
         */
        public RandomCrop build() {
            return new RandomCrop(this);
        }
    }

    private Image pad(Image img, int left, int top, int right, int bottom) {
        return Functional.pad(img, left, top, right, bottom, Functional.PaddingMode.valueOf(paddingMode.name()), fill);
    }

    /**
     * {@return the image after the fixed padding and {@code padIfNeeded}: {@code image} itself when nothing is padded}
     *
     * @param image the image
     */
    public Image pad(Image image) {
        Image current = image;
        if (padding != null && (padding[0] != 0 || padding[1] != 0 || padding[2] != 0 || padding[3] != 0)) {
            current = pad(current, padding[0], padding[1], padding[2], padding[3]);
        }
        int h = current.height();
        if (padIfNeeded && current.width() < width) {
            int d = width - current.width();
            Image next = pad(current, d, 0, d, 0);
            if (current != image) {
                current.close();
            }
            current = next;
        }
        if (padIfNeeded && h < height) {
            int d = height - h;
            Image next = pad(current, 0, d, 0, d);
            if (current != image) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    /**
     * torchvision's {@code get_params} for a padded image of {@code paddedWidth × paddedHeight}: (0, 0) when the
     * sizes are equal (nothing is drawn), otherwise the row then the column, each uniform.
     *
     * @param paddedWidth the padded image's width
     * @param paddedHeight the padded image's height
     * @param rng the sample's random generator
     * @return where to crop
     * @throws IllegalArgumentException if the crop is larger than the padded image
     */
    public Params params(int paddedWidth, int paddedHeight, RandomGenerator rng) {
        if (paddedHeight < height || paddedWidth < width) {
            throw new IllegalArgumentException("required crop size (" + height + ", " + width
                    + ") is larger than the (padded) input image size (" + paddedHeight + ", " + paddedWidth + ")");
        }
        if (paddedWidth == width && paddedHeight == height) {
            return new Params(0, 0);
        }
        int top = rng.nextInt(paddedHeight - height + 1);
        int left = rng.nextInt(paddedWidth - width + 1);
        return new Params(top, left);
    }

    /**
     * Pads as {@link #pad(Image)} and crops at {@code p}.
     *
     * @param image the image
     * @param p where to crop
     * @return the crop
     */
    public Image apply(Image image, Params p) {
        Objects.requireNonNull(p, "p");
        return padAndCrop(image, null, p);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return padAndCrop(image, rng, null);
    }

    /** Pads, takes {@code p} or draws it from {@code rng}, crops; closes the padded intermediate. */
    private Image padAndCrop(Image image, RandomGenerator rng, Params p) {
        Image padded = pad(image);
        try {
            Params at = p != null ? p : params(padded.width(), padded.height(), rng);
            if (at.top() < 0 || at.left() < 0 || at.top() + height > padded.height()
                    || at.left() + width > padded.width()) {
                throw new IllegalArgumentException("a " + height + "x" + width + " crop at " + at
                        + " does not fit the padded " + padded.width() + "x" + padded.height() + " image");
            }
            Image out = Functional.crop(padded, at.top(), at.left(), height, width);
            if (out == padded) {
                padded = image;   // handed on: not closed below
            }
            return out;
        } finally {
            if (padded != image) {
                padded.close();
            }
        }
    }

    @Override
    public String toString() {
        return "RandomCrop(size=(" + height + ", " + width + "), padding="
                + (padding == null ? "None" : Arrays.toString(padding)) + ", padIfNeeded=" + padIfNeeded + ", fill="
                + Arrays.toString(fill) + ", paddingMode=" + paddingMode + ")";
    }
}
