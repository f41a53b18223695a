package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DecodingTransform;
import org.dataloader4j.vision.FusionPlan;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.EncodedImage;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.RegionChooser;

/**
 * Transforms applied in turn, torchvision's {@code Compose}; every stage draws from the same per-sample generator.
 * Intermediate results that a stage replaced are closed at once when they are {@link AutoCloseable} (images,
 * tensors), so a pipeline holds at most two of them: the input itself is never closed, nor a value a stage passed
 * through unchanged, nor one whose memory the stage's result shares (a stage that returns a view such as
 * {@code tensor.reshape(...)} keeps its input's memory alive: it is then freed when it becomes unreachable).
 *
 * <p>Stages are fused through what they declare, never through their class: a {@link FusibleTransform} is offered
 * the next stage (with the {@link PixelwiseTransform}s before it) and may run both as one pass; a first step that is
 * a {@link RegionTransform} decodes only its region ({@link #decoding}). Every fused path gives the bits and the
 * generator draws of the stages run one by one. A stage that declares nothing runs where it stands;
 * {@link #plan()} and {@link #plan(Decoders)} say what runs fused, and which stage kept which fusion from applying.
 *
 * <pre>{@code
 * Compose<Image, Tensor> eval = Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor())
 *         .then(new Normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}));
 * }</pre>
 *
 * @param <T> input type
 * @param <R> output type
 */
public final class Compose<T, R> implements SampleTransform<T, R>, DecodingTransform<R> {
    private final List<SampleTransform<Object, Object>> stages;
    private final Fuser.Plan plan; // the stages after fusion
    private final List<SampleTransform<Object, Object>> executed; // plan's steps, as apply runs them

    private Compose(List<SampleTransform<Object, Object>> stages) {
        this.stages = List.copyOf(stages);
        this.plan = Fuser.fuse(this.stages, 0);
        this.executed = plan.ops();
    }

    /** {@code transform} as a transform of objects, as the stages are held. */
    @SuppressWarnings("unchecked")
    static SampleTransform<Object, Object> erase(SampleTransform<?, ?> transform) {
        return (SampleTransform<Object, Object>) transform;
    }

    /**
     * {@return a pipeline of one stage; add more with {@link #then}}
     *
     * @param <T> the input type
     * @param <R> the first stage's result type
     * @param first the first stage
     */
    @SuppressWarnings("unchecked")
    public static <T, R> Compose<T, R> of(SampleTransform<T, R> first) {
        return new Compose<>(List.of((SampleTransform<Object, Object>) Objects.requireNonNull(first, "first")));
    }

    /**
     * {@return this pipeline followed by {@code next}}
     *
     * @param <V> the type of the new result
     * @param next the stage applied to this pipeline's result
     */
    @SuppressWarnings("unchecked")
    public <V> Compose<T, V> then(SampleTransform<? super R, V> next) {
        List<SampleTransform<Object, Object>> all = new ArrayList<>(stages);
        all.add((SampleTransform<Object, Object>) Objects.requireNonNull(next, "next"));
        return new Compose<>(all);
    }

    /** {@return the stages, in order} */
    public List<SampleTransform<?, ?>> stages() {
        return List.copyOf(stages);
    }

    @Override
    public R apply(T sample, RandomGenerator rng) {
        return run(sample, false, executed, rng);
    }

    /**
     * How {@link #apply} runs the stages: which of them run fused as one step, and why a fusion that a stage kept
     * from applying did not (see {@link FusibleTransform} and {@link PixelwiseTransform}).
     *
     * @return the plan: the steps and the reasons any fusion did not apply
     */
    public FusionPlan plan() {
        return new FusionPlan(plan.names(), plan.reasons());
    }

    /**
     * How {@link #decoding decoding(decoders)} runs: the decode step first ("decode region of ..." when the first
     * step is a {@link RegionTransform}, "decode and resize in one pass" when it is a bare {@link Resize}, "decode
     * whole image" otherwise, with the reason when a later stage could have been fused with the decode), then the
     * steps of {@link #plan()}. For example {@code "fused: decode region of RandomResizedCrop,
     * RandomHorizontalFlip+ToTensor+Normalize into the batch row"}.
     */
    @Override
    public FusionPlan plan(Decoders decoders) {
        return decodingPlan(decoders).plan;
    }

