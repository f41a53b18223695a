package org.dataloader4j.data;

import java.util.List;
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
     * Reads the samples {@code indices}, in that order, like PyTorch's {@code __getitems__}: the {@code DataLoader}
     * calls it once per batch (or once per worker's share of a batch), never {@link #get} directly, so a dataset that
     * reads many samples at once more cheaply than one by one (one query for many rows, one read of adjacent
     * records) overrides it. The default reads each sample with {@link #get}, through
     * {@link BatchContext#readEach}, so each sample's random generator, memory and failure message are those of a
     * sample read alone; an override should do its per-sample work through {@link BatchContext#readSlot} for the
     * same reason (a failure of the override itself names the batch).
     *
     * <p>Must allow concurrent calls, like {@code get}; the list may be unmodifiable.
     *
     * @param indices the samples' indices, in the order wanted
     * @return one sample per index, in the order of {@code indices}
     * @throws IndexOutOfBoundsException naming an index that is out of range
     */
    default List<T> getBatch(long[] indices) {
        return BatchContext.readEach(indices, this::get);
    }

    /**
     * The rows of tensors this dataset's samples are, when they are (see {@link TensorRows}): a {@code DataLoader}
     * with the default collate then copies each batch's rows straight into batch memory instead of reading samples.
     * Empty (the default) for any other dataset. A dataset that returns rows must have {@code get(i)} return the
     * unmodifiable list of row {@code i} of each tensor, so the two paths give the same batches.
     *
     * @return the rows, or empty
     */
    default Optional<TensorRows> tensorRows() {
        return Optional.empty();
    }

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
