package org.dataloader4j.vision.transforms;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code RandomRotation}: rotates counter-clockwise by an angle drawn uniformly from
 * {@code [minDegrees, maxDegrees]} (one draw from the sample's generator, none when the range is a single angle),
 * with PIL's {@code rotate} (see {@link Functional#rotate}). {@link #apply(Image, double)} rotates by a given
 * angle.
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
     * Angles in {@code [-degrees, degrees]}, nearest neighbour, same size, about the centre, zero fill.
     *
     * @param degrees the largest angle either way
     */
    public RandomRotation(double degrees) {
        this(-nonNegative(degrees), degrees, InterpolationMode.NEAREST, false, null, new int[] {0});
    }

    private static double nonNegative(double degrees) {
        if (!(degrees >= 0)) {
            throw new IllegalArgumentException("if degrees is a single number, it must be non negative, but got "
                    + "degrees=" + degrees);
        }
        return degrees;
    }

    /**
     * Angles drawn uniformly from {@code [minDegrees, maxDegrees]}.
     *
     * @param center {x, y} in pixels, or null for the image centre
     * @param fill   one value or one per channel for pixels outside the rotated image
     * @param minDegrees the smallest angle, counter-clockwise
     * @param maxDegrees the largest angle, counter-clockwise
     * @param mode the interpolation, NEAREST or BILINEAR
     * @param expand whether the output grows to hold the whole rotated image
     * @throws IllegalArgumentException for an empty or non-finite range, an interpolation other than NEAREST or
     *                                  BILINEAR, a center that is not {x, y}, or fill values outside 0..255
     */
    public RandomRotation(double minDegrees, double maxDegrees, InterpolationMode mode, boolean expand,
                          double[] center, int[] fill) {
        if (!(minDegrees <= maxDegrees) || Double.isInfinite(minDegrees) || Double.isInfinite(maxDegrees)) {
            throw new IllegalArgumentException("degrees should be a finite range (min <= max), but got ("
                    + minDegrees + ", " + maxDegrees + ")");
        }
        if (mode != InterpolationMode.NEAREST && mode != InterpolationMode.BILINEAR) {
            throw new IllegalArgumentException("rotation supports NEAREST and BILINEAR interpolation, but got " + mode);
        }
        if (center != null && center.length != 2) {
            throw new IllegalArgumentException("center should be {x, y}, but got " + Arrays.toString(center));
        }
        Pad.checkFill(Objects.requireNonNull(fill, "fill"));
        this.minDegrees = minDegrees;
        this.maxDegrees = maxDegrees;
        this.mode = mode;
        this.expand = expand;
        this.center = center == null ? null : center.clone();
        this.fill = fill.clone();
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
