package org.dataloader4j.data;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.dataloader4j.random.CounterRandom;

/**
 * What the loader knows about the sample being read right now: the loader's seed, the epoch, the
 * sample's position in the epoch's order, its index, and the worker. The {@code DataLoader} binds
 * it (as a {@link ScopedValue}, never a thread-local) around every {@link Dataset#get(long)} call;
 * {@link MappedDataset} uses it to derive each sample's random generator, so augmentations depend
 * only on (seed, epoch, position, index), not on threads or timing.
 *
 * <p>Outside a loader no context is bound, and {@link #current(long)} returns a fixed one (seed 0,
 * epoch 0, position = index), so {@code dataset.get(i)} is reproducible too.
 *
 * <pre>{@code
 * Tensor sample = SampleContext.callWith(new SampleContext(42, 3, 17, 17, WorkerInfo.single(42, 3)),
 *         () -> augmented.get(17));
 * }</pre>
 *
 * @param seed     the loader's seed
 * @param epoch    the epoch
 * @param position the sample's position in the epoch's sampling order (distinguishes repeated indices)
 * @param index    the index passed to the outermost dataset
 * @param worker   the worker reading the sample
 */
public record SampleContext(long seed, long epoch, long position, long index, WorkerInfo worker) {
    private static final ScopedValue<SampleContext> CURRENT = ScopedValue.newInstance();

    /** The context bound by the loader, or a fixed stand-alone one for {@code index}. */
    public static SampleContext current(long index) {
        return CURRENT.isBound() ? CURRENT.get() : new SampleContext(0, 0, index, index, WorkerInfo.single(0, 0));
    }

    /** Runs {@code action} with {@code context} bound for the current thread, and returns its result. */
    public static <T> T callWith(SampleContext context, Supplier<T> action) {
        return ScopedValue.where(CURRENT, context).call(action::get);
    }

    /** The generator of random {@code stream} for this sample; the same context and stream give the same numbers. */
    public RandomGenerator random(long stream) {
        return CounterRandom.fromKey(CounterRandom.key(seed, epoch, position, index, stream));
    }
}
