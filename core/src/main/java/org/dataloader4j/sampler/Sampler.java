package org.dataloader4j.sampler;

import java.util.PrimitiveIterator;
import org.dataloader4j.internal.Preconditions;

/**
 * The order in which a {@code DataLoader} visits dataset indices, PyTorch's
 * {@code torch.utils.data.Sampler}. A sampler sees only sizes (and weights), never samples. The
 * epoch is an explicit argument: a shuffling sampler returns a different, reproducible order for
 * each epoch, so there is no {@code set_epoch} to forget.
 *
 * <p>A custom sampler is just an implementation:
 * <pre>{@code
 * Sampler evensFirst = new Sampler() {
 *     public long size() { return n; }
 *     public PrimitiveIterator.OfLong indices(long epoch) {
 *         return LongStream.concat(LongStream.range(0, n).filter(i -> i % 2 == 0),
 *                                  LongStream.range(0, n).filter(i -> i % 2 == 1)).iterator();
 *     }
 * };
 * }</pre>
 */
public interface Sampler extends Iterable<Long> {

    /** {@return number of indices {@link #indices(long)} yields per epoch} */
    long size();

    /**
     * {@return the indices of epoch {@code epoch}; calling it twice with the same epoch gives the same order}
     *
     * @param epoch the epoch, from 0
     */
    PrimitiveIterator.OfLong indices(long epoch);

    /**
     * {@return the indices of epoch {@code epoch} from position {@code from} on: what {@link #indices(long)
     * indices(epoch)} yields after its first {@code from} indices, for resuming an epoch part-way} The default draws
     * and discards those {@code from} indices; samplers with random access ({@link SequentialSampler}, {@link
     * DistributedSampler}, and {@link RandomSampler} on its keyed permutation) start at {@code from} directly.
     *
     * @param epoch the epoch, from 0
     * @param from the position to start at, in {@code [0, size()]}
     * @throws IllegalArgumentException if {@code from} is outside {@code [0, size()]}
     */
    default PrimitiveIterator.OfLong indices(long epoch, long from) {
        Preconditions.checkRange("from", from, 0, size());
        PrimitiveIterator.OfLong it = indices(epoch);
        for (long i = 0; i < from; i++) {
            it.nextLong();
        }
        return it;
    }

    /**
     * {@return what fixes this sampler's order in every epoch (kind and parameters, including its seed), for checking
     * that a saved {@link org.dataloader4j.loader.LoaderState} is resumed with the same sampling: equal fingerprints
     * mean equal orders} The default names the class and the size; samplers with other parameters should include them.
     */
    default String fingerprint() {
        return getClass().getName() + "(size=" + size() + ")";
    }

    /** The indices of epoch 0, for use in a for-each loop. */
    @Override
    default PrimitiveIterator.OfLong iterator() {
        return indices(0);
    }
}
