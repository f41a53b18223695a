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

    /** Transforms one sample, drawing any randomness from {@code rng}. */
    R apply(T sample, RandomGenerator rng);

    /** A deterministic transform from a plain function. */
    static <T, R> SampleTransform<T, R> of(Function<? super T, ? extends R> function) {
        return (sample, rng) -> function.apply(sample);
    }

    /** This transform followed by {@code next}; both receive the same per-sample generator, in turn. */
    default <V> SampleTransform<T, V> andThen(SampleTransform<? super R, ? extends V> next) {
        return (sample, rng) -> next.apply(apply(sample, rng), rng);
    }
}
