package org.dataloader4j.stats;

import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of an image dataset, as {@link Stats#compute} returns them: the
 * parameters of a {@code Normalize(mean, std)} transform. {@code std} is the population standard deviation over
 * all pixels of a channel; {@link #summary()} has everything else (sample variance, minimum, maximum).
 *
 * <pre>{@code
 * ChannelStats s = Stats.compute(trainingImages, 256, 4);
 * s.mean();   // e.g. [0.485, 0.456, 0.406]
 * s.std();    // e.g. [0.229, 0.224, 0.225]
 * }</pre>
 *
 * @param count   pixels per channel
 * @param mean    mean of each channel
 * @param std     population standard deviation of each channel
 * @param summary the full statistics
 */
public record ChannelStats(long count, double[] mean, double[] std, Summary summary) {

    /**
     * {@return the statistics of {@code summary}}
     *
     * @param summary the per-channel summary of a {@link RunningStats}
     */
    public static ChannelStats of(Summary summary) {
        return new ChannelStats(summary.count(), summary.mean(), summary.std(), summary);
    }

    /** Copies the arrays. */
    public ChannelStats {
        mean = mean.clone();
        std = std.clone();
    }

    /** {@return number of channels} */
    public int channels() {
        return mean.length;
    }

    /**
     * {@return the mean of each channel}
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * {@return the standard deviation of each channel (population, as {@code Normalize} wants it)}
     */
    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStats c && count == c.count && Arrays.equals(mean, c.mean)
                && Arrays.equals(std, c.std) && summary.equals(c.summary);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    /** For example {@code ChannelStats(count=50176, mean=[0.48, 0.45, 0.4], std=[0.22, 0.22, 0.22])}. */
    @Override
    public String toString() {
        return "ChannelStats(count=" + count + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
                + ")";
    }
}
