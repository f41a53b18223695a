package org.dataloader4j.vision.transforms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DecodingTransform;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;

/**
 * Transforms applied in turn, torchvision's {@code Compose}; every stage draws from the same per-sample generator.
 * Intermediate results that a stage replaced are closed at once when they are {@link AutoCloseable} (images,
 * tensors), so a pipeline holds at most two of them: the input itself is never closed, nor a value a stage passed
 * through unchanged, nor one whose memory the stage's result shares (a stage that returns a view such as
 * {@code tensor.reshape(...)} keeps its input's memory alive: it is then freed when it becomes unreachable).
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
    private final List<SampleTransform<Object, Object>> executed; // the stages after fuse()

    private Compose(List<SampleTransform<Object, Object>> stages) {
        this.stages = List.copyOf(stages);
        this.executed = fuse(this.stages);
    }

    /**
     * Replaces {@code ToTensor} (optionally directly followed by {@code Normalize}) with one pass that gives bitwise
     * the same tensor ({@link TensorWriter}), written once, usually straight into the batch; a
     * {@code RandomHorizontalFlip} directly before it draws its coin as usual and the pass reads the row mirrored
     * instead of building a flipped image; and {@code Resize} directly followed by {@code CenterCrop} with a resize
     * that computes only the pixels the crop keeps (bitwise the same image).
     */
    @SuppressWarnings("unchecked")
    private static List<SampleTransform<Object, Object>> fuse(List<SampleTransform<Object, Object>> stages) {
        List<SampleTransform<Object, Object>> out = new ArrayList<>(stages.size());
        for (int i = 0; i < stages.size(); i++) {
            Object stage = stages.get(i);
            Object following = i + 1 < stages.size() ? stages.get(i + 1) : null;
            RandomHorizontalFlip flip = stage instanceof RandomHorizontalFlip f && following instanceof ToTensor
                    ? f : null;
            int toTensorAt = flip != null ? i + 1 : i;
            if (stage instanceof Resize resize && following instanceof CenterCrop crop) {
                SampleTransform<Image, Image> fused = (image, rng) -> crop.afterResize(resize, image, rng);
                out.add((SampleTransform<Object, Object>) (SampleTransform<?, ?>) fused);
                i++;
            } else if ((Object) stages.get(toTensorAt) instanceof ToTensor) {
                Object afterTensor = toTensorAt + 1 < stages.size() ? stages.get(toTensorAt + 1) : null;
                TensorWriter writer = afterTensor instanceof Normalize normalize
                        ? TensorWriter.normalizing(normalize.mean(), normalize.std()) : TensorWriter.plain();
                SampleTransform<Image, Tensor> fused = flip == null
                        ? (image, rng) -> writer.write(image, false)
                        : (image, rng) -> writer.write(image, flip.draw(rng));
                out.add((SampleTransform<Object, Object>) (SampleTransform<?, ?>) fused);
                i = afterTensor instanceof Normalize ? toTensorAt + 1 : toTensorAt;
            } else {
                out.add(stages.get(i));
            }
        }
        return List.copyOf(out);
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
     * This pipeline fused with decoding: from an image file to the result, bitwise what decoding the whole file to
     * RGB ({@link Decoders#decode(Path, Image.Mode)}) and applying the pipeline gives, decoding less where the
     * first stages allow it and {@code decoders} can (JPEG on the native path): a first
     * {@link RandomResizedCrop} decodes only its crop ({@link RandomResizedCrop#decoding}); a first {@link Resize}
     * followed by {@link CenterCrop} only the rows and columns the kept window reads. Other pipelines decode the
     * whole image. With {@link Decoders#withDctScaling(boolean) decoders.withDctScaling(true)} (opt-in, not
     * bit-exact) a first {@code RandomResizedCrop} or {@code Resize} decodes at a reduced DCT scale instead.
     * {@link org.dataloader4j.vision.ImageFolder} applies its {@code Compose} transforms this way.
     *
     * <pre>{@code
     * SampleTransform<Path, Tensor> eval = Compose.of(new Resize(256)).then(new CenterCrop(224))
     *         .then(new ToTensor()).decoding(Decoders.standard());
     * Tensor t = eval.apply(Path.of("cat.jpg"), rng);
     * }</pre>
     */
    @Override
    public SampleTransform<Path, R> decoding(Decoders decoders) {
        Objects.requireNonNull(decoders, "decoders");
        Object first = stages.getFirst();
        Object second = stages.size() > 1 ? stages.get(1) : null;
        SampleTransform<Path, Image> head;
        List<SampleTransform<Object, Object>> rest;
        if (first instanceof RandomResizedCrop crop) {
            head = crop.decoding(decoders);
            rest = executed.subList(1, executed.size());
        } else if (first instanceof Resize resize && decoders.dctScaling()) {
            head = resize.decoding(decoders);   // opt-in DCT scaling: the whole image at a reduced scale
            rest = fuse(stages.subList(1, stages.size()));
        } else if (first instanceof Resize resize && second instanceof CenterCrop crop) {
            head = (path, rng) -> crop.decodingAfterResize(resize, decoders, path, rng);
            rest = executed.subList(1, executed.size());   // executed[0] is the fused Resize + CenterCrop
        } else {
            head = (path, rng) -> decoders.decode(path, Image.Mode.RGB);
            rest = executed;
        }
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
