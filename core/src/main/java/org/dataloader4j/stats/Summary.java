package org.dataloader4j.stats;

import java.util.Arrays;

/**
 * An immutable snapshot of {@link RunningStats}: per feature, the count, mean, population variance, minimum
 * and maximum of the values seen, with the sample variance and both standard deviations derived from them.
 * With no values, every statistic is {@code NaN}. A {@code NaN} among the values makes that feature's
 * statistics {@code NaN}.
 *
 * <pre>{@code
 * Summary s = new RunningStats(2).add(new double[] {1, 10}).add(new double[] {3, 30}).summary();
 * s.mean();           // [2.0, 20.0]
 * s.variance();       // [1.0, 100.0]  population (divides by n)
 * s.sampleVariance(); // [2.0, 200.0]  Bessel-corrected (divides by n - 1)
 * }</pre>
 *
 * @param count    number of values per feature
 * @param mean     mean of each feature
 * @param variance population variance of each feature ({@code sum((x - mean)^2) / count})
 * @param min      smallest value of each feature
 * @param max      largest value of each feature
 */
public record Summary(long count, double[] mean, double[] variance, double[] min, double[] max) {

    /** Validates and copies the arrays, which must all have the same length. */
    public Summary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, but got count=" + count);
        }
        int k = mean.length;
        if (variance.length != k || min.length != k || max.length != k) {
            throw new IllegalArgumentException("mean, variance, min and max need one value per feature, but have "
                    + k + ", " + variance.length + ", " + min.length + " and " + max.length);
        }
        mean = mean.clone();
        variance = variance.clone();
        min = min.clone();
        max = max.clone();
    }

    /** {@return number of features} */
    public int features() {
        return mean.length;
    }

    /**
     * {@return the mean of each feature}
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * {@return the population variance of each feature ({@code sum((x - mean)^2) / count})}
     */
    @Override
    public double[] variance() {
        return variance.clone();
    }

    /**
     * {@return the smallest value of each feature}
     */
    @Override
    public double[] min() {
        return min.clone();
    }

    /**
     * {@return the largest value of each feature}
     */
    @Override
    public double[] max() {
        return max.clone();
    }

    /**
     * {@return bessel-corrected variance ({@code sum((x - mean)^2) / (count - 1)}); {@code NaN} for fewer than 2
     * values}
     */
    public double[] sampleVariance() {
        double[] v = new double[variance.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = count < 2 ? Double.NaN : variance[i] * count / (count - 1);
        }
        return v;
    }

    /** {@return population standard deviation: the square root of {@link #variance()}} */
    public double[] std() {
        return sqrt(variance);
    }

    /** {@return sample standard deviation: the square root of {@link #sampleVariance()}} */
    public double[] sampleStd() {
        return sqrt(sampleVariance());
    }

    private static double[] sqrt(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.sqrt(a[i]);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Summary s && count == s.count && Arrays.equals(mean, s.mean)
                && Arrays.equals(variance, s.variance) && Arrays.equals(min, s.min) && Arrays.equals(max, s.max);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(mean) * 17 + Arrays.hashCode(variance);
    }

    /** For example {@code Summary(count=2, mean=[2.0], std=[1.0], min=[1.0], max=[3.0])}. */
    @Override
    public String toString() {
        return "Summary(count=" + count + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std())
                + ", min=" + Arrays.toString(min) + ", max=" + Arrays.toString(max) + ")";
    }
}
