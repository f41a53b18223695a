package org.dataloader4j.data;

import java.util.Objects;
import java.util.Optional;
import org.dataloader4j.random.RandomStreams;

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
    private final SampleTransform<? super T, ? extends R> transform;
    private final int depth;
    private final long stream;

    /**
     * Wraps {@code source}; prefer {@link Dataset#map}.
     *
     * @param source the dataset whose samples are transformed
     * @param transform applied to each sample when it is read
     */
    public MappedDataset(Dataset<T> source, SampleTransform<? super T, ? extends R> transform) {
        this.source = Objects.requireNonNull(source, "source");
        this.transform = Objects.requireNonNull(transform, "transform");
        this.depth = TransformDepth.of(source) + 1;
        this.stream = RandomStreams.TRANSFORM + depth;
    }

    @Override
    public int transformDepth() {
        return depth;
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public R get(long index) {
        T sample = source.get(index);
        return transform.apply(sample, SampleContext.current(index).random(stream));
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
