package org.dataloader4j.spark;

import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.EncodedImage;
import org.dataloader4j.vision.FusionPlan;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.Compose;

/**
 * A torchvision-style pipeline run over stored shard samples with the fusion {@code ImageFolder} gives files: the
 * image is decoded from the sample's bytes only as far as the pipeline reads it (the crop box of a first
 * {@code RandomResizedCrop}, the window of a first {@code Resize} + {@code CenterCrop}), and the later stages run
 * fused ({@code RandomHorizontalFlip} + {@code ToTensor} + {@code Normalize} in one pass). The result is bitwise
 * what decoding the whole image ({@link ShardSample#decode()}) and applying the pipeline with the same generator
 * gives, so a pipeline gives the same samples whichever way it runs; {@link #plan()} says what runs fused, and
 * which stage kept a fusion from applying (such a stage runs where it stands, the rest unfused, with the same bits).
 *
 * <pre>{@code
 * Compose<Image, Tensor> train = Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip())
 *         .then(new ToTensor()).then(new Normalize(mean, std));
 * ShardTransform<Tensor> fused = ShardTransform.of(train);
 * System.out.println(fused.plan());   // fused: decode region of RandomResizedCrop, RandomHorizontalFlip+...
 * IterableDataset<Sample<Tensor>> samples = shards.map(fused);
 * // the same samples as shards.map((s, rng) -> new Sample<>(train.apply(s.decode().input(), rng), (int) s.label()))
 * }</pre>
 *
 * <p>Errors: a corrupt or truncated image is an {@link org.dataloader4j.vision.ImageDecodeException} naming the
 * sample as {@link ShardSample#source()} ({@code shard-00003.tar:cat_001.jpg}), whichever part of it is decoded; a
 * label that does not fit an {@code int} is an {@link IllegalStateException} naming it too. Thread-safe when the
 * pipeline's stages are (the built-in ones are).
 *
 * @param <R> what the pipeline makes of an image
 */
public final class ShardTransform<R> implements SampleTransform<ShardSample, Sample<R>> {
    private final Compose<Image, R> pipeline;
    private final SampleTransform<EncodedImage, R> fused;
    private final FusionPlan plan;

    private ShardTransform(Compose<Image, R> pipeline, Decoders decoders) {
        this.pipeline = pipeline;
        this.fused = pipeline.decodingBytes(decoders);
        this.plan = pipeline.planBytes(decoders);
    }

    /**
     * {@return {@code transform} over shard samples, decoding with the {@linkplain Decoders#standard() standard
     * decoders} (as {@link ShardSample#decode()})}
     *
     * @param <R> what the transform makes of an image
     * @param transform a {@code Compose} of image stages, or a single stage (run as a one-stage {@code Compose})
     */
    public static <R> ShardTransform<R> of(SampleTransform<Image, R> transform) {
        return of(transform, Decoders.standard());
    }

    /**
     * {@return {@code transform} over shard samples, decoding with {@code decoders}} Decoding from bytes is always
     * exact: the opt-in DCT scaling of {@code decoders} applies to files only.
     *
     * @param <R> what the transform makes of an image
     * @param transform a {@code Compose} of image stages, or a single stage (run as a one-stage {@code Compose})
     * @param decoders the decoders that read the images (native or pure-Java JPEG, strictness, pixel limit)
     */
    @SuppressWarnings("unchecked")
    public static <R> ShardTransform<R> of(SampleTransform<Image, R> transform, Decoders decoders) {
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(decoders, "decoders");
        Compose<Image, R> pipeline = transform instanceof Compose<?, ?> c ? (Compose<Image, R>) c
                : Compose.of(transform);
        return new ShardTransform<>(pipeline, decoders);
    }

    /** {@return the pipeline run on each image} */
    public Compose<Image, R> pipeline() {
        return pipeline;
    }

    /**
     * How each sample runs: its steps after fusion and why a fusion did not apply, as {@code ImageFolder}'s
     * {@code plan()}, for example {@code "fused: decode region of RandomResizedCrop,
     * RandomHorizontalFlip+ToTensor+Normalize into the batch row"}.
     *
     * @return the plan
     */
    public FusionPlan plan() {
        return plan;
    }

    /**
     * {@return the pipeline's result for the sample's image, and the sample's class index}
     *
     * @param sample the stored sample
     * @param rng the sample's generator, drawn from exactly as the pipeline run on the whole image draws
     * @throws org.dataloader4j.vision.ImageDecodeException naming {@link ShardSample#source()} if the image is corrupt
     * @throws IllegalStateException naming {@link ShardSample#source()} if the label does not fit an {@code int}
     */
    @Override
    public Sample<R> apply(ShardSample sample, RandomGenerator rng) {
        int target = sample.target();
        return new Sample<>(fused.apply(new EncodedImage(sample.source(), sample.image()), rng), target);
    }

    /** For example {@code ShardTransform(fused: decode region of RandomResizedCrop, ...)}. */
    @Override
    public String toString() {
        return "ShardTransform(" + plan + ")";
    }
}