    /**
     * How {@link #decodingBytes decodingBytes(decoders)} runs: as {@link #plan(Decoders)}, always exact (DCT scaling
     * applies to files only), so {@code plan(decoders.withDctScaling(false))}. For example {@code "fused: decode
     * region of RandomResizedCrop, RandomHorizontalFlip+ToTensor+Normalize into the batch row"}.
     *
     * @param decoders the decoders that read the bytes
     * @return the plan: the steps and the reasons any fusion did not apply
     */
    public FusionPlan planBytes(Decoders decoders) {
        return decodingPlan(exact(decoders)).plan;
    }

    private static Decoders exact(Decoders decoders) {
        Objects.requireNonNull(decoders, "decoders");
        return decoders.dctScaling() ? decoders.withDctScaling(false) : decoders;
    }

    /**
     * The decode step and the steps after it, and the plan that describes them. The decode step is {@code scaled}
     * (a file decoded at a reduced DCT scale) when not null, else the region {@code region} chooses when not null,
     * else the whole image.
     */
    private record Decoding(SampleTransform<Path, ?> scaled, RegionTransform region,
                            List<SampleTransform<Object, Object>> rest, FusionPlan plan) {
    }

    private Decoding decodingPlan(Decoders decoders) {
        Objects.requireNonNull(decoders, "decoders");
        SampleTransform<Object, Object> first = stages.getFirst();
        List<String> names = new ArrayList<>();
        List<String> reasons = new ArrayList<>(plan.reasons());
        if (decoders.dctScaling() && first instanceof DecodingTransform<?> start) {
            // opt-in DCT scaling: the first stage decodes at a reduced scale, the rest are planned without it
            Fuser.Plan rest = Fuser.fuse(stages.subList(1, stages.size()), 1);
            SampleTransform<Path, ?> head = start.decoding(decoders);
            names.add(String.valueOf(head));
            names.addAll(rest.names());
            return new Decoding(head, null, rest.ops(), new FusionPlan(names, rest.reasons()));
        }
        SampleTransform<Object, Object> firstStep = plan.steps().getFirst().op();
        if ((Object) firstStep instanceof RegionTransform region) {
            names.add(region instanceof Resize ? "decode and resize in one pass (Resize)"
                    : "decode region of " + Fuser.name(region));
            names.addAll(plan.names().subList(1, plan.steps().size()));
            return new Decoding(null, region, executed.subList(1, executed.size()), new FusionPlan(names, reasons));
        }
        names.add("decode whole image");
        names.addAll(plan.names());
        for (Fuser.Step step : plan.steps()) {
            if ((Object) step.op() instanceof RegionTransform later) {
                reasons.addFirst("stage " + (plan.steps().getFirst().first() + 1) + " ("
                        + first.getClass().getName() + ") runs before stage " + (step.first() + 1) + " ("
                        + Fuser.name(later) + (later instanceof Resize ? "), so the whole image is decoded and"
                        + " resized apart" : ") chooses its region, so the whole image is decoded"));
                break;
            }
        }
        return new Decoding(null, null, executed, new FusionPlan(names, reasons));
    }

    /**
     * This pipeline fused with decoding: from an image file to the result, bitwise what decoding the whole file to
     * RGB ({@link Decoders#decode(Path, Image.Mode)}) and applying the pipeline gives, decoding less where the
     * first step allows it and {@code decoders} can (JPEG on the native path): when the first step (after fusion)
     * is a {@link RegionTransform}, such as {@link RandomResizedCrop} or {@link Resize} followed by
     * {@link CenterCrop}, only the region it reads is decoded. Other pipelines decode the whole image;
     * {@link #plan(Decoders)} says which. With {@link Decoders#withDctScaling(boolean) decoders.withDctScaling(true)}
     * (opt-in, not bit-exact) a first stage that is a {@link DecodingTransform} ({@code RandomResizedCrop},
     * {@code Resize}) decodes at a reduced DCT scale instead. {@link org.dataloader4j.vision.ImageFolder} applies
     * its {@code Compose} transforms this way.
     *
     * <pre>{@code
     * SampleTransform<Path, Tensor> eval = Compose.of(new Resize(256)).then(new CenterCrop(224))
     *         .then(new ToTensor()).decoding(Decoders.standard());
     * Tensor t = eval.apply(Path.of("cat.jpg"), rng);
     * }</pre>
     */
    @Override
    public SampleTransform<Path, R> decoding(Decoders decoders) {
        Decoding d = decodingPlan(decoders);
        RegionTransform region = d.region();
        SampleTransform<Path, ?> head = d.scaled() != null ? d.scaled()
                : region != null ? (path, rng) -> RegionDecoding.apply(decoders, region, path, rng)
                : (path, rng) -> decoders.decode(path, Image.Mode.RGB);
        List<SampleTransform<Object, Object>> rest = d.rest();
        return new SampleTransform<>() {
            @Override
            public R apply(Path path, RandomGenerator rng) {
                return run(head.apply(path, rng), true, rest, rng);
            }

            @Override
            public String toString() {
                return "decode + " + Compose.this;
            }
        };
    }

