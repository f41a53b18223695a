package org.dataloader4j.sampler;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PrimitiveIterator;
import org.dataloader4j.internal.Preconditions;

/** Groups a sampler's indices into batches of a fixed size; see {@link BatchSampler#of}, {@link BatchSampler#dropLast}. */
final class FixedSizeBatchSampler implements BatchSampler {
    private final Sampler sampler;
    private final int batchSize;
    private final boolean dropLast;

    FixedSizeBatchSampler(Sampler sampler, int batchSize, boolean dropLast) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.batchSize = Preconditions.checkPositive("batchSize", batchSize);
        this.dropLast = dropLast;
    }

    @Override
    public long size() {
        long n = sampler.size();
        return dropLast ? n / batchSize : Math.ceilDiv(n, batchSize);
    }

    @Override
    public Iterator<long[]> batches(long epoch) {
        PrimitiveIterator.OfLong indices = sampler.indices(epoch);
        return new Iterator<>() {
            private long remaining = sampler.size();    // what the sampler promises; only sizes the buffer
            private long[] next;
            private boolean drawn; // next holds the following batch (or null at the end): drawn lazily, so that a
                                   // sampler failure surfaces when that batch is asked for, not with the one before

            private long[] advance() {
                // Never allocate more than the indices left, so a huge batchSize on a small sampler is cheap.
                long[] batch = new long[Math.clamp(remaining, 1, batchSize)];
                int filled = 0;
                while (filled < batchSize && indices.hasNext()) {
                    if (filled == batch.length) {
                        batch = Arrays.copyOf(batch, (int) Math.min((long) batch.length * 2, batchSize));
                    }
                    batch[filled++] = indices.nextLong();
                }
                remaining -= filled;
                if (filled == batchSize) {
                    return batch;
                }
                return filled == 0 || dropLast ? null : batch.length == filled ? batch : Arrays.copyOf(batch, filled);
            }

            @Override
            public boolean hasNext() {
                if (!drawn) {
                    next = advance();
                    drawn = true;
                }
                return next != null;
            }

            @Override
            public long[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no more batches in epoch " + epoch);
                }
                drawn = false;
                return next;
            }
        };
    }

    @Override
    public String fingerprint() {
        return "BatchSampler(batchSize=" + batchSize + ", dropLast=" + dropLast + ", " + sampler.fingerprint() + ")";
    }

    @Override
    public String toString() {
        return "BatchSampler(" + sampler + ", batchSize=" + batchSize + ", dropLast=" + dropLast + ")";
    }
}
