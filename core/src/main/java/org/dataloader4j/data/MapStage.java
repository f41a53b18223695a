package org.dataloader4j.data;

import java.util.Objects;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;

/**
 * One {@code map} stage, shared by {@link MappedDataset} and {@link MappedIterableDataset}: the transform, its depth
 * in the chain of {@code map}s (one more than its source's) and the random stream that depth gives it, so two random
 * transforms of a chain never see the same numbers.
 *
 * @param transform the transform of each sample
 * @param depth     the number of {@code map} stages in the deepest chain below and including this one
 * @param <T>       source sample type
 * @param <R>       transformed sample type
 */
record MapStage<T, R>(SampleTransform<? super T, ? extends R> transform, int depth) {

    /** The stage of {@code transform} on top of {@code source}. */
    static <T, R> MapStage<T, R> over(Object source, SampleTransform<? super T, ? extends R> transform) {
        Objects.requireNonNull(source, "source");
        return new MapStage<>(Objects.requireNonNull(transform, "transform"), TransformDepth.of(source) + 1);
    }

    /** {@return the random stream of this stage} */
    long stream() {
        return RandomStreams.TRANSFORM + depth;
    }

    /** {@return the transform of sample {@code index} of a dataset, with that sample's generator for this stage} */
    R applyToSample(T sample, long index) {
        return transform.apply(sample, SampleContext.current(index).random(stream()));
    }

    /**
     * {@return the transform of element {@code k} of {@code worker}'s share of a stream, with the generator keyed by
     * (the worker's seed, epoch, id, {@code k}, this stage's stream)}
     */
    R applyToElement(T element, WorkerInfo worker, long k) {
        return transform.apply(element, CounterRandom.fromKey(
                CounterRandom.key(worker.seed(), worker.epoch(), worker.id(), k, stream())));
    }

    /**
     * {@return the transform of the element at global position {@code position} of an elastic stream, with the
     * generator keyed by (the epoch's seed, {@code position}, this stage's stream): the same on any worker of any rank}
     */
    R applyToPosition(T element, WorkerInfo worker, long position) {
        return transform.apply(element, CounterRandom.fromKey(
                CounterRandom.key(worker.epochSeed(), position, stream())));
    }
}
