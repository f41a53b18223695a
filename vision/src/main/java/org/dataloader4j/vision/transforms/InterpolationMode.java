package org.dataloader4j.vision.transforms;

/**
 * Resampling filters, with PIL's definitions: {@code BILINEAR} is the triangle filter, {@code BICUBIC} the
 * cubic convolution with a = -0.5, both widened by the downscale factor when shrinking (antialiasing), as
 * PIL's {@code Image.resize} and torchvision's PIL path do. {@code NEAREST} picks the source pixel under each
 * output pixel's centre.
 *
 * <pre>{@code
 * SampleTransform<Image, Image> smooth = new Resize(256, InterpolationMode.BICUBIC);
 * SampleTransform<Image, Image> labels = new Resize(64, 64, InterpolationMode.NEAREST);   // masks: no new values
 * }</pre>
 */
public enum InterpolationMode {
    /**
     * The nearest pixel, no filter.
     */
    NEAREST(0),
    /**
     * PIL's box filter, support 0.5.
     */
    BOX(0.5),
    /**
     * PIL's bilinear filter, support 1.
     */
    BILINEAR(1),
    /**
     * PIL's Hamming filter, support 1.
     */
    HAMMING(1),
    /**
     * PIL's bicubic filter, support 2.
     */
    BICUBIC(2),
    /**
     * PIL's Lanczos filter, support 3.
     */
    LANCZOS(3);

    final double support;

    InterpolationMode(double support) {
        this.support = support;
    }

    /** The filter's weight at distance {@code x} (in source pixels, before scaling). */
    double weight(double x) {
        switch (this) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1 : 0;
            case BILINEAR: {
                double a = Math.abs(x);
                return a < 1 ? 1 - a : 0;
            }
            case HAMMING: {
                double a = Math.abs(x);
                if (a == 0) {
                    return 1;
                }
                if (a >= 1) {
                    return 0;
                }
                a *= Math.PI;
                return Math.sin(a) / a * (0.54 + 0.46 * Math.cos(a));
            }
            case BICUBIC: {
                double a = -0.5;
                double t = Math.abs(x);
                if (t < 1) {
                    return ((a + 2) * t - (a + 3)) * t * t + 1;
                }
                if (t < 2) {
                    return (((t - 5) * t + 8) * t - 4) * a;
                }
                return 0;
            }
            case LANCZOS:
                return x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
            default:
                throw new IllegalStateException(this + " has no filter weights");
        }
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        x *= Math.PI;
        return Math.sin(x) / x;
    }
}
