package org.dataloader4j.random;

/**
 * A pseudorandom permutation of {@code [0, size)} for any {@code size} up to {@code Long.MAX_VALUE}, computed one
 * position at a time in constant memory: {@link #indexAt(long) indexAt(position)} gives the index at any position
 * without computing the positions before it, {@link #fill fill} computes runs of consecutive positions faster, and
 * {@link #positionOf(long) positionOf(index)} inverts it. A 64-bit
 * key (with the size) fixes the permutation completely, on every machine and JVM.
 *
 * <p>The construction is a keyed Feistel network with cycle walking:
 * <ul>
 *   <li>The domain is {@code [0, 2^bits)}, the smallest power of two that holds {@code size} (at least 4, so
 *       {@code bits >= 2}); a value is split into a high part of {@code floor(bits / 2)} bits and a low part of
 *       {@code ceil(bits / 2)} bits.</li>
 *   <li>Each round maps {@code (left, right)} to {@code (right, left XOR F(right))}, where
 *       {@code F(r) = (a * r + b) >>> (64 - w)} in 64-bit arithmetic, {@code w} the width of the left part and
 *       {@code (a, b)} the round's two keys: a multiply–add–shift hash, a pairwise-independent family for inputs of
 *       up to 32 bits, one multiplication per round. Each round is a bijection whatever {@code F} is; the parts'
 *       widths swap each round when {@code bits} is odd.</li>
 *   <li>{@code max(6, ceil(72 / bits))} rounds: 6 from 12 bits on ({@code size > 2048}); more for small domains,
 *       whose round functions see only a few bits and mix slowly (tested by chi-square over every position for
 *       sizes 3 to 16).</li>
 *   <li>Cycle walking: the network is applied to the position, and again to the result while it is
 *       {@code >= size}. Since the network permutes the whole domain, this permutes {@code [0, size)}; as the
 *       domain is less than twice {@code size} (for {@code size >= 3}), fewer than two applications are needed on
 *       average.</li>
 *   <li>The round keys {@code a0, b0, a1, b1, ...} are the first outputs of
 *       {@link CounterRandom#fromKey(long) CounterRandom.fromKey(CounterRandom.key(key, size))}: the size is part
 *       of the key, so permutations of different sizes under one key are unrelated.</li>
 * </ul>
 *
 * <p>This is a statistical permutation, not a cryptographic one, and not the uniform distribution over all
 * {@code size!} orders that {@link Shuffle} gives: it is meant to look like one to training (every index equally
 * likely at every position, consecutive positions uncorrelated), at a cost independent of {@code size}. Instances
 * are immutable and safe to share between threads.
 *
 * <pre>{@code
 * KeyedPermutation order = KeyedPermutation.of(5_000_000_000L, CounterRandom.key(seed, epoch, 0, RandomStreams.SHUFFLE));
 * long first = order.indexAt(0);
 * long resumed = order.indexAt(3_141_592_653L);   // no need to visit the positions before it
 * }</pre>
 */
public final class KeyedPermutation {
    private final long size;
    private final long key;
    private final int bits;
    private final int highBits;
    private final int lowBits;
    private final long[] roundKeys;     // a0, b0, a1, b1, ...

    private KeyedPermutation(long size, long key) {
        this.size = size;
        this.key = key;
        this.bits = size <= 4 ? 2 : 64 - Long.numberOfLeadingZeros(size - 1);
        this.lowBits = (bits + 1) / 2;
        this.highBits = bits - lowBits;
        this.roundKeys = new long[2 * roundsFor(bits)];
        CounterRandom keys = CounterRandom.fromKey(CounterRandom.key(key, size));
        for (int i = 0; i < roundKeys.length; i++) {
            roundKeys[i] = keys.nextLong();
        }
    }

    /**
     * {@return the permutation of {@code [0, size)} fixed by {@code key}}
     *
     * @param size the number of indices
     * @param key the key that chooses the permutation
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public static KeyedPermutation of(long size, long key) {
        if (size < 0) {
            throw new IllegalArgumentException("a permutation needs size >= 0, but got size=" + size);
        }
        return new KeyedPermutation(size, key);
    }

    /** Number of rounds of the Feistel network over a domain of {@code 2^bits}: {@code max(6, ceil(72 / bits))}. */
    static int roundsFor(int bits) {
        return Math.max(6, Math.ceilDiv(72, bits));
    }

    /** {@return number of elements permuted} */
    public long size() {
        return size;
    }

    /** {@return the key that fixes this permutation} */
    public long key() {
        return key;
    }

    /** {@return number of Feistel rounds used (a function of {@link #size()} only)} */
    public int rounds() {
        return roundKeys.length / 2;
    }

    /**
     * {@return {@code log2} of the Feistel network's domain: the smallest {@code bits >= 2} with {@code 2^bits >=
     * size}}
     */
    public int domainBits() {
        return bits;
    }

    /**
     * {@return the index at {@code position}: as {@code position} runs over {@code [0, size)}, every index in {@code
     * [0, size)} comes out exactly once}
     *
     * @param position a position in {@code [0, size)}
     * @throws IndexOutOfBoundsException if {@code position} is outside {@code [0, size)}
     */
    public long indexAt(long position) {
        check(position, "position");
        long x = encrypt(position);
        while (x >= size) {
            x = encrypt(x);
        }
        return x;
    }

