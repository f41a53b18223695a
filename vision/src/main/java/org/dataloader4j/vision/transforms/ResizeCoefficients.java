package org.dataloader4j.vision.transforms;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.dataloader4j.vision.internal.ResampleTables;

/**
 * The fixed-point filter table of one resize pass from {@code inSize} to {@code outSize} samples, PIL's
 * {@code precompute_coeffs}: per output index the first source index, the tap count and the weights in
 * {@link Pixels#PRECISION_BITS}-bit fixed point ({@code ksize} slots per output). Also the same table padded to a
 * constant {@link #taps()} per output (zero weights, the window moved left where it would run past the end), which
 * gives the same sums. Immutable; {@link #of} caches recent tables. Package-private.
 */
final class ResizeCoefficients {
    private static final int CACHE_LIMIT = 256;
    private static final Map<Key, ResizeCoefficients> CACHE = new ConcurrentHashMap<>();

    private record Key(int inSize, double in0, double in1, int outSize, InterpolationMode mode) {
    }

    private final int outSize;
    private final int[] start;
    private final int[] count;
    private final int[] weights;
    private final int ksize;
    private final int first;
    private final int last;
    private final int[] paddedStart;
    private final int[] paddedWeights;
    private final int taps;

    /** The table for this pass over a whole line, from the cache or computed (and cached). */
    static ResizeCoefficients of(int inSize, int outSize, InterpolationMode mode) {
        return of(inSize, 0, inSize, outSize, mode);
    }

