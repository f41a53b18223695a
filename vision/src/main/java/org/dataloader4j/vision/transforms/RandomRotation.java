package org.dataloader4j.vision.transforms;

import java.util.Arrays;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code RandomRotation}: rotates counter-clockwise by an angle drawn uniformly from
 * {@code [minDegrees, maxDegrees]} (one draw from the sample's generator, none when the range is a single angle),
 * with PIL's {@code rotate} (see {@link Functional#rotate}). {@link #apply(Image, double)} rotates by a given
 * angle; {@link #builder} sets the interpolation, expansion, centre and fill.
 *
 * <pre>{@code
 * RandomRotation rot = new RandomRotation(15);   // uniform in [-15, 15] degrees, nearest, same size, zero fill
 * }</pre>
 */
public final class RandomRotation implements SampleTransform<Image, Image> {
    private final double minDegrees;
    private final double maxDegrees;
    private final InterpolationMode mode;
    private final boolean expand;
    private final double[] center;
    private final int[] fill;

    /**
     * Angles in {@code [-degrees, degrees]}, nearest neighbour, same size, about the centre, zero fill,
     * torchvision's {@code RandomRotation(degrees)}.
     *
     * @param degrees the largest angle either way
     * @throws IllegalArgumentException if {@code degrees} is negative or not finite
     */
    public RandomRotation(double degrees) {
        this(builder(degrees));
    }

    private RandomRotation(Builder b) {
        this.minDegrees = b.minDegrees;
        this.maxDegrees = b.maxDegrees;
        this.mode = b.mode;
        this.expand = b.expand;
        this.center = b.center;
        this.fill = b.fill;
    }

    /**
     * {@return a builder of rotations by angles in {@code [-degrees, degrees]}}
     *
     * @param degrees the largest angle either way
     * @throws IllegalArgumentException if {@code degrees} is negative or not finite
     */
    public static Builder builder(double degrees) {
        if (!(degrees >= 0) || Double.isInfinite(degrees)) {
            throw new IllegalArgumentException("if degrees is a single number, it must be non negative, but got "
                    + "degrees=" + degrees);
        }
        return builder(-degrees, degrees);
    }

    /**
     * {@return a builder of rotations by angles drawn uniformly from {@code [minDegrees, maxDegrees]},
     * torchvision's {@code degrees=(min, max)}}
     *
     * @param minDegrees the smallest angle, counter-clockwise
     * @param maxDegrees the largest angle, counter-clockwise
     * @throws IllegalArgumentException for an empty or non-finite range
     */
    public static Builder builder(double minDegrees, double maxDegrees) {
        return new Builder(minDegrees, maxDegrees);
    }

    /**
     * The options of a {@link RandomRotation}, torchvision's keyword arguments: {@link #interpolation} (nearest by
     * default), {@link #expand} (off), {@link #center} (the image centre) and {@link #fill} (0).
     *
     * <pre>{@code
     * RandomRotation smooth = RandomRotation.builder(15).interpolation(InterpolationMode.BILINEAR).expand(true).build();
     * RandomRotation fixed = RandomRotation.builder(90, 90).center(0, 0).fill(255).build();
     * }</pre>
     */
    public static final class Builder {
        private final double minDegrees;
        private final double maxDegrees;
        private InterpolationMode mode = InterpolationMode.NEAREST;
        private boolean expand;
        private double[] center;
        private int[] fill = {0};

        private Builder(double minDegrees, double maxDegrees) {
            if (!(minDegrees <= maxDegrees) || Double.isInfinite(minDegrees) || Double.isInfinite(maxDegrees)) {
                throw new IllegalArgumentException("degrees should be a finite range (min <= max), but got ("
                        + minDegrees + ", " + maxDegrees + ")");
            }
            this.minDegrees = minDegrees;
            this.maxDegrees = maxDegrees;
        }

        /**
         * The interpolation; {@link InterpolationMode#NEAREST} by default.
         *
         * @param mode NEAREST or BILINEAR
         * @return this builder
         * @throws IllegalArgumentException for another interpolation
         */
        public Builder interpolation(InterpolationMode mode) {
            if (mode != InterpolationMode.NEAREST && mode != InterpolationMode.BILINEAR) {
                throw new IllegalArgumentException("rotation supports NEAREST and BILINEAR interpolation, but got "
                        + mode);
            }
            this.mode = mode;
            return this;
        }

        /**
         * Whether the output grows to hold the whole rotated image; off by default (same size as the input).
         *
         * @param expand whether the output grows
         * @return this builder
         */
        public Builder expand(boolean expand) {
            this.expand = expand;
            return this;
        }

        /**
         * Rotates about {@code (x, y)} in pixels instead of the image centre.
         *
         * @param x the centre's column
         * @param y the centre's row
         * @return this builder
         */
        public Builder center(double x, double y) {
            this.center = new double[] {x, y};
            return this;
        }

        /**
         * The value of pixels outside the rotated image: one value, or one per channel; 0 by default.
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
         * {@return the rotation with these options}
         */
        public RandomRotation build() {
            return new RandomRotation(this);
        }
    }

    /**
     * Draws an angle from {@code rng}.
     *
     * @param rng the sample's random generator
     * @return the angle in degrees
     */
    public double angle(RandomGenerator rng) {
        return minDegrees == maxDegrees ? minDegrees : minDegrees + (maxDegrees - minDegrees) * rng.nextDouble();
    }

    /**
     * Rotates by {@code degrees} with this transform's interpolation, expand, center and fill.
     *
     * @param image the image
     * @param degrees the angle, counter-clockwise
     * @return a new image
     */
    public Image apply(Image image, double degrees) {
        return Functional.rotate(image, degrees, mode, expand, center, fill);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return apply(image, angle(rng));
    }

    @Override
    public String toString() {
        return "RandomRotation(degrees=(" + minDegrees + ", " + maxDegrees + "), " + mode + ", expand=" + expand
                + ", center=" + (center == null ? "None" : Arrays.toString(center)) + ", fill=" + Arrays.toString(fill)
                + ")";
    }
}
