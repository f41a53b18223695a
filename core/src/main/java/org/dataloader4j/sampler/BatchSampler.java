package org.dataloader4j.sampler;

import java.util.Iterator;

/**
 * Yields whole batches of indices per epoch, PyTorch's {@code batch_sampler}. {@link #of} groups
 * any {@link Sampler}'s indices into batches of a fixed size; implement the interface for custom
 * batching, such as buckets of similar-length sequences.
 *
 * <pre>{@code
 * BatchSampler batches = BatchSampler.of(new SequentialSampler(10), 3);
 * // epoch 0: [0, 1, 2] [3, 4, 5] [6, 7, 8] [9]
 * BatchSampler full = BatchSampler.dropLast(new SequentialSampler(10), 3);
 * // epoch 0: [0, 1, 2] [3, 4, 5] [6, 7, 8]
 * }</pre>
 */
public interface BatchSampler extends Iterable<long[]> {

    /** {@return number of batches per epoch} */
    long size();

    /**
     * {@return the batches of epoch {@code epoch}; each array is a fresh copy the caller may keep}
     *
     * @param epoch the epoch, from 0
     */
    Iterator<long[]> batches(long epoch);

    /**
     * {@return what fixes this batch sampler's batches in every epoch (kind, batch size, drop-last and the sampler's
     * {@link Sampler#fingerprint()}), for checking that a saved {@link org.dataloader4j.loader.LoaderState} is resumed
     * with the same batches} The default names the class and the number of batches.
     */
    default String fingerprint() {
        return getClass().getName() + "(batches=" + size() + ")";
    }

    /** The batches of epoch 0, for use in a for-each loop. */
    @Override
    default Iterator<long[]> iterator() {
        return batches(0);
    }

    /**
     * Groups the indices of {@code sampler} into batches of {@code batchSize}; the last batch is smaller when the
     * sampler's size is not a multiple of {@code batchSize} (PyTorch's {@code drop_last=False}).
     *
     * @param sampler the order of the indices
     * @param batchSize the number of indices per batch
     * @return the batch sampler
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    static BatchSampler of(Sampler sampler, int batchSize) {
        return new FixedSizeBatchSampler(sampler, batchSize, false);
    }

    /**
     * Groups the indices of {@code sampler} into batches of {@code batchSize} and drops the last batch when it
     * would be smaller (PyTorch's {@code drop_last=True}): every batch has {@code batchSize} indices.
     *
     * @param sampler the order of the indices
     * @param batchSize the number of indices per batch, positive
     * @return the batch sampler
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    static BatchSampler dropLast(Sampler sampler, int batchSize) {
        return new FixedSizeBatchSampler(sampler, batchSize, true);
    }
}
