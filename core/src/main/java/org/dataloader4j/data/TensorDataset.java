package org.dataloader4j.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.dataloader4j.tensor.Tensor;

/**
 * A dataset over tensors that share their first dimension: sample {@code i} is the list of row
 * {@code i} of every tensor, PyTorch's {@code TensorDataset}. The rows are {@link Tensor#select}
 * views, so reading a sample copies nothing; writing into a sample writes into the tensor.
 *
 * <h2>Ownership</h2>
 * The dataset does not own the tensors and never closes them: whoever created them closes them,
 * after the last use of the dataset and of any sample read from it. A sample of a closed tensor
 * throws {@link IllegalStateException} on access instead of reading freed memory.
 *
 * <pre>{@code
 * try (Tensor features = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
 *      Tensor labels = Tensor.of(new long[] {0, 1, 0})) {
 *     TensorDataset dataset = new TensorDataset(features, labels);
 *     List<Tensor> second = dataset.get(1);   // [features row 1 (shape [2]), labels row 1 (shape [])]
 *     float x = second.get(0).getFloat(1);    // 4.0
 * }
 * }</pre>
 */
public final class TensorDataset implements Dataset<List<Tensor>> {
    private final List<Tensor> tensors;
    private final long size;
    private final Rows rows;

    /**
     * A dataset over {@code tensors}, which are kept (not copied) and not closed by the dataset.
     *
     * @param tensors tensors with the same first dimension, the number of samples
     * @throws IllegalArgumentException if there is no tensor, a tensor has rank 0, or the first dimensions
     *                                  differ (naming both tensors' positions and shapes)
     * @throws NullPointerException     if the array or one of its tensors is null (naming its position)
     */
    public TensorDataset(Tensor... tensors) {
        Objects.requireNonNull(tensors, "tensors");
        if (tensors.length == 0) {
            throw new IllegalArgumentException("TensorDataset needs at least one tensor, but got none");
        }
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            if (t == null) {
                throw new NullPointerException("tensor " + i + " is null");
            }
            if (t.rank() < 1) {
                throw new IllegalArgumentException("tensor " + i + " has shape " + t.shape()
                        + " (rank 0), but every tensor needs rank >= 1: samples are taken along the first dimension");
            }
        }
        Tensor first = tensors[0];
        for (int i = 1; i < tensors.length; i++) {
            if (tensors[i].shape().dim(0) != first.shape().dim(0)) {
                throw new IllegalArgumentException("tensor " + i + " has shape " + tensors[i].shape()
                        + " but tensor 0 has shape " + first.shape()
                        + ": all tensors must have the same size in the first dimension");
            }
        }
        this.tensors = List.of(tensors);
        this.size = first.shape().dim(0);
        this.rows = new Rows();
    }

    /** Copies rows of the tensors, with {@link RowGather} (a label of 8 bytes by one load and store). */
    private final class Rows implements TensorRows {
        private final List<Row> layout = tensors.stream().map(t -> new Row(t.dtype(), t.shape().dropFirst())).toList();

        @Override
        public List<Row> layout() {
            return layout;
        }

        @Override
        public void copyRows(long[] indices, int[] rows, List<Tensor> batch) {
            if (indices.length != rows.length || batch.size() != tensors.size()) {
                throw new IllegalArgumentException(indices.length + " indices, " + rows.length + " rows and "
                        + batch.size() + " batch tensors for a dataset of " + tensors.size() + " tensors");
            }
            for (long index : indices) {
                Datasets.checkIndex(index, size);
            }
            for (int t = 0; t < tensors.size(); t++) {
                Tensor source = tensors.get(t);
                Tensor target = batch.get(t);
                long rowBytes = source.shape().stride(0) * source.dtype().byteSize();
                if (target.dtype() != source.dtype() || !target.shape().dropFirst().equals(source.shape().dropFirst())) {
                    throw new IllegalArgumentException("batch tensor " + t + " is " + target.dtype() + " "
                            + target.shape() + ", but rows of tensor " + t + " are " + source.dtype() + " "
                            + source.shape().dropFirst());
                }
                MemorySegment from = source.data();
                MemorySegment to = target.data();
                if (rowBytes == Long.BYTES) { // a label per sample: one load and store, not a copy call per row
                    for (int k = 0; k < indices.length; k++) {
                        to.set(ValueLayout.JAVA_LONG_UNALIGNED, rows[k] * rowBytes,
                                from.get(ValueLayout.JAVA_LONG_UNALIGNED, indices[k] * rowBytes));
                    }
                    continue;
                }
                RowGather.copy(from, to, indices, rows, rowBytes);
            }
        }
    }

    /**
     * {@return the tensors, in the order given to the constructor (an unmodifiable list; the tensors themselves are
     * shared)}
     */
    public List<Tensor> tensors() {
        return tensors;
    }

    /** The size of the tensors' first dimension. */
    @Override
    public long size() {
        return size;
    }

    /**
     * Row {@code index} of every tensor, as an unmodifiable list of views (no copy).
     *
     * @throws IndexOutOfBoundsException naming the index and the size
     */
    @Override
    public List<Tensor> get(long index) {
        Datasets.checkIndex(index, size);
        Tensor[] row = new Tensor[tensors.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = tensors.get(i).select(index);
        }
        return List.of(row);
    }

    /** The dataset's tensors as rows: a loader copies the rows of a batch straight into batch memory. */
    @Override
    public java.util.Optional<TensorRows> tensorRows() {
        return java.util.Optional.of(rows);
    }

    /** The tensors' dtypes and shapes (their contents are not hashed: that would read every byte). */
    @Override
    public java.util.Optional<String> fingerprint() {
        return java.util.Optional.of("TensorDataset(" + tensors.stream().map(t -> t.dtype() + t.shape().toString())
                .collect(java.util.stream.Collectors.joining(", ")) + ")");
    }

    @Override
    /** For example {@code TensorDataset(size=10, tensors=[FLOAT32 [10, 3], INT64 [10]])}; reads no data. */
    public String toString() {
        return "TensorDataset(size=" + size + ", tensors="
                + Arrays.toString(tensors.stream().map(t -> t.dtype() + " " + t.shape()).toArray()) + ")";
    }
}
