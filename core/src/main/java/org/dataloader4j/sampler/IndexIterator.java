package org.dataloader4j.sampler;

import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * The iterator every sampler returns: yields the indices at positions {@code start, ..., count - 1} (from 0
 * unless told otherwise), asking {@link #indexAt} for each position in order, exactly once per position, so a
 * subclass may keep state (a generator, a partly shuffled array) between calls. Only samplers whose
 * {@code indexAt} needs no earlier call may start past 0.
 */
abstract class IndexIterator implements PrimitiveIterator.OfLong {
    private final long count;
    private final long epoch;
    private long position;

    IndexIterator(long count, long epoch) {
        this(count, epoch, 0);
    }

    IndexIterator(long count, long epoch, long start) {
        this.count = count;
        this.epoch = epoch;
        this.position = start;
    }

    /** The index at {@code position}; called with {@code start}, {@code start + 1}, ... in turn. */
    abstract long indexAt(long position);

    @Override
    public final boolean hasNext() {
        return position < count;
    }

    @Override
    public final long nextLong() {
        if (position >= count) {
            throw new NoSuchElementException("no more indices in epoch " + epoch + ": all " + count
                    + " have been yielded");
        }
        return indexAt(position++);
    }

    /** Yields {@code values} in order, widened to {@code long}. */
    static IndexIterator over(int[] values, long epoch) {
        return new IndexIterator(values.length, epoch) {
            @Override
            long indexAt(long position) {
                return values[(int) position];
            }
        };
    }
}
