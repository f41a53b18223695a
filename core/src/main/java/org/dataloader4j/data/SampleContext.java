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
 * @param branch   which part of a composite sample is being read (0 at the top; {@link StackDataset} gives each
 *                 stacked dataset its own branch, so their random transforms draw independent numbers)
 */
public record SampleContext(long seed, long epoch, long position, long index, WorkerInfo worker, long branch) {
    private static final ScopedValue<SampleContext> CURRENT = ScopedValue.newInstance();

    /**
     * A top-level context (branch 0).
     *
     * @param seed the loader's seed
     * @param epoch the epoch
     * @param position the sample's position in the epoch
     * @param index the sample's index in the dataset
     * @param worker the worker reading it
     */
    public SampleContext(long seed, long epoch, long position, long index, WorkerInfo worker) {
        this(seed, epoch, position, index, worker, 0);
    }

    /**
     * {@return the context for part {@code part} of a composite sample: same sample, an independent family of
     * generators}
     *
     * @param part the part's number
     */
    public SampleContext branch(int part) {
        return new SampleContext(seed, epoch, position, index, worker, CounterRandom.key(branch, part));
    }

    /**
     * {@return the context bound by the loader, or a fixed stand-alone one for {@code index}}
     *
     * @param index the sample's index, used when no loader bound a context
     */
    public static SampleContext current(long index) {
        return CURRENT.isBound() ? CURRENT.get() : new SampleContext(0, 0, index, index, WorkerInfo.single(0, 0));
    }

    /**
     * Runs {@code action} with {@code context} bound for the current thread, and returns its result.
     *
     * @param <T> the action's result type
     * @param context the context to bind
     * @param action the reading of the sample
     * @return the action's result
     */
    public static <T> T callWith(SampleContext context, Supplier<T> action) {
        return ScopedValue.where(CURRENT, context).call(action::get);
    }

    /**
     * {@return the generator of random {@code stream} for this sample; the same context and stream give the same
     * numbers}
     *
     * @param stream the number of an independent stream of this sample
     */
    public RandomGenerator random(long stream) {
        return CounterRandom.fromKey(branch == 0 ? CounterRandom.key(seed, epoch, position, index, stream)
                : CounterRandom.key(seed, epoch, position, index, stream, branch));
    }
}
