package org.dataloader4j.data;

import java.util.Optional;

/**
 * A map-style dataset: a fixed number of samples, each read on demand by {@link #get(long)}, like
 * PyTorch's {@code torch.utils.data.Dataset} ({@code __len__} and {@code __getitem__}). The
 * constructor should only gather what is cheap (a file list, an index); the expensive reading and
 * decoding happens in {@code get}, so a dataset larger than memory costs only what is in use.
 *
 * <p>Implementations must allow {@code get} to be called concurrently from several threads: the
 * parallel {@code DataLoader} shares one dataset between its workers instead of copying it.
 *
 * <pre>{@code
 * record Sample(Tensor features, long label) {}
 *
 * Dataset<Sample> csv = new Dataset<>() {
 *     public long size() { return rows.size(); }
 *     public Sample get(long i) {
 *         Datasets.checkIndex(i, size());
 *         return parse(rows.get((int) i));   // read lazily, one sample at a time
 *     }
 * };
 * Dataset<Sample> noisy = csv.map((s, rng) -> addNoise(s, rng));   // rng is per sample
 * }</pre>
 *
 * @param <T> the type of one sample
 */
public interface Dataset<T> {

    /** {@return number of samples; valid indices are {@code 0 .. size() - 1}} */
    long size();

    /**
     * Reads sample {@code index}.
     *
     * @param index the sample's index, in {@code [0, size())}
     * @return the sample
     * @throws IndexOutOfBoundsException naming the index and the size when {@code index} is out of range
     */
    T get(long index);

    /**
     * {@return where sample {@code index} comes from (a file path, a URL, a row of a table), if the dataset knows; the
     * {@code DataLoader} puts it into error messages} The default knows nothing.
     *
     * @param index the sample's index
     */
    default Optional<String> source(long index) {
        return Optional.empty();
    }

    /**
     * {@return what identifies this dataset's samples beyond its size, for checking that a saved {@link
     * org.dataloader4j.loader.LoaderState} is resumed over the same data: two datasets with the same fingerprint return
     * the same samples at the same indices (for example a digest of an image folder's file list)} Empty (the default)
     * when the dataset cannot tell; the loader then checks the size only.
     */
    default Optional<String> fingerprint() {
        return Optional.empty();
    }

    /**
     * {@return a lazy view of this dataset whose samples are passed through {@code transform}} The transform receives a
     * random generator derived from the loader's (seed, epoch, sample), so random augmentations are reproducible and
     * independent of the number of workers.
     *
     * @param <R> the type of the transformed samples
     * @param transform applied to each sample when it is read
     */
    default <R> Dataset<R> map(SampleTransform<? super T, ? extends R> transform) {
        return new MappedDataset<>(this, transform);
    }
}
