package org.dataloader4j.stats;

/**
 * An exponential moving average of a stream of numbers: each update moves the average a fraction
 * {@code alpha} of the way to the new value, so the weight of a value decays by {@code 1 - alpha} per later
 * update. Unlike {@link RunningStats}, which weighs every value equally, it follows a quantity that drifts
 * (a loss, a throughput, a batch-norm style running mean).
 *
 * <h2>The first updates</h2>
 * <ul>
 *   <li>With bias correction (the default), the average starts at 0 and is divided by
 *       {@code 1 - (1 - alpha)^t} after {@code t} updates, as Adam does: the result is the weighted mean of all
 *       values so far with weights {@code (1 - alpha)^age}, unbiased from the first update on.</li>
 *   <li>Without it, the first value seeds the average ({@code value = x1}), and every later update is
 *       {@code value += alpha * (x - value)}.</li>
 * </ul>
 * Both give {@code x} for a constant stream {@code x, x, x, ...}. Before any update {@link #value()} is
 * {@code NaN}. Not thread-safe.
 *
 * <pre>{@code
 * ExponentialMovingAverage loss = ExponentialMovingAverage.ofHalfLife(100);  // a value's weight halves in 100 steps
 * for (Batch batch : loader.epoch(epoch)) {
 *     loss.update(train(batch));
 *     progress.show(loss.value());
 * }
 * }</pre>
 */
public final class ExponentialMovingAverage {
    private final double alpha;
    private final boolean biasCorrection;
    private double average;
    private double decay = 1;   // (1 - alpha)^count, for the bias correction
    private long count;

    private ExponentialMovingAverage(double alpha, boolean biasCorrection) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], but got alpha=" + alpha);
        }
        this.alpha = alpha;
        this.biasCorrection = biasCorrection;
    }

    /**
     * {@return an average with smoothing factor {@code alpha} in {@code (0, 1]}, with bias correction}
     *
     * @param alpha the smoothing factor
     */
    public static ExponentialMovingAverage ofAlpha(double alpha) {
        return new ExponentialMovingAverage(alpha, true);
    }

    /**
     * {@return an average with smoothing factor {@code alpha} in {@code (0, 1]}; see the class comment for the two
     * starts}
     *
     * @param alpha the smoothing factor
     * @param biasCorrection whether to correct the bias of the first updates
     */
    public static ExponentialMovingAverage ofAlpha(double alpha, boolean biasCorrection) {
        return new ExponentialMovingAverage(alpha, biasCorrection);
    }

    /**
     * {@return an average in which a value's weight halves every {@code halfLife} updates ({@code alpha = 1 - 2^(-1 /
     * halfLife)}), with bias correction}
     *
     * @param halfLife the number of updates after which a value's weight has halved
     * @throws IllegalArgumentException if {@code halfLife} is not positive and finite
     */
    public static ExponentialMovingAverage ofHalfLife(double halfLife) {
        return ofHalfLife(halfLife, true);
    }

    /**
     * As {@link #ofHalfLife(double)}, choosing whether to correct the bias of the first updates.
     *
     * @param halfLife the number of updates after which a value's weight has halved
     * @param biasCorrection whether to correct the bias of the first updates
     * @return a new average
     */
    public static ExponentialMovingAverage ofHalfLife(double halfLife, boolean biasCorrection) {
        if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
            throw new IllegalArgumentException("halfLife must be a positive number of updates, but got halfLife="
                    + halfLife);
        }
        return new ExponentialMovingAverage(-Math.expm1(-Math.log(2) / halfLife), biasCorrection);
    }

    /**
     * Adds a value.
     *
     * @param value the new value
     * @return this average
     */
    public ExponentialMovingAverage update(double value) {
        count++;
        if (biasCorrection) {
            average += alpha * (value - average);
            decay *= 1 - alpha;
        } else if (count == 1) {
            average = value;
        } else {
            average += alpha * (value - average);
        }
        return this;
    }

    /** {@return the current average; {@code NaN} before the first update} */
    public double value() {
        if (count == 0) {
            return Double.NaN;
        }
        return biasCorrection ? average / (1 - decay) : average;
    }

    /** {@return number of updates so far} */
    public long count() {
        return count;
    }

    /** {@return the smoothing factor} */
    public double alpha() {
        return alpha;
    }

    /** {@return true if the first updates are bias-corrected (see the class comment)} */
    public boolean biasCorrected() {
        return biasCorrection;
    }

    /** Forgets every value. */
    public void reset() {
        average = 0;
        decay = 1;
        count = 0;
    }

    /** For example {@code ExponentialMovingAverage(alpha=0.1, value=0.53, count=20)}. */
    @Override
    public String toString() {
        return "ExponentialMovingAverage(alpha=" + alpha + ", value=" + value() + ", count=" + count + ")";
    }
}