    /**
     * This pipeline fused with decoding from an image held in memory (the samples of a shard, for example): bitwise
     * what decoding the bytes whole to RGB ({@link Decoders#decode(byte[], String, Image.Mode)}) and applying the
     * pipeline gives, with the same draws from the generator, and so bitwise what {@link #decoding} gives for a
     * file of the same bytes. As there, a first step that is a {@link RegionTransform} decodes only its region from
     * the bytes ({@link Decoders#decodeRegion(byte[], String, RegionChooser)}) and the later stages run fused;
     * {@link #planBytes(Decoders)} says what runs. Decoding is always exact here: the opt-in DCT scaling of
     * {@code decoders} applies to files only. Decode errors name {@link EncodedImage#name()}.
     *
     * <pre>{@code
     * SampleTransform<EncodedImage, Tensor> train = Compose.of(new RandomResizedCrop(224))
     *         .then(new RandomHorizontalFlip()).then(new ToTensor()).decodingBytes(Decoders.standard());
     * Tensor t = train.apply(new EncodedImage("shard-000.tar:cat.jpg", bytes), rng);
     * }</pre>
     *
     * @param decoders the decoders that read the bytes
     * @return the pipeline from encoded bytes to its result
     */
    public SampleTransform<EncodedImage, R> decodingBytes(Decoders decoders) {
        Decoders exact = exact(decoders);
        Decoding d = decodingPlan(exact);
        RegionTransform region = d.region();
        List<SampleTransform<Object, Object>> rest = d.rest();
        return new SampleTransform<>() {
            @Override
            public R apply(EncodedImage encoded, RandomGenerator rng) {
                Objects.requireNonNull(encoded, "encoded");
                Image head = region != null ? RegionDecoding.apply(exact, region, encoded, rng)
                        : exact.decode(encoded.bytes(), encoded.name(), Image.Mode.RGB);
                return run(head, true, rest, rng);
            }

            @Override
            public String toString() {
                return "decode bytes + " + Compose.this;
            }
        };
    }

    /**
     * Runs {@code stages} from {@code input}, closing each intermediate result that a stage replaced, and the one
     * at hand when a stage fails; the input too when {@code ownsInput}.
     */
    @SuppressWarnings("unchecked")
    private R run(Object input, boolean ownsInput, List<SampleTransform<Object, Object>> stages, RandomGenerator rng) {
        Object current = input;
        try {
            for (SampleTransform<Object, Object> stage : stages) {
                Object next = stage.apply(current, rng);
                if ((ownsInput || current != input) && next != current && current instanceof AutoCloseable c
                        && !sharesMemory(next, current)) {
                    close(c);
                }
                current = next;
            }
            return (R) current;
        } catch (RuntimeException | Error e) {
            if ((ownsInput || current != input) && current instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** True if {@code a} and {@code b} are tensors or images over the same memory (one a view of the other). */
    private static boolean sharesMemory(Object a, Object b) {
        Tensor ta = a instanceof Image image ? (image.isClosed() ? null : image.tensor()) : a instanceof Tensor t ? t : null;
        Tensor tb = b instanceof Image image ? (image.isClosed() ? null : image.tensor()) : b instanceof Tensor t ? t : null;
        return ta != null && tb != null && ta.sharesMemoryWith(tb);
    }

    private void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing an intermediate result of " + this + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "Compose" + stages;
    }
}