    /**
     * {@return the position at which {@code index} appears: {@code indexAt(positionOf(i)) == i}}
     *
     * @param index an index in {@code [0, size)}
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size)}
     */
    public long positionOf(long index) {
        check(index, "index");
        long x = decrypt(index);
        while (x >= size) {
            x = decrypt(x);
        }
        return x;
    }

    /**
     * The indices at positions {@code from, from + 1, ..., from + count - 1}, into {@code out[0 .. count)}: the same
     * as {@link #indexAt} for each, about twice as fast in bulk when many positions need cycle walking (the passes
     * of the network run over whole batches, with no unpredictable branch).
     *
     * @param from the first position
     * @param out receives the indices
     * @param count the number of positions
     * @throws IndexOutOfBoundsException if a position falls outside {@code [0, size)} or {@code count} outside
     *     {@code [0, out.length]}
     */
    public void fill(long from, long[] out, int count) {
        fill(from, 1, out, count);
    }

    /**
     * The indices at positions {@code from, from + step, ..., from + (count - 1) * step}, into
     * {@code out[0 .. count)}: {@link #fill(long, long[], int)} for every {@code step}-th position, as one of
     * {@code step} ranks sharing the permutation takes them.
     *
     * @param from the first position
     * @param step the distance between positions
     * @param out receives the indices
     * @param count the number of positions
     * @throws IndexOutOfBoundsException if a position falls outside {@code [0, size)} or {@code count} outside
     *     {@code [0, out.length]}
     * @throws IllegalArgumentException if {@code step < 1}
     */
    public void fill(long from, long step, long[] out, int count) {
        if (step < 1) {
            throw new IllegalArgumentException("step must be positive, but got step=" + step);
        }
        if (count < 0 || count > out.length) {
            throw new IndexOutOfBoundsException("count must be in [0, " + out.length + "], but got count=" + count);
        }
        if (count == 0) {
            return;
        }
        check(from, "position");
        if (count > 1 && (size - 1 - from) / (count - 1) < step) {
            throw new IndexOutOfBoundsException("position must be in [0, " + size + "), but got position="
                    + Long.toUnsignedString(from + (count - 1) * step) + " (from=" + from + ", step=" + step
                    + ", count=" + count + ")");
        }
        for (int start = 0; start < count; start += 64) {
            fillBatch(from, step, out, start, Math.min(64, count - start));
        }
    }

    /**
     * Positions {@code start .. start + length - 1} ({@code length <= 64}) of a fill: one pass of the network over
     * all, then further passes over those still outside {@code [0, size)}, tracked as bits of a mask set without
     * branches (which positions walk is unpredictable, so a branch per position would stall the pipeline).
     */
    private void fillBatch(long from, long step, long[] out, int start, int length) {
        long walking = 0;
        for (int j = 0; j < length; j++) {
            long x = encrypt(from + (start + j) * step);
            out[start + j] = x;
            walking |= (x >= size ? 1L : 0L) << j;
        }
        while (walking != 0) {
            long still = 0;
            for (long bits = walking; bits != 0; bits &= bits - 1) {
                int j = Long.numberOfTrailingZeros(bits);
                long x = encrypt(out[start + j]);
                out[start + j] = x;
                still |= (x >= size ? 1L : 0L) << j;
            }
            walking = still;
        }
    }

    private void check(long value, String name) {
        if (value < 0 || value >= size) {
            throw new IndexOutOfBoundsException(name + " must be in [0, " + size + "), but got " + name + "=" + value);
        }
    }

    /** One pass of the Feistel network over {@code [0, 2^bits)}. */
    long encrypt(long x) {
        int leftBits = highBits;
        int rightBits = lowBits;
        long left = x >>> lowBits;
        long right = x & ((1L << lowBits) - 1);
        long[] keys = roundKeys;
        for (int i = 0; i < keys.length; i += 2) {
            long mixed = left ^ round(right, keys[i], keys[i + 1], leftBits);
            left = right;
            right = mixed;
            int t = leftBits;
            leftBits = rightBits;
            rightBits = t;
        }
        return (left << rightBits) | right;
    }

    /** The inverse of {@link #encrypt}. */
    long decrypt(long y) {
        boolean swapped = (rounds() & 1) == 1;
        int leftBits = swapped ? lowBits : highBits;
        int rightBits = swapped ? highBits : lowBits;
        long left = y >>> rightBits;
        long right = y & ((1L << rightBits) - 1);
        for (int i = roundKeys.length - 2; i >= 0; i -= 2) {
            long before = right ^ round(left, roundKeys[i], roundKeys[i + 1], rightBits);
            right = left;
            left = before;
            int t = leftBits;
            leftBits = rightBits;
            rightBits = t;
        }
        return (left << lowBits) | right;
    }

    /** The round function: the top {@code outBits} (1 to 32) bits of {@code a * half + b}. */
    private static long round(long half, long a, long b, int outBits) {
        return (half * a + b) >>> (64 - outBits);
    }

    @Override
    public String toString() {
        return "KeyedPermutation(size=" + size + ", key=" + key + ", bits=" + bits + ", rounds=" + rounds()
                + ")";
    }
}
