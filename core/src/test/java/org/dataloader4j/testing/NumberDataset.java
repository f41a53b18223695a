package org.dataloader4j.testing;

import java.util.Objects;
import java.util.Optional;
import org.dataloader4j.data.Dataset;

/**
 * A dataset for tests whose sample {@code i} is the number {@code i}, at any size: nothing is held in memory. An index
 * outside {@code [0, size)} is refused with an {@link IndexOutOfBoundsException} naming it and the size. It can name a
 * source for each sample and carry a fingerprint, for tests of what wrappers and the loader report.
 *
 * <pre>{@code
 * Dataset<Long> numbers = NumberDataset.of(10);
 * Dataset<Long> files = NumberDataset.of(10).withSources("/data/sample-%d.bin").withFingerprint("files-A");
 * files.source(3);   // Optional["/data/sample-3.bin"]
 * }</pre>
 */
public final class NumberDataset implements Dataset<Long> {
    private final long size;
    private final String sourceFormat;   // null: no sample names a source
    private final String fingerprint;    // null: no fingerprint

    private NumberDataset(long size, String sourceFormat, String fingerprint) {
        this.size = size;
        this.sourceFormat = sourceFormat;
        this.fingerprint = fingerprint;
    }

    /**
     * {@return {@code size} samples, sample {@code i} being {@code i}, with no source and no fingerprint}
     *
     * @param size the number of samples
     */
    public static NumberDataset of(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, but got " + size);
        }
        return new NumberDataset(size, null, null);
    }

    /**
     * {@return the same numbers, sample {@code i} naming {@code String.format(format, i)} as its source}
     *
     * @param format a format with one {@code %d}, for example {@code "/data/sample-%d.bin"}
     */
    public NumberDataset withSources(String format) {
        return new NumberDataset(size, Objects.requireNonNull(format, "format"), fingerprint);
    }

    /**
     * {@return the same numbers, with {@code fingerprint} as their fingerprint}
     *
     * @param fingerprint what the dataset reports as its fingerprint
     */
    public NumberDataset withFingerprint(String fingerprint) {
        return new NumberDataset(size, sourceFormat, Objects.requireNonNull(fingerprint, "fingerprint"));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Long get(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return index;
    }

    @Override
    public Optional<String> source(long index) {
        return sourceFormat == null ? Optional.empty() : Optional.of(String.format(sourceFormat, index));
    }

    @Override
    public Optional<String> fingerprint() {
        return Optional.ofNullable(fingerprint);
    }
}