    /**
     * The table for {@code outSize} samples of {@code [in0, in1)} of a line of {@code inSize} (PIL's resize with a
     * box; the taps are clipped to the line), from the cache or computed (and cached).
     */
    static ResizeCoefficients of(int inSize, double in0, double in1, int outSize, InterpolationMode mode) {
        Key key = new Key(inSize, in0, in1, outSize, mode);
        ResizeCoefficients co = CACHE.get(key);
        if (co == null) {
            co = new ResizeCoefficients(inSize, in0, in1, outSize, mode);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();    // crude but bounded: the working set of sizes is usually small
            }
            CACHE.put(key, co);
        }
        return co;
    }

    ResizeCoefficients(int inSize, int outSize, InterpolationMode mode) {
        this(inSize, 0, inSize, outSize, mode);
    }

    ResizeCoefficients(int inSize, double in0, double in1, int outSize, InterpolationMode mode) {
        if (mode == InterpolationMode.NEAREST) {
            throw new IllegalArgumentException("NEAREST has no filter coefficients");
        }
        double scale = (in1 - in0) / outSize;
        double filterScale = Math.max(1.0, scale);
        double support = mode.support * filterScale;
        int ks = (int) Math.ceil(support) * 2 + 1;
        int fixedOne = 1 << Pixels.PRECISION_BITS;
        this.outSize = outSize;
        this.ksize = ks;
        this.start = new int[outSize];
        this.count = new int[outSize];
        this.weights = new int[outSize * ks];
        double[] k = new double[ks];
        double inv = 1.0 / filterScale;
        int lo = inSize;
        int hi = 0;
        int maxCount = 1;
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double total = 0;
            for (int x = 0; x < xmax; x++) {
                double wgt = mode.weight((x + xmin - center + 0.5) * inv);
                k[x] = wgt;
                total += wgt;
            }
            for (int x = 0; x < xmax; x++) {
                double v = total != 0 ? k[x] / total : k[x];
                weights[xx * ks + x] = (int) (v < 0 ? -0.5 + v * fixedOne : 0.5 + v * fixedOne);
            }
            start[xx] = xmin;
            count[xx] = xmax;
            lo = Math.min(lo, xmin);
            hi = Math.max(hi, xmin + xmax);
            maxCount = Math.max(maxCount, xmax);
        }
        this.first = lo;
        this.last = hi;
        this.taps = Math.min(maxCount, inSize);
        this.paddedStart = new int[outSize];
        this.paddedWeights = new int[outSize * taps];
        for (int xx = 0; xx < outSize; xx++) {
            int ps = Math.min(start[xx], inSize - taps);
            int d = start[xx] - ps;
            paddedStart[xx] = ps;
            System.arraycopy(weights, xx * ks, paddedWeights, xx * taps + d, count[xx]);
        }
    }

    int outSize() {
        return outSize;
    }

    int start(int i) {
        return start[i];
    }

    /** Per output, the first source index (shared, not copied: do not modify). */
    int[] starts() {
        return start;
    }

    /** Per output, the number of taps (shared, not copied: do not modify). */
    int[] counts() {
        return count;
    }

    int count(int i) {
        return count[i];
    }

    /** {@link #ksize()} slots per output index; the first {@link #count} are used. */
    int[] weights() {
        return weights;
    }

    int ksize() {
        return ksize;
    }

    /** The lowest source index any output reads. */
    int first() {
        return first;
    }

    /** One past the highest source index any output reads. */
    int last() {
        return last;
    }

    /** Taps per output in the padded table. */
    int taps() {
        return taps;
    }

    /** Per output, the first source index of its padded window ({@code taps()} samples, all inside the input). */
    int[] paddedStart() {
        return paddedStart;
    }

    /** {@code taps()} weights per output, zero outside the filter's window. */
    int[] paddedWeights() {
        return paddedWeights;
    }

    /**
     * The horizontal table {@code cx} (padded) and the vertical table {@code cy} as the native kernels take them:
     * for {@code NativeKernels.resampleRgb} and the native JPEG decoder's resampled decode.
     */
    static ResampleTables nativeTables(ResizeCoefficients cx, ResizeCoefficients cy) {
        return new ResampleTables(cx.paddedStart(), cx.paddedWeights(), cx.taps(), cx.outSize(), cy.starts(),
                cy.counts(), cy.weights(), cy.ksize(), cy.first(), cy.last(), cy.outSize());
    }

    /**
     * The table of outputs {@code from .. to - 1} alone, as if the output were cropped to them: a resize followed
     * by a crop computes only the pixels it keeps, with the same weights, so the same bytes.
     */
    ResizeCoefficients window(int from, int to) {
        if (from < 0 || to > outSize || from >= to) {
            throw new IllegalArgumentException("window [" + from + ", " + to + ") is not inside " + outSize + " outputs");
        }
        return new ResizeCoefficients(this, from, to);
    }

    private ResizeCoefficients(ResizeCoefficients all, int from, int to) {
        this.outSize = to - from;
        this.ksize = all.ksize;
        this.taps = all.taps;
        this.start = java.util.Arrays.copyOfRange(all.start, from, to);
        this.count = java.util.Arrays.copyOfRange(all.count, from, to);
        this.weights = java.util.Arrays.copyOfRange(all.weights, from * ksize, to * ksize);
        this.paddedStart = java.util.Arrays.copyOfRange(all.paddedStart, from, to);
        this.paddedWeights = java.util.Arrays.copyOfRange(all.paddedWeights, from * taps, to * taps);
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        for (int i = 0; i < outSize; i++) {
            lo = Math.min(lo, start[i]);
            hi = Math.max(hi, start[i] + count[i]);
        }
        this.first = lo;
        this.last = hi;
    }

    /** The lowest source index the padded table reads. */
    int paddedFirst() {
        int lo = Integer.MAX_VALUE;
        for (int ps : paddedStart) {
            lo = Math.min(lo, ps);
        }
        return lo;
    }

    /** One past the highest source index the padded table reads. */
    int paddedLast() {
        int hi = 0;
        for (int ps : paddedStart) {
            hi = Math.max(hi, ps + taps);
        }
        return hi;
    }

    /**
     * This table read from a line that starts {@code offset} samples later: every source index minus
     * {@code offset}, the weights unchanged. For resampling a decoded region whose first row or column is
     * {@code offset} of the whole image; the region must hold every sample the table reads.
     */
    ResizeCoefficients shifted(int offset) {
        if (offset < 0 || offset > first || offset > paddedFirst()) {
            throw new IllegalArgumentException("cannot shift a table that reads from " + Math.min(first,
                    paddedFirst()) + " by " + offset);
        }
        return offset == 0 ? this : new ResizeCoefficients(this, offset);
    }

    private ResizeCoefficients(ResizeCoefficients table, int offset) {
        this.outSize = table.outSize;
        this.ksize = table.ksize;
        this.taps = table.taps;
        this.count = table.count;
        this.weights = table.weights;
        this.paddedWeights = table.paddedWeights;
        this.start = table.start.clone();
        this.paddedStart = table.paddedStart.clone();
        for (int i = 0; i < outSize; i++) {
            start[i] -= offset;
            paddedStart[i] -= offset;
        }
        this.first = table.first - offset;
        this.last = table.last - offset;
    }
}
