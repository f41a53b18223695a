package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.DecodingTransform;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;
import org.dataloader4j.vision.ScaledRegion;
import org.dataloader4j.vision.ScaledRequest;

/**
 * torchvision's {@code RandomResizedCrop}: a region of random area (a fraction in {@code scale} of the image) and
 * random aspect ratio (log-uniform in {@code ratio}) at a random place, resized to {@code height × width}. Up to 10
 * draws look for a region that fits; otherwise the central crop with the aspect ratio clamped to {@code ratio} is
 * used. Every number is drawn from the sample's generator. {@link #params} and {@link #apply(Image, Params)}
 * separate drawing from applying, for tests and fused decoders; {@link #decoding} fuses it with decoding;
 * {@link #builder} sets the scale, ratio and interpolation.
 *
 * <pre>{@code
 * RandomResizedCrop rrc = new RandomResizedCrop(224);
 * Image out = rrc.apply(img, CounterRandom.of(seed, epoch, index, 0));   // 224x224, drawn from that generator
 * RandomResizedCrop.Params p = rrc.params(img.width(), img.height(), rng);  // or draw first, then apply
 * Image same = rrc.apply(img, p);
 * }</pre>
 */
public final class RandomResizedCrop implements RegionTransform, DecodingTransform<Image> {

    /**
     * A crop region: top row, left column, height and width in pixels.
     *
     * @param top the crop's top row
     * @param left the crop's left column
     * @param height the crop's height
     * @param width the crop's width
     */
    public record Params(int top, int left, int height, int width) {
    }

    private final int height;
    private final int width;
    private final double scaleMin;
    private final double scaleMax;
    private final double ratioMin;
    private final double ratioMax;
    private final InterpolationMode mode;

    /**
     * A square output, scale (0.08, 1), ratio (3/4, 4/3), bilinear: torchvision's {@code RandomResizedCrop(size)}.
     *
     * @param size the output's side
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public RandomResizedCrop(int size) {
        this(builder(size));
    }

    private RandomResizedCrop(Builder b) {
        if (!(b.scaleMin <= b.scaleMax) || !(b.ratioMin <= b.ratioMax) || !(b.ratioMin > 0) || !(b.scaleMin >= 0)) {
            throw new IllegalArgumentException("scale and ratio should be ranges (min <= max, ratio > 0), but got scale=("
                    + b.scaleMin + ", " + b.scaleMax + "), ratio=(" + b.ratioMin + ", " + b.ratioMax + ")");
        }
        this.height = b.height;
        this.width = b.width;
        this.scaleMin = b.scaleMin;
        this.scaleMax = b.scaleMax;
        this.ratioMin = b.ratioMin;
        this.ratioMax = b.ratioMax;
        this.mode = b.mode;
    }

    /**
     * {@return a builder of a square output of {@code size}}
     *
     * @param size the output's side
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public static Builder builder(int size) {
        return builder(size, size);
    }

    /**
     * {@return a builder of a {@code height × width} output}
     *
     * @param height the output height
     * @param width the output width
     * @throws IllegalArgumentException if {@code height} or {@code width} is not positive
     */
    public static Builder builder(int height, int width) {
        return new Builder(height, width);
    }

    /**
     * The options of a {@link RandomResizedCrop}, torchvision's keyword arguments: the {@link #scale} range of the
     * crop's area fraction (0.08 to 1 by default), the {@link #ratio} range of its aspect ratio (3/4 to 4/3) and
     * the {@link #interpolation} of the resize (bilinear). The ranges are checked by {@link #build}.
     *
     * <pre>{@code
     * RandomResizedCrop rrc = RandomResizedCrop.builder(176).scale(0.35, 1).interpolation(InterpolationMode.BICUBIC)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final int height;
        private final int width;
        private double scaleMin = 0.08;
        private double scaleMax = 1.0;
        private double ratioMin = 3.0 / 4.0;
        private double ratioMax = 4.0 / 3.0;
        private InterpolationMode mode = InterpolationMode.BILINEAR;

        private Builder(int height, int width) {
            this.height = Preconditions.checkPositive("height", height);
            this.width = Preconditions.checkPositive("width", width);
        }

        /**
         * The range of the crop's area as a fraction of the image's; 0.08 to 1 by default.
         *
         * @param min the smallest fraction, at least 0
         * @param max the largest fraction, at least {@code min}
         * @return this builder
         */
        public Builder scale(double min, double max) {
            this.scaleMin = min;
            this.scaleMax = max;
            return this;
        }

        /**
         * The range of the crop's aspect ratio (width / height), drawn log-uniformly; 3/4 to 4/3 by default.
         *
         * @param min the smallest ratio, above 0
         * @param max the largest ratio, at least {@code min}
         * @return this builder
         */
        public Builder ratio(double min, double max) {
            this.ratioMin = min;
            this.ratioMax = max;
            return this;
        }

