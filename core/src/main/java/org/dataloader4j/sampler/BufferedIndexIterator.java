package org.dataloader4j.sampler;

/**
 * An {@link IndexIterator} that computes its indices a block at a time (up to 256), for orders that are faster to
 * compute in bulk, such as {@link org.dataloader4j.random.KeyedPermutation#fill}: subclasses fill the buffer from
 * a position and say how many they filled.
 */
abstract class BufferedIndexIterator extends IndexIterator {
    /** The most indices computed at a time. */
    static final int BLOCK = 256;
    private final long[] buffer;
    private long bufferStart;   // the position of buffer[0]
    private int buffered;       // how many of buffer are valid

    BufferedIndexIterator(long count, long epoch, long start) {
        super(count, epoch, start);
        this.buffer = new long[(int) Math.max(1, Math.min(BLOCK, count))];
    }

    @Override
    final long indexAt(long position) {
        long k = position - bufferStart;
        if (k < 0 || k >= buffered) {
            bufferStart = position;
            buffered = fill(position, buffer);
            k = 0;
        }
        return buffer[(int) k];
    }

    /** Writes the indices of positions {@code position, position + 1, ...} into {@code out}; returns how many (≥ 1). */
    abstract int fill(long position, long[] out);
}
