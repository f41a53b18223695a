package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.List;
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
 * torchvision's {@code Resize}: with one number the shorter side becomes that size and the longer one keeps the
 * aspect ratio (truncated); with (height, width) the image gets exactly that size. Resampling is PIL's, antialiased
 * when shrinking; the default is bilinear ({@link #builder} sets it and a cap on the longer side). As the first stage
 * of a {@link Compose} that an {@link org.dataloader4j.vision.ImageFolder} decodes, a resize that changes both sides
 * runs inside the decode (a {@link RegionTransform} whose region is the whole image: JPEG rows are resampled as they
 * are decoded, never stored whole), with the same bytes. {@link #decoding} fuses it with a DCT-scaled decode
 * instead (opt-in, not bit-exact).
 *
 * <pre>{@code
 * SampleTransform<Image, Image> shorter = new Resize(256);                        // 500x375 -> 341x256
 * SampleTransform<Image, Image> exact = new Resize(224, 224, InterpolationMode.BILINEAR);
 * SampleTransform<Image, Image> capped = Resize.builder(256).maxSize(400).build();   // longer side <= 400
 * }</pre>
 */
public final class Resize implements FusibleTransform<Image, Image>, RegionTransform, DecodingTransform<Image> {
    private final int size;
    private final int height;
    private final int width;
    private final int maxSize;
    private final InterpolationMode mode;

    /**
     * Shorter side to {@code size}, bilinear: torchvision's {@code Resize(size)}.
     *
     * @param size the shorter side's new length
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public Resize(int size) {
        this(builder(size));
    }

    /**
     * Shorter side to {@code size}.
     *
     * @param size the shorter side's new length
     * @param mode the interpolation
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public Resize(int size, InterpolationMode mode) {
        this(builder(size).interpolation(mode));
    }

    private Resize(Builder b) {
        if (b.maxSize < 0 || (b.maxSize > 0 && b.maxSize <= b.size)) {
            throw new IllegalArgumentException("maxSize should be 0 (no limit) or larger than size, but got size="
                    + b.size + ", maxSize=" + b.maxSize);
        }
        this.size = b.size;
        this.height = -1;
        this.width = -1;
        this.maxSize = b.maxSize;
        this.mode = b.mode;
    }

    /**
     * Exactly {@code height × width}.
     *
     * @param height the output height
     * @param width the output width
     * @param mode the interpolation
     * @throws IllegalArgumentException if {@code height} or {@code width} is not positive
     */
    public Resize(int height, int width, InterpolationMode mode) {
        this.size = -1;
        this.height = Preconditions.checkPositive("height", height);
        this.width = Preconditions.checkPositive("width", width);
        this.maxSize = 0;
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * {@return a builder of a resize of the shorter side to {@code size}}
     *
     * @param size the shorter side's new length
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public static Builder builder(int size) {
        return new Builder(size);
    }

    /**
     * The options of a shorter-side {@link Resize}, torchvision's keyword arguments: the {@link #interpolation}
     * (bilinear by default) and the {@link #maxSize} of the longer side (no limit by default).
     *
     * <pre>{@code
     * Resize capped = Resize.builder(256).maxSize(400).build();   // longer side <= 400
     * }</pre>
     */
    public static final class Builder {
        private final int size;
        private InterpolationMode mode = InterpolationMode.BILINEAR;
        private int maxSize;

        private Builder(int size) {
            this.size = Preconditions.checkPositive("size", size);
        }

        /**
         * The interpolation; {@link InterpolationMode#BILINEAR} by default.
         *
         * @param mode the interpolation
         * @return this builder
         */
        public Builder interpolation(InterpolationMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Caps the longer side: when the shorter side at {@code size} would make it longer than {@code maxSize},
         * the longer side becomes {@code maxSize} and the shorter one keeps the aspect ratio (truncated),
         * torchvision's {@code max_size}. 0, the default, means no limit.
         *
         * @param maxSize the longest the longer side may become, larger than {@code size}, or 0
         * @return this builder
         */
        public Builder maxSize(int maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /**
         * {@return the resize with these options}
         *
         * @throws IllegalArgumentException if {@code maxSize} is negative, or positive but not larger than
         *                                  {@code size}
         */
        public Resize build() {
            return new Resize(this);
        }
    }

    InterpolationMode mode() {
        return mode;
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return size > 0 ? Functional.resize(image, size, mode, maxSize) : Functional.resize(image, height, width, mode);
    }

    /**
     * The whole image, resampled by the decoder where it can (see {@link RegionDecoding}) when both sides change
     * and the filter is not {@link InterpolationMode#NEAREST}: then PIL resamples in two passes, as the native
     * decode does row by row. Otherwise the decoded image is resized as {@link #apply} does.
     */
    @Override
    public RegionStep step(int width, int height, RandomGenerator rng) {
        int[] hw = outputSize(width, height);
        if (mode != InterpolationMode.NEAREST && hw[0] != height && hw[1] != width) {
            return RegionSteps.resampling(new Region(0, 0, height, width), ResizeCoefficients.of(width, hw[1], mode),
                    ResizeCoefficients.of(height, hw[0], mode), UnaryOperator.identity());
        }
        return RegionSteps.of(null, pixels -> Pixels.resize(pixels, hw[1], hw[0], mode));
    }

    /**
     * Followed by a {@link CenterCrop} (with {@link PixelwiseTransform}s between): one {@link RegionTransform} that
     * resizes only the window the crop keeps, bitwise the stages one by one.
     */
    @Override
    public SampleTransform<Object, Object> fuseWith(List<PixelwiseTransform> between, SampleTransform<?, ?> next) {
        return next instanceof CenterCrop crop ? Compose.erase(new ResizedCenterCrop(this, between, crop)) : null;
    }

    /** The output size {@code {height, width}} for a {@code imageWidth × imageHeight} input. */
    int[] outputSize(int imageWidth, int imageHeight) {
        return size > 0 ? Functional.shorterSideSize(imageWidth, imageHeight, size, maxSize) : new int[] {height, width};
    }

    /**
     * This transform fused with decoding: from an image file to the resized RGB image. With {@code decoders} as
     * they come ({@link Decoders#dctScaling()} false) the result is exactly that of decoding to RGB and applying
     * this transform; a colour JPEG on the native path is resampled as its rows are decoded ({@link #step}). With
     * {@link Decoders#withDctScaling(boolean) decoders.withDctScaling(true)} (opt-in) a JPEG on the native path is
     * decoded at the strongest DCT scale {@code n/8} that keeps it at least the output size
     * ({@link Decoders#dctScale}) and then resized the rest of the way; the pixels then differ slightly from
     * torchvision's (see the module README), except where {@code n = 8}. Without the native path, or for files it
     * does not handle, the exact path is used.
     *
     * <pre>{@code
     * SampleTransform<Path, Tensor> eval = Compose.of(new Resize(256).decoding(Decoders.standard().withDctScaling(true)))
     *         .then(new CenterCrop(224)).then(new ToTensor());
     * }</pre>
     */
    @Override
    public SampleTransform<Path, Image> decoding(Decoders decoders) {
        return RegionSteps.decoding(decoders, this, (path, rng) -> {
            if (!decoders.dctScaling()) {
                return RegionDecoding.apply(decoders, this, path, rng);
            }
            int[] hw = new int[2];
            ScaledRegion decoded = decoders.decodeScaled(path, (w, h) -> {
                int[] out = outputSize(w, h);
                hw[0] = out[0];
                hw[1] = out[1];
                return new ScaledRequest(null, out[1], out[0]);
            });
            return Functional.resizeDecoded(decoded, hw[0], hw[1], mode);
        });
    }

    @Override
    public String toString() {
        return "Resize(" + (size > 0 ? "size=" + size : "size=(" + height + ", " + width + ")") + ", " + mode
                + (maxSize > 0 ? ", maxSize=" + maxSize : "") + ")";
    }
}
