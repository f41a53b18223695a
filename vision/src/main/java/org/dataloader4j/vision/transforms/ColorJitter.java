package org.dataloader4j.vision.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.Shuffle;
import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code ColorJitter}: brightness, contrast, saturation and hue adjusted by factors drawn uniformly
 * from their ranges, the four operations applied in a random order. Everything is drawn from the sample's
 * generator: first the order (a random permutation of the four), then the factor of each enabled operation in the
 * order brightness, contrast, saturation, hue. {@link #params} and {@link #apply(Image, Params)} separate drawing
 * from applying; with the same parameters the output matches torchvision on PIL images.
 *
 * <p>As in torchvision, one number {@code v} for brightness, contrast or saturation means the range
 * {@code [max(0, 1 - v), 1 + v]}, and for hue {@code [-v, v]} with {@code v ≤ 0.5}; an operation whose range is
 * just its neutral value (1, or 0 for hue) is disabled. {@link #builder} sets the operations one by one, as single
 * numbers or as {@code (min, max)} ranges.
 *
 * <pre>{@code
 * ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.4, 0.1);
 * Image out = jitter.apply(image, rng);
 * Image same = jitter.apply(image, new ColorJitter.Params(
 *         List.of(ColorJitter.Op.HUE, ColorJitter.Op.BRIGHTNESS, ColorJitter.Op.CONTRAST, ColorJitter.Op.SATURATION),
 *         1.2, 0.7, 1.4, -0.1));
 * }</pre>
 */
public final class ColorJitter implements SampleTransform<Image, Image> {

    /** The four adjustments, numbered as torchvision numbers them (0..3). */
    public enum Op {
        /** Brightness, operation 0. */
        BRIGHTNESS,
        /** Contrast, operation 1. */
        CONTRAST,
        /** Saturation, operation 2. */
        SATURATION,
        /** Hue, operation 3. */
        HUE
    }

    /**
     * The drawn parameters: the order in which the operations run, and the factor of each (null when that operation
     * is disabled, like torchvision's {@code None}).
     *
     * @param order the order in which the operations run
     * @param brightness the brightness factor, or null
     * @param contrast the contrast factor, or null
     * @param saturation the saturation factor, or null
     * @param hue the hue shift, or null
     */
    public record Params(List<Op> order, Double brightness, Double contrast, Double saturation, Double hue) {
        /**
         * Checks and copies the order.
         *
         * @throws IllegalArgumentException if {@code order} is not a permutation of the four operations
         */
        public Params {
            order = List.copyOf(order);
            if (order.size() != 4 || order.stream().distinct().count() != 4) {
                throw new IllegalArgumentException("order must name each of the 4 operations once, but got " + order);
            }
        }
    }

    private final double[] brightness;   // null when disabled
    private final double[] contrast;
    private final double[] saturation;
    private final double[] hue;

    /**
     * Jitter amounts as torchvision's single numbers (0 disables an operation).
     *
     * @param brightness the factor is drawn from {@code [max(0, 1 - brightness), 1 + brightness]}
     * @param contrast the factor is drawn from {@code [max(0, 1 - contrast), 1 + contrast]}
     * @param saturation the factor is drawn from {@code [max(0, 1 - saturation), 1 + saturation]}
     * @param hue the shift is drawn from {@code [-hue, hue]}, at most 0.5
     * @throws IllegalArgumentException if an amount is negative, or {@code hue} is above 0.5
     */
    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        this(around("brightness", brightness, 1, true), around("contrast", contrast, 1, true),
                around("saturation", saturation, 1, true), around("hue", hue, 0, false));
    }

    private ColorJitter(double[] brightness, double[] contrast, double[] saturation, double[] hue) {
        this.brightness = range("brightness", brightness, 1, 0, Double.POSITIVE_INFINITY);
        this.contrast = range("contrast", contrast, 1, 0, Double.POSITIVE_INFINITY);
        this.saturation = range("saturation", saturation, 1, 0, Double.POSITIVE_INFINITY);
        this.hue = range("hue", hue, 0, -0.5, 0.5);
    }

    /**
     * {@return a builder of a jitter that changes nothing until its setters enable operations}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The ranges of a {@link ColorJitter}, one operation at a time, as torchvision's single numbers or
     * {@code (min, max)} tuples; an operation left unset is disabled.
     *
     * <pre>{@code
     * ColorJitter light = ColorJitter.builder().brightness(0.2).hue(0.05).build();
     * ColorJitter fixed = ColorJitter.builder().brightness(1.3, 1.3).contrast(0.8, 0.8).build();   // no draws
     * }</pre>
     */
    public static final class Builder {
        private double[] brightness;
        private double[] contrast;
        private double[] saturation;
        private double[] hue;

        private Builder() {
        }

        /**
         * The brightness factor is drawn from {@code [max(0, 1 - amount), 1 + amount]}.
         *
         * @param amount the jitter amount, at least 0 (0 disables the operation)
         * @return this builder
         * @throws IllegalArgumentException if {@code amount} is negative or not finite
         */
        public Builder brightness(double amount) {
            brightness = around("brightness", amount, 1, true);
            return this;
        }

        /**
         * The brightness factor is drawn from {@code [min, max]}.
         *
         * @param min the smallest factor, at least 0
         * @param max the largest factor, at least {@code min}
         * @return this builder
         */
        public Builder brightness(double min, double max) {
            brightness = new double[] {min, max};
            return this;
        }

        /**
         * The contrast factor is drawn from {@code [max(0, 1 - amount), 1 + amount]}.
         *
         * @param amount the jitter amount, at least 0 (0 disables the operation)
         * @return this builder
         * @throws IllegalArgumentException if {@code amount} is negative or not finite
         */
        public Builder contrast(double amount) {
            contrast = around("contrast", amount, 1, true);
            return this;
        }

        /**
         * The contrast factor is drawn from {@code [min, max]}.
         *
         * @param min the smallest factor, at least 0
         * @param max the largest factor, at least {@code min}
         * @return this builder
         */
        public Builder contrast(double min, double max) {
            contrast = new double[] {min, max};
            return this;
        }

        /**
         * The saturation factor is drawn from {@code [max(0, 1 - amount), 1 + amount]}.
         *
         * @param amount the jitter amount, at least 0 (0 disables the operation)
         * @return this builder
         * @throws IllegalArgumentException if {@code amount} is negative or not finite
         */
        public Builder saturation(double amount) {
            saturation = around("saturation", amount, 1, true);
            return this;
        }

        /**
         * The saturation factor is drawn from {@code [min, max]}.
         *
         * @param min the smallest factor, at least 0
         * @param max the largest factor, at least {@code min}
         * @return this builder
         */
        public Builder saturation(double min, double max) {
            saturation = new double[] {min, max};
            return this;
        }

        /**
         * The hue shift is drawn from {@code [-amount, amount]}.
         *
         * @param amount the jitter amount, 0 to 0.5 (0 disables the operation)
         * @return this builder
         * @throws IllegalArgumentException if {@code amount} is negative or not finite (above 0.5 is refused by
         *                                  {@link #build})
         */
        public Builder hue(double amount) {
            hue = around("hue", amount, 0, false);
            return this;
        }

        /**
         * The hue shift is drawn from {@code [min, max]}.
         *
         * @param min the smallest shift, at least -0.5
         * @param max the largest shift, at most 0.5 and at least {@code min}
         * @return this builder
         */
        public Builder hue(double min, double max) {
            hue = new double[] {min, max};
            return this;
        }

        /**
         * {@return the jitter with these ranges}
         *
         * @throws IllegalArgumentException if a range is not {@code min ≤ max} inside its operation's bounds
         *                                  ([0, ∞) for the first three, [-0.5, 0.5] for hue)
         */
        public ColorJitter build() {
            return new ColorJitter(brightness, contrast, saturation, hue);
        }
    }

    private static double[] around(String name, double value, double center, boolean clipAtZero) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("if " + name + " is a single number, it must be non negative, but got "
                    + name + "=" + value);
        }
        double lo = center - value;
        return new double[] {clipAtZero ? Math.max(lo, 0) : lo, center + value};
    }

    private static double[] range(String name, double[] r, double neutral, double lo, double hi) {
        if (r == null) {
            return null;
        }
        if (r.length != 2 || !(lo <= r[0] && r[0] <= r[1] && r[1] <= hi)) {
            throw new IllegalArgumentException(name + " values should be {min, max} between " + lo + " and " + hi
                    + ", but got " + java.util.Arrays.toString(r));
        }
        return r[0] == neutral && r[1] == neutral ? null : r.clone();
    }

    private static Double draw(double[] r, RandomGenerator rng) {
        if (r == null) {
            return null;
        }
        return r[0] == r[1] ? r[0] : r[0] + (r[1] - r[0]) * rng.nextDouble();
    }

    /**
     * Draws an order and the factors from {@code rng}.
     *
     * @param rng the sample's random generator
     * @return the drawn parameters
     */
    public Params params(RandomGenerator rng) {
        int[] perm = Shuffle.permutation(4, rng);
        List<Op> order = new ArrayList<>(4);
        for (int i : perm) {
            order.add(Op.values()[i]);
        }
        Double b = draw(brightness, rng);
        Double c = draw(contrast, rng);
        Double s = draw(saturation, rng);
        Double h = draw(hue, rng);
        return new Params(order, b, c, s, h);
    }

    /**
     * Applies the operations of {@code p} in its order (disabled ones are skipped); returns a new image.
     *
     * @param image the image to adjust
     * @param p the drawn parameters
     * @return the adjusted image
     */
    public Image apply(Image image, Params p) {
        Objects.requireNonNull(p, "p");
        Image current = image;
        for (Op op : p.order()) {
            Double f = switch (op) {
                case BRIGHTNESS -> p.brightness();
                case CONTRAST -> p.contrast();
                case SATURATION -> p.saturation();
                case HUE -> p.hue();
            };
            if (f == null) {
                continue;
            }
            Image next = switch (op) {
                case BRIGHTNESS -> Functional.adjustBrightness(current, f);
                case CONTRAST -> Functional.adjustContrast(current, f);
                case SATURATION -> Functional.adjustSaturation(current, f);
                case HUE -> Functional.adjustHue(current, f);
            };
            if (current != image) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return apply(image, params(rng));
    }

    private static String str(double[] r) {
        return r == null ? "None" : "(" + r[0] + ", " + r[1] + ")";
    }

    @Override
    public String toString() {
        return "ColorJitter(brightness=" + str(brightness) + ", contrast=" + str(contrast) + ", saturation="
                + str(saturation) + ", hue=" + str(hue) + ")";
    }
}
