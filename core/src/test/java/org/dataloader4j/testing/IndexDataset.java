package org.dataloader4j.testing;

import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;
import org.dataloader4j.data.Dataset;

/**
 * A dataset for tests whose sample {@code i} is a function of {@code i}, at any size: nothing is held in memory. An
 * index outside {@code [0, size)} is refused with an {@link IndexOutOfBoundsException} naming it and the size. It can
 * name a source for each sample and carry a fingerprint, for tests of what wrappers and the loader report.
 *
 * <pre>{@code
 * Dataset<Long> numbers = IndexDataset.numbers(10);                       // sample i is i
 * Dataset<String> files = IndexDataset.of(3, i -> "f" + i).withSources("/data/f%d.bin").withFingerprint("files-A");
 * files.source(2);   // Optional["/data/f2.bin"]
 * }</pre>
 *
 * @param <T> the type of one sample
 */
public final class IndexDataset<T> implements Dataset<T> {
    private final long size;
    private final LongFunction<? extends T> sample;
    private final String sourceFormat;   // null: no sample names a source
    private final String fingerprint;    // null: no fingerprint

    private IndexDataset(long size, LongFunction<? extends T> sample, String sourceFormat, String fingerprint) {
        this.size = size;
        this.sample = sample;
        this.sourceFormat = sourceFormat;
        this.fingerprint = fingerprint;
    }

    /**
     * {@return {@code size} samples, sample {@code i} being {@code sample.apply(i)}, with no source and no
     * fingerprint}
     *
     * @param <T>    the type of one sample
     * @param size   the number of samples
     * @param sample sample {@code i} from {@code i}
     */
    public static <T> IndexDataset<T> of(long size, LongFunction<? extends T> sample) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, but got " + size);
        }
        return new IndexDataset<>(size, Objects.requireNonNull(sample, "sample"), null, null);
    }

    /**
     * {@return {@code size} samples, sample {@code i} being the number {@code i}}
     *
     * @param size the number of samples
     */
    public static IndexDataset<Long> numbers(long size) {
        return of(size, i -> i);
    }

    /**
     * {@return the same samples, sample {@code i} naming {@code String.format(format, i)} as its source}
     *
     * @param format a format with one {@code %d}, for example {@code "/data/sample-%d.bin"}
     */
    public IndexDataset<T> withSources(String format) {
        return new IndexDataset<>(size, sample, Objects.requireNonNull(format, "format"), fingerprint);
    }

    /**
     * {@return the same samples, with {@code fingerprint} as their fingerprint}
     *
     * @param fingerprint what the dataset reports as its fingerprint
     */
    public IndexDataset<T> withFingerprint(String fingerprint) {
        return new IndexDataset<>(size, sample, sourceFormat, Objects.requireNonNull(fingerprint, "fingerprint"));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public T get(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return sample.apply(index);
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
