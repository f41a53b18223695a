package org.dataloader4j.vision.transforms;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code Pad}: padding of one value (all sides), two (left/right, top/bottom) or four (left, top,
 * right, bottom); constant (with a fill per channel or one for all), edge, reflect or symmetric. Paddings may be
 * wider than the image and images may have a side of one pixel, with torchvision's results (see
 * {@link Functional#pad}); negative paddings crop.
 *
 * <pre>{@code
 * SampleTransform<Image, Image> black = new Pad(4);                                   // 4 px of 0 on every side
 * SampleTransform<Image, Image> mirror = Pad.builder(2, 6).mode(Pad.Mode.REFLECT).build();   // l/r 2, t/b 6
 * }</pre>
 */
public final class Pad implements SampleTransform<Image, Image> {
    /** The padding modes; see {@link Functional.PaddingMode}. */
    public enum Mode {
        /** The fill value. */
        CONSTANT,
        /** The nearest pixel of the edge, repeated. */
        EDGE,
        /** Mirrored about the edge pixel, which is not repeated. */
        REFLECT,
        /** Mirrored about the edge, which is repeated. */
        SYMMETRIC
    }

    private final int left;
    private final int top;
    private final int right;
    private final int bottom;
    private final Mode mode;
    private final int[] fill;

    /**
     * Constant zero padding of {@code padding} on every side, torchvision's {@code Pad(padding)}.
     *
     * @param padding the amount on every side, in pixels
     */
    public Pad(int padding) {
        this(builder(padding));
    }

    private Pad(Builder b) {
        left = b.ltrb[0];
        top = b.ltrb[1];
        right = b.ltrb[2];
        bottom = b.ltrb[3];
        mode = b.mode;
        fill = b.fill;
    }

    /**
     * {@return a builder of padding by {@code padding}: one value for every side, two for left/right and
     * top/bottom, or four for left, top, right and bottom; constant zero fill until the builder says otherwise}
     *
     * @param padding 1, 2 or 4 amounts in pixels
     * @throws IllegalArgumentException if {@code padding} does not have 1, 2 or 4 values
     */
    public static Builder builder(int... padding) {
        return new Builder(sides(padding));
    }

    /**
     * The options of a {@link Pad}, torchvision's keyword arguments: the {@link #mode} (constant by default) and
     * the constant {@link #fill} (0 by default).
     *
     * <pre>{@code
     * Pad mirror = Pad.builder(2, 6).mode(Pad.Mode.REFLECT).build();   // left/right 2, top/bottom 6
     * Pad grey = Pad.builder(8).fill(128, 128, 128).build();
     * }</pre>
     */
    public static final class Builder {
        private final int[] ltrb;
        private Mode mode = Mode.CONSTANT;
        private int[] fill = {0};

        private Builder(int[] ltrb) {
            this.ltrb = ltrb;
        }

        /**
         * How the new pixels are filled; {@link Mode#CONSTANT} by default.
         *
         * @param mode the padding mode
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The constant fill (constant mode only): one value, or one per channel; 0 by default.
         *
         * @param fill the fill values, 0..255
         * @return this builder
         * @throws IllegalArgumentException if a value is outside 0..255
         */
        public Builder fill(int... fill) {
            this.fill = checkFill(fill).clone();
            return this;
        }

        /**
         * {@return the padding with these options}
         */
        public Pad build() {
            return new Pad(this);
        }
    }

    /** Throws unless every value of {@code fill} is 0..255; returns {@code fill}. */
    static int[] checkFill(int[] fill) {
        Objects.requireNonNull(fill, "fill");
        for (int f : fill) {
            if (f < 0 || f > 255) {
                throw new IllegalArgumentException("fill values are 0..255, but got " + Arrays.toString(fill));
            }
        }
        return fill;
    }

    /** torchvision's padding of 1 (all sides), 2 (left/right, top/bottom) or 4 values as {left, top, right, bottom}. */
    static int[] sides(int[] padding) {
        return switch (padding.length) {
            case 1 -> new int[] {padding[0], padding[0], padding[0], padding[0]};
            case 2 -> new int[] {padding[0], padding[1], padding[0], padding[1]};
            case 4 -> padding.clone();
            default -> throw new IllegalArgumentException("padding must have 1, 2 or 4 values, but got "
                    + Arrays.toString(padding));
        };
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return Functional.pad(image, left, top, right, bottom, Functional.PaddingMode.valueOf(mode.name()), fill);
    }

    @Override
    public String toString() {
        return "Pad(padding=[" + left + ", " + top + ", " + right + ", " + bottom + "], mode=" + mode + ", fill="
                + Arrays.toString(fill) + ")";
    }
}
