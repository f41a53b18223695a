package org.dataloader4j.data;

import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A function applied to each sample, with a random generator that belongs to that sample alone
 * (derived from seed, epoch and sample position), never a shared or thread-local one. Random
 * augmentations must draw only from {@code rng}; deterministic transforms ignore it.
 *
 * <pre>{@code
 * SampleTransform<Tensor, Tensor> jitter = (t, rng) -> addGaussianNoise(t, 0.01 * rng.nextGaussian());
 * SampleTransform<String, Integer> length = SampleTransform.of(String::length);
 * }</pre>
 *
 * @param <T> input sample type
 * @param <R> output sample type
 */
@FunctionalInterface
public interface SampleTransform<T, R> {

    /**
     * Transforms one sample, drawing any randomness from {@code rng}.
     *
     * @param sample the sample to transform
     * @param rng the sample's own random generator
     * @return the transformed sample
     */
    R apply(T sample, RandomGenerator rng);

    /**
     * {@return a deterministic transform from a plain function}
     *
     * @param <T> the input type
     * @param <R> the result type
     * @param function the function to apply
     */
    static <T, R> SampleTransform<T, R> of(Function<? super T, ? extends R> function) {
        return (sample, rng) -> function.apply(sample);
    }

    /**
     * {@return this transform followed by {@code next}; both receive the same per-sample generator, in turn}
     *
     * @param <V> the type of the final result
     * @param next the transform applied to this one's result
     */
    default <V> SampleTransform<T, V> andThen(SampleTransform<? super R, ? extends V> next) {
        return (sample, rng) -> next.apply(apply(sample, rng), rng);
    }
}
