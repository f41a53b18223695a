package org.dataloader4j.sampler;

import java.util.PrimitiveIterator;
import org.dataloader4j.internal.Preconditions;

/**
 * Visits {@code 0, 1, ..., size - 1} in order, the same in every epoch; PyTorch's
 * {@code SequentialSampler}, and what a {@code DataLoader} uses when it does not shuffle.
 *
 * <pre>{@code
 * Sampler sampler = new SequentialSampler(4);
 * for (long i : sampler) System.out.print(i + " ");   // 0 1 2 3
 * }</pre>
 */
public final class SequentialSampler implements Sampler {
    private final long size;

    /**
     * A sampler over the indices {@code [0, size)}.
     *
     * @param size the number of indices
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public SequentialSampler(long size) {
        this.size = Preconditions.checkNonNegative("size", size);
    }

    @Override
    public long size() {
        return size;
    }

    /** {@code 0, 1, ..., size - 1}, whatever the epoch. */
    @Override
    public PrimitiveIterator.OfLong indices(long epoch) {
        return new IndexIterator(size, epoch) {
            @Override
            long indexAt(long position) {
                return position;
            }
        };
    }

    /** {@code from, from + 1, ..., size - 1}, whatever the epoch. */
    @Override
    public PrimitiveIterator.OfLong indices(long epoch, long from) {
        return new IndexIterator(size, epoch, Preconditions.checkRange("from", from, 0, size)) {
            @Override
            long indexAt(long position) {
                return position;
            }
        };
    }

    @Override
    public String fingerprint() {
        return toString();
    }

    @Override
    public String toString() {
        return "SequentialSampler(size=" + size + ")";
    }
}
