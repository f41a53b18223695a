package org.dataloader4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lazy result of {@link Dataset#map}: {@code get(i)} reads sample {@code i} of the source and
 * transforms it with a generator of its own. Each stage of a chain of {@code map}s draws from a
 * different random stream, so two random transforms never see the same numbers.
 *
 * <pre>{@code
 * Dataset<Tensor> flipped = images.map((img, rng) -> rng.nextBoolean() ? flip(img) : img);
 * }</pre>
 *
 * @param <T> source sample type
 * @param <R> transformed sample type
 */
public final class MappedDataset<T, R> implements Dataset<R>, TransformDepth {
    private final Dataset<T> source;
    private final MapStage<T, R> stage;

    /**
     * Wraps {@code source}; prefer {@link Dataset#map}.
     *
     * @param source the dataset whose samples are transformed
     * @param transform applied to each sample when it is read
     */
    public MappedDataset(Dataset<T> source, SampleTransform<? super T, ? extends R> transform) {
        this.stage = MapStage.over(source, transform);
        this.source = source;
    }

    @Override
    public int transformDepth() {
        return stage.depth();
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public R get(long index) {
        return stage.applyToSample(source.get(index), index);
    }

    /**
     * The source's {@code getBatch}, then the transform of each sample, each with its own generator and context
     * (through {@link BatchContext#readSlot}), as {@link #get} would give it: a source that reads batches at once
     * (a {@link TensorDataset}, a {@link Subset} of one, a user's dataset reading many rows in one query) keeps
     * doing so under a {@code map}. The transform stays per sample, as PyTorch users expect of a {@code map}; a
     * dataset with a batch-level transform overrides {@code getBatch} itself.
     */
    @Override
    public List<R> getBatch(long[] indices) {
        List<T> samples = source.getBatch(indices);
        if (samples.size() != indices.length) {
            throw new IllegalStateException("the source's getBatch returned " + samples.size() + " samples for "
                    + indices.length + " indices");
        }
        List<R> out = new ArrayList<>(indices.length);
        for (int slot = 0; slot < indices.length; slot++) {
            T sample = samples.get(slot);
            long index = indices[slot];
            out.add(BatchContext.readSlot(slot, () -> stage.applyToSample(sample, index)));
        }
        return out;
    }

    @Override
    public Optional<String> source(long index) {
        return source.source(index);
    }

    /** The source's fingerprint: a transform cannot be fingerprinted, but its randomness derives from the loader. */
    @Override
    public java.util.Optional<String> fingerprint() {
        return source.fingerprint();
    }
}
