package org.dataloader4j.loader;

import org.dataloader4j.internal.Preconditions;

/**
 * What a {@link DataLoader} does when reading a sample fails ({@code Dataset.get} or its transforms throw):
 * {@link #fail()} (the default) delivers the failure in the place of the sample's batch; {@link #skip} leaves
 * the sample out of its batch, records it (see {@link DataLoader#skippedSamples()}) and goes on, within a
 * budget per epoch. PyTorch has no such option; its users write collate functions that drop {@code None}.
 *
 * <p>Skipping is deterministic: a batch holds the samples of its sampler batch that loaded, in order, so
 * the batches are the same for any number of workers and after a resume. A batch whose every sample failed
 * is left out. When an epoch's skips exceed the budget, the batch that exceeds it fails with a
 * {@link DataLoaderException} listing the first failures, and the epoch ends.
 *
 * <pre>{@code
 * DataLoader.builder(images).batchSize(64)
 *         .onSampleError(SampleErrorPolicy.skip(100, 0.001))   // at most 100 and at most 0.1 % per epoch
 *         .build();
 * }</pre>
 *
 * @param skip        whether failed samples are skipped
 * @param maxCount    most samples skipped per epoch (with {@code skip})
 * @param maxFraction most samples skipped per epoch as a fraction of the dataset's size (with {@code skip})
 */
public record SampleErrorPolicy(boolean skip, long maxCount, double maxFraction) {

    /** Validates the budget. */
    public SampleErrorPolicy {
        Preconditions.checkNonNegative("maxCount", maxCount);
        Preconditions.checkRange("maxFraction", maxFraction, 0, 1);
    }

    /** {@return every failure is delivered to the consumer (the default)} */
    public static SampleErrorPolicy fail() {
        return new SampleErrorPolicy(false, 0, 0);
    }

    /**
     * {@return the policy that skips failed samples, at most {@code maxCount} per epoch}
     *
     * @param maxCount the most samples skipped per epoch
     */
    public static SampleErrorPolicy skip(long maxCount) {
        return new SampleErrorPolicy(true, maxCount, 1);
    }

    /**
     * {@return the policy that skips failed samples, at most {@code maxFraction} of the dataset's size per epoch}
     *
     * @param maxFraction the largest fraction of the dataset skipped per epoch
     */
    public static SampleErrorPolicy skipFraction(double maxFraction) {
        return new SampleErrorPolicy(true, Long.MAX_VALUE, maxFraction);
    }

    /**
     * {@return the policy that skips failed samples, at most {@code maxCount} and at most {@code maxFraction} of the dataset per epoch}
     *
     * @param maxCount the most samples skipped per epoch
     * @param maxFraction the largest fraction of the dataset skipped per epoch
     */
    public static SampleErrorPolicy skip(long maxCount, double maxFraction) {
        return new SampleErrorPolicy(true, maxCount, maxFraction);
    }

    /** The most samples an epoch may skip over a dataset of {@code datasetSize} samples. */
    long budget(long datasetSize) {
        return Math.min(maxCount, (long) Math.floor(maxFraction * datasetSize));
    }
}
