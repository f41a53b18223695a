package org.dataloader4j.stats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * Streaming statistics of {@code K} features: count, mean, variance, standard deviation, minimum and maximum,
 * updated one value (or one block of values) at a time in constant memory, so they can be taken over data
 * that never fits in memory.
 *
 * <h2>Accuracy</h2>
 * Single values are added with Welford's update, blocks of values (a tensor's rows, an image's channel) as a
 * block mean and sum of squared deviations merged with the formula of Chan, Golub and LeVeque; accumulators
 * are {@code double}. Both avoid the cancellation of the textbook {@code E[x²] - E[x]²}, which loses every
 * digit of the variance of values like {@code 1e6 ± 1}. {@link #merge} combines accumulators filled in
 * parallel (per worker, per shard) into exactly the statistics of all their values, up to rounding.
 *
 * <h2>Threads</h2>
 * An accumulator is not thread-safe: give each thread its own and {@link #merge} them. {@link #summary()}
 * returns an immutable snapshot.
 *
 * <pre>{@code
 * RunningStats perFeature = new RunningStats(256);
 * for (Batch batch : loader.epoch(0)) {
 *     try (batch) { perFeature.add(batch.tensor(0)); }     // [B, 256] rows, any dtype
 * }
 * Summary s = perFeature.summary();                         // s.mean()[k], s.std()[k], s.min()[k], ...
 *
 * RunningStats rgb = new RunningStats(3).addChannels(image); // per channel of a CHW or NCHW image
 * }</pre>
 */
public final class RunningStats {
    private final int features;
    private long count;
    private final double[] mean;
    private final double[] m2;
    private final double[] min;
    private final double[] max;

    /**
     * An empty accumulator for {@code features} features.
     *
     * @param features the number of features, at least 1
     * @throws IllegalArgumentException if {@code features < 1}
     */
    public RunningStats(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be at least 1, but got features=" + features);
        }
        this.features = features;
        this.mean = new double[features];
        this.m2 = new double[features];
        this.min = new double[features];
        this.max = new double[features];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /** {@return an empty accumulator of one feature, for a stream of single numbers} */
    public static RunningStats scalar() {
        return new RunningStats(1);
    }

    /** {@return number of features} */
    public int features() {
        return features;
    }

    /** {@return number of values seen per feature} */
    public long count() {
        return count;
    }

    /**
     * Adds one value of a single-feature accumulator (Welford's update).
     *
     * @param value the new value
     * @return this accumulator
     * @throws IllegalStateException if this accumulator has more than one feature
     */
    public RunningStats add(double value) {
        if (features != 1) {
            throw new IllegalStateException("add(double) needs a single-feature accumulator, but this one has "
                    + features + " features; use add(double[]) with one value per feature");
        }
        count++;
        welford(0, value);
        return this;
    }

    /**
     * Adds one value per feature.
     *
     * @param row one value per feature
     * @return this accumulator
     * @throws IllegalArgumentException if {@code row.length != features()}
     */
    public RunningStats add(double[] row) {
        Objects.requireNonNull(row, "row");
        if (row.length != features) {
            throw new IllegalArgumentException("expected a row of " + features + " values (one per feature), but got "
                    + row.length);
        }
        count++;
        for (int k = 0; k < features; k++) {
            welford(k, row[k]);
        }
        return this;
    }

    private void welford(int k, double x) {
        double delta = x - mean[k];
        mean[k] += delta / count;
        m2[k] += delta * (x - mean[k]);
        min[k] = minOf(min[k], x);
        max[k] = maxOf(max[k], x);
    }

    /**
     * Adds the rows of a {@code [N, K]} tensor, or the single row of a {@code [K]} tensor, of any dtype
     * ({@code K = features()}).
     *
     * @param rows the rows to add
     * @return this accumulator
     * @throws IllegalArgumentException naming the shape if it is neither {@code [K]} nor {@code [N, K]}
     */
    public RunningStats add(Tensor rows) {
        Objects.requireNonNull(rows, "rows");
        long[] dims = rows.shape().toArray();
        boolean single = dims.length == 1 && dims[0] == features;
        boolean matrix = dims.length == 2 && dims[1] == features;
        if (!single && !matrix) {
            throw new IllegalArgumentException("expected a tensor of shape [" + features + "] or [N, " + features
                    + "] (one column per feature), but got " + rows.dtype() + " " + rows.shape());
        }
        long n = single ? 1 : dims[0];
        Reader reader = reader(rows.dtype());
        MemorySegment data = rows.data();
        long blockRows = Math.max(1, BLOCK / features);
        for (long first = 0; first < n; first += blockRows) {
            long m = Math.min(blockRows, n - first);
            for (int k = 0; k < features; k++) {
                addBlock(k, reader, data, first * features + k, features, m);
            }
            count += m;
        }
        return this;
    }

    /**
     * Adds the pixels of an image per channel: a {@code [C, H, W]} or {@code [N, C, H, W]} tensor of any dtype,
     * {@code C = features()}. Every pixel of channel {@code c} is one value of feature {@code c}.
     *
     * @param images one image or a batch of images
     * @return this accumulator
     * @throws IllegalArgumentException naming the shape if it is not CHW or NCHW with {@code features()} channels
     */
    public RunningStats addChannels(Tensor images) {
        Objects.requireNonNull(images, "images");
        long[] dims = images.shape().toArray();
        if ((dims.length != 3 && dims.length != 4) || dims[dims.length - 3] != features) {
            throw new IllegalArgumentException("expected a CHW or NCHW image tensor with " + features
                    + " channels, but got " + images.dtype() + " " + images.shape());
        }
        long n = dims.length == 4 ? dims[0] : 1;
        long plane = dims[dims.length - 2] * dims[dims.length - 1];
        Reader reader = reader(images.dtype());
        MemorySegment data = images.data();
        for (long i = 0; i < n; i++) {
            for (long first = 0; first < plane; first += BLOCK) {
                long m = Math.min(BLOCK, plane - first);
                for (int c = 0; c < features; c++) {
                    addBlock(c, reader, data, (i * features + c) * plane + first, 1, m);
                }
                count += m;
            }
        }
        return this;
    }

    /** Values per block: small enough for the cache, large enough that the merge costs nothing. */
    private static final int BLOCK = 4096;

    /**
     * Merges a block of {@code m} values of feature {@code k} (elements {@code start, start + step, ...}) into the
     * accumulator; the caller adds {@code m} to {@link #count} afterwards.
     */
    private void addBlock(int k, Reader reader, MemorySegment data, long start, long step, long m) {
        if (m == 0) {
            return;
        }
        double sum = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (long j = 0, e = start; j < m; j++, e += step) {
            double x = reader.read(data, e);
            sum += x;
            lo = minOf(lo, x);
            hi = maxOf(hi, x);
        }
        double blockMean = sum / m;
        double blockM2 = 0;
        double correction = 0;
        for (long j = 0, e = start; j < m; j++, e += step) {
            double d = reader.read(data, e) - blockMean;
            blockM2 += d * d;
            correction += d;
        }
        blockM2 -= correction * correction / m;   // removes the first-order error of blockMean
        blockMean += correction / m;
        combine(k, count, m, blockMean, blockM2);
        min[k] = minOf(min[k], lo);
        max[k] = maxOf(max[k], hi);
    }

    /** Chan et al.: merges (nb, meanB, m2B) into feature k, which holds na values. Does not change count. */
    private void combine(int k, long na, long nb, double meanB, double m2B) {
        if (nb == 0) {
            return;
        }
        if (na == 0) {
            mean[k] = meanB;
            m2[k] = m2B;
            return;
        }
        double n = (double) na + nb;
        double delta = meanB - mean[k];
        mean[k] += delta * (nb / n);
        m2[k] += m2B + delta * delta * ((double) na * nb / n);
    }

    /**
     * Adds every value seen by {@code other} (Chan et al.'s parallel merge); {@code other} is unchanged.
     *
     * @param other another accumulator with as many features
     * @return this accumulator
     * @throws IllegalArgumentException if the numbers of features differ
     */
    public RunningStats merge(RunningStats other) {
        Objects.requireNonNull(other, "other");
        if (other.features != features) {
            throw new IllegalArgumentException("cannot merge statistics of " + other.features + " features into "
                    + features + " features");
        }
        for (int k = 0; k < features; k++) {
            combine(k, count, other.count, other.mean[k], other.m2[k]);
            min[k] = minOf(min[k], other.min[k]);
            max[k] = maxOf(max[k], other.max[k]);
        }
        count += other.count;
        return this;
    }

    /** {@return an independent copy of this accumulator} */
    public RunningStats copy() {
        return new RunningStats(features).merge(this);
    }

    /** {@return an immutable snapshot of the statistics so far; with no values, every statistic is {@code NaN}} */
    public Summary summary() {
        double[] mu = new double[features];
        double[] var = new double[features];
        double[] lo = new double[features];
        double[] hi = new double[features];
        for (int k = 0; k < features; k++) {
            if (count == 0) {
                mu[k] = var[k] = lo[k] = hi[k] = Double.NaN;
            } else {
                mu[k] = mean[k];
                var[k] = Math.max(0, m2[k] / count);
                lo[k] = min[k];
                hi[k] = max[k];
            }
        }
        return new Summary(count, mu, var, lo, hi);
    }

    /** For example {@code RunningStats(features=3, count=1000)}. */
    @Override
    public String toString() {
        return "RunningStats(features=" + features + ", count=" + count + ")";
    }

    // NaN-propagating min and max (Math.min/max already propagate NaN).
    private static double minOf(double a, double b) {
        return Math.min(a, b);
    }

    private static double maxOf(double a, double b) {
        return Math.max(a, b);
    }

    /** Reads element {@code e} (an element index, not a byte offset) as a double. */
    @FunctionalInterface
    private interface Reader {
        double read(MemorySegment data, long e);
    }

    private static Reader reader(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> (d, e) -> d.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e);
            case FLOAT64 -> (d, e) -> d.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, e);
            case INT64 -> (d, e) -> d.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, e);
            case INT32 -> (d, e) -> d.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, e);
            case INT16 -> (d, e) -> d.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, e);
            case UINT8, BOOL -> (d, e) -> Byte.toUnsignedInt(d.get(ValueLayout.JAVA_BYTE, e));
        };
    }
}
