package org.dataloader4j.loader;

import java.util.Optional;

/**
 * A sample that a loader with {@link SampleErrorPolicy#skip} left out of its batch.
 *
 * <pre>{@code
 * for (SkippedSample s : loader.skippedSamples())
 *     log.warn("skipped sample {} ({}): {}", s.index(), s.source().orElse("?"), s.cause().toString());
 * }</pre>
 *
 * @param epoch       the epoch
 * @param batchNumber the batch it belonged to
 * @param index       the dataset index
 * @param source      where it comes from (usually a file), as the dataset reports it
 * @param cause       what reading it threw
 */
public record SkippedSample(long epoch, long batchNumber, long index, Optional<String> source, Throwable cause) {

    /** The skip described by a loader failure of one sample. */
    static SkippedSample of(DataLoaderException failure) {
        return new SkippedSample(failure.epoch(), failure.batchNumber().orElse(-1), failure.sampleIndex().orElse(-1),
                failure.source(), failure.getCause() != null ? failure.getCause() : failure);
    }

    @Override
    public String toString() {
        return "sample " + index + source.map(s -> " (" + s + ")").orElse("") + " in batch " + batchNumber + ": "
                + cause;
    }
}
