package org.dataloader4j.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The samples of a dataset at chosen indices, in the chosen order, PyTorch's {@code Subset}:
 * sample {@code i} of the subset is sample {@code indices[i]} of the dataset. Indices may repeat.
 * Unlike PyTorch, every index is checked once, at construction, so a bad index is reported where
 * it was made rather than in the middle of an epoch.
 *
 * <pre>{@code
 * Dataset<String> letters = Datasets.of(List.of("a", "b", "c", "d"));
 * Subset<String> evens = new Subset<>(letters, new long[] {0, 2});
 * evens.get(1);   // "c"
 * }</pre>
 *
 * @param <T> the type of one sample
 */
public final class Subset<T> implements Dataset<T>, TransformDepth {
    private final Dataset<? extends T> dataset;
    private final long[] indices;

    /**
     * The samples of {@code dataset} at {@code indices} (the array is copied).
     *
     * @param dataset the whole dataset
     * @param indices the indices of the subset's samples in {@code dataset}, in order
     * @throws IllegalArgumentException naming the position and value of the first index outside
     *                                  {@code [0, dataset.size())}
     */
    public Subset(Dataset<? extends T> dataset, long[] indices) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.indices = Objects.requireNonNull(indices, "indices").clone();
        long n = dataset.size();
        for (int i = 0; i < this.indices.length; i++) {
            long index = this.indices[i];
            if (index < 0 || index >= n) {
                throw new IllegalArgumentException("indices[" + i + "] is " + index
                        + ", but every index must be in [0, " + n + ") for a dataset of size " + n);
            }
        }
    }

    /** {@return the dataset the samples come from} */
    public Dataset<? extends T> dataset() {
        return dataset;
    }

    /** {@return a copy of the indices into {@link #dataset()}} */
    public long[] indices() {
        return indices.clone();
    }

    @Override
    public long size() {
        return indices.length;
    }

    /**
     * Sample {@code indices[index]} of the dataset.
     *
     * @throws IndexOutOfBoundsException naming the index and the size
     */
    @Override
    public T get(long index) {
        return dataset.get(indices[(int) Datasets.checkIndex(index, indices.length)]);
    }

    /**
     * The dataset's {@code getBatch} of the mapped indices: a dataset that reads batches at once (or copies rows,
     * see {@link #tensorRows()}) keeps doing so through a subset.
     *
     * @throws IndexOutOfBoundsException naming an index and the size
     */
    @Override
    @SuppressWarnings("unchecked") // the dataset's samples are Ts; the list is only read
    public List<T> getBatch(long[] batch) {
        return (List<T>) dataset.getBatch(mapped(batch));
    }

    /** The dataset's rows at the mapped indices, when it has rows. */
    @Override
    public Optional<TensorRows> tensorRows() {
        return dataset.tensorRows().map(rows -> new TensorRows() {
            @Override
            public List<Row> layout() {
                return rows.layout();
            }

            @Override
            public void copyRows(long[] batch, int[] into, List<org.dataloader4j.tensor.Tensor> tensors) {
                rows.copyRows(mapped(batch), into, tensors);
            }
        });
    }

    private long[] mapped(long[] batch) {
        long[] out = new long[batch.length];
        for (int i = 0; i < batch.length; i++) {
            out[i] = indices[(int) Datasets.checkIndex(batch[i], indices.length)];
        }
        return out;
    }

    /** The source the dataset names for {@code indices[index]}. */
    @Override
    public Optional<String> source(long index) {
        return dataset.source(indices[(int) Datasets.checkIndex(index, indices.length)]);
    }

    @Override
    public int transformDepth() {
        return TransformDepth.of(dataset);
    }

    /** For example {@code Subset(size=2, of a dataset of size 4)}. */
    @Override
    public java.util.Optional<String> fingerprint() {
        long h = 0xcbf29ce484222325L;
        for (long i : indices) {
            h = (h ^ i) * 0x100000001b3L;
        }
        String of = String.format(java.util.Locale.ROOT, "Subset(size=%d, indices=%016x, of %d", indices.length, h,
                dataset.size());
        return java.util.Optional.of(of + dataset.fingerprint().map(f -> ": " + f).orElse("") + ")");
    }

    @Override
    public String toString() {
        return "Subset(size=" + indices.length + ", of a dataset of size " + dataset.size() + ")";
    }
}