        /**
         * The interpolation of the resize; {@link InterpolationMode#BILINEAR} by default.
         *
         * @param mode the interpolation
         * @return this builder
         */
        public Builder interpolation(InterpolationMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * {@return the transform with these options}
         *
         * @throws IllegalArgumentException if the scale or ratio range is empty, the scale is negative or the ratio
         *                                  not positive
         */
        public RandomResizedCrop build() {
            return new RandomResizedCrop(this);
        }
    }

    /**
     * torchvision's {@code get_params} for an image of {@code imageWidth × imageHeight}, drawing from {@code rng}.
     *
     * @param imageWidth the image's width
     * @param imageHeight the image's height
     * @param rng the sample's random generator
     * @return the crop region
     */
    public Params params(int imageWidth, int imageHeight, RandomGenerator rng) {
        double area = (double) imageHeight * imageWidth;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= imageWidth && 0 < h && h <= imageHeight) {
                int top = rng.nextInt(imageHeight - h + 1);
                int left = rng.nextInt(imageWidth - w + 1);
                return new Params(top, left, h, w);
            }
        }
        double inRatio = (double) imageWidth / imageHeight;
        int w;
        int h;
        if (inRatio < ratioMin) {
            w = imageWidth;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = imageHeight;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = imageWidth;
            h = imageHeight;
        }
        return new Params((imageHeight - h) / 2, (imageWidth - w) / 2, h, w);
    }

    private static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    /**
     * Crops {@code p} out of {@code image} and resizes it to the output size.
     *
     * @param image the image
     * @param p the crop region
     * @return a new image of the output size
     */
    public Image apply(Image image, Params p) {
        return Functional.resizedCrop(image, p.top(), p.left(), p.height(), p.width(), height, width, mode);
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return apply(image, params(image.width(), image.height(), rng));
    }

    /** Draws the crop for a {@code width × height} image; the step resizes the crop's pixels to the output size. */
    @Override
    public RegionStep step(int width, int height, RandomGenerator rng) {
        Params p = params(width, height, rng);
        Region region = new Region(p.top(), p.left(), p.height(), p.width());
        if (mode != InterpolationMode.NEAREST && p.width() != this.width && p.height() != this.height) {
            // Pixels.resize's two passes over the whole crop, as tables the decoder can apply row by row
            return RegionSteps.resampling(region, ResizeCoefficients.of(p.width(), this.width, mode),
                    ResizeCoefficients.of(p.height(), this.height, mode), UnaryOperator.identity());
        }
        return RegionSteps.of(region, pixels -> Pixels.resize(pixels, this.width, this.height, mode, 0, 0,
                pixels.width(), pixels.height()));
    }

    /**
     * This transform fused with decoding: from an image file to the resized RGB crop, decoding only the crop where
     * {@code decoders} can (JPEG on the native path: rows below the crop are not decoded, columns outside it are not
     * colour-converted). The result is exactly that of decoding the whole image to RGB and applying this transform
     * with the same generator; only the work differs. For other files the whole image is decoded.
     *
     * <p>With {@link Decoders#withDctScaling(boolean) decoders.withDctScaling(true)} (opt-in) a JPEG on the native
     * path is decoded at the strongest DCT scale {@code n/8} that keeps the crop at least the output size in both
     * dimensions ({@link Decoders#dctScale}), and the antialiased resize does the rest, sampling exactly the crop's
     * (now fractional) box. The crop box and everything drawn from the generator are those of the exact path; the
     * pixels differ slightly wherever {@code n < 8} (libjpeg's scaled IDCT is another downscaling filter than
     * PIL's; the module README gives the measured difference) and are identical where {@code n = 8}. Without the
     * native path, or for files it does not handle, the exact path is used.
     *
     * <pre>{@code
     * DatasetFolder<Tensor> train = DatasetFolder.builder(root, path -> path)
     *         .extensions(ImageFolder.IMG_EXTENSIONS)
     *         .transform(Compose.of(new RandomResizedCrop(224).decoding(Decoders.standard()))
     *                 .then(new RandomHorizontalFlip()).then(new ToTensor()))
     *         .build();
     * // faster, not bit-exact with torchvision:
     * SampleTransform<Path, Image> fast = new RandomResizedCrop(224).decoding(Decoders.standard().withDctScaling(true));
     * }</pre>
     */
    @Override
    public SampleTransform<Path, Image> decoding(Decoders decoders) {
        return RegionSteps.decoding(decoders, this, (path, rng) -> {
            if (decoders.dctScaling()) {
                ScaledRegion decoded = decoders.decodeScaled(path, (w, h) -> {
                    Params p = params(w, h, rng);
                    return new ScaledRequest(new Region(p.top(), p.left(), p.height(), p.width()), width, height);
                });
                return Functional.resizeDecoded(decoded, height, width, mode);
            }
            return RegionDecoding.apply(decoders, this, path, rng);
        });
    }

    @Override
    public String toString() {
        return "RandomResizedCrop(size=(" + height + ", " + width + "), scale=(" + scaleMin + ", " + scaleMax
                + "), ratio=(" + ratioMin + ", " + ratioMax + "), " + mode + ")";
    }
}
