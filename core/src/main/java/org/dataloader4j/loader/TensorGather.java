package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.collate.DefaultCollate;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.MappedDataset;
import org.dataloader4j.data.TensorRows;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.tensor.TensorAllocator;

/**
 * The fast path for a dataset that has {@link TensorRows} ({@link Dataset#tensorRows()}: a {@code TensorDataset},
 * a {@code Subset} or {@code ConcatDataset} of them) with the default collate (also one with custom leaves that
 * leave tensors and lists to the built-in rules): the batch tensors are allocated (pooled) before any row is read,
 * and each batch tensor is gathered row by row straight from the dataset's tensors, one copy per row and no
 * per-sample objects. {@link #copy} fills any range of a batch's rows, so the rows of one batch could be split
 * between workers; the engines give each batch to one worker (the workers gather different batches at once). The
 * result is exactly what reading the samples and collating them gives (a {@link Batch} holding the
 * list of stacked tensors); tests compare the two.
 */
final class TensorGather {
    private final TensorRows rows;
    private final long size;

    private TensorGather(TensorRows rows, long size) {
        this.rows = rows;
        this.size = size;
    }

    /**
     * The gather for {@code config}, or null when its dataset has no rows or its collate needs the general path
     * (also when failed samples are skipped: the general path reads each sample on its own).
     */
    static TensorGather of(LoaderConfig<?, ?> config) {
        return whyNot(config).isEmpty() ? new TensorGather(config.dataset().tensorRows().orElseThrow(),
                config.dataset().size()) : null;
    }

    /** Why {@code config}'s batches are read sample by sample instead of gathered; empty when they are gathered. */
    static Optional<String> whyNot(LoaderConfig<?, ?> config) {
        Dataset<?> dataset = config.dataset();
        if (dataset == null) {
            return Optional.of("the dataset is a stream");
        }
        if (config.skipsFailedSamples()) {
            return Optional.of("failed samples are skipped, which needs each sample read on its own");
        }
        TensorRows rows = dataset.tensorRows().orElse(null);
        if (rows == null) {
            return Optional.of("the dataset (" + dataset.getClass().getSimpleName() + ") has no tensorRows()"
                    + (dataset instanceof MappedDataset<?, ?> ? ": a map transforms each sample" : ""));
        }
        if (!gathersLikeCollate(config.collate(), rows.layout().size())) {
            return Optional.of("the collate (" + config.collate() + ") does not stack tensors as the default does");
        }
        return Optional.empty();
    }

    /**
     * Whether {@code collate} batches the dataset's samples (lists of {@code tensors} tensors) by stacking each
     * tensor: the default collate, also with custom leaves as long as none of them covers {@code Tensor} or the
     * samples' list class.
     */
    private static boolean gathersLikeCollate(Collate<?, ?> collate, int tensors) {
        if (collate == Collate.defaultCollate()) {
            return true;
        }
        if (!(collate instanceof DefaultCollate custom)) {
            return false;
        }
        Object[] placeholders = new Object[tensors];
        Arrays.fill(placeholders, Boolean.TRUE);
        Class<?> sampleClass = List.of(placeholders).getClass(); // the class of the lists the samples are
        try {
            return custom.leafTypeFor(Tensor.class).isEmpty() && custom.leafTypeFor(sampleClass).isEmpty();
        } catch (IllegalArgumentException ambiguous) {
            return false; // the general path reports the ambiguity with the batch
        }
    }

    /** The (unfilled) tensors of a batch of {@code n} samples, from {@code allocator}. */
    List<Tensor> allocate(int n, TensorAllocator allocator) {
        List<Tensor> out = new ArrayList<>(rows.layout().size());
        try {
            for (TensorRows.Row row : rows.layout()) {
                out.add(allocator.allocateUninitialized(row.dtype(), row.shape().prepend(n)));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(Tensor::close);
            throw e;
        }
        return out;
    }

    /**
     * Copies the rows of the samples {@code indices[from .. to)} into the same rows of {@code batch}; a bad index
     * fails naming it, any other failure names the batch.
     */
    void copy(long epoch, long batchNumber, long[] indices, int from, int to, List<Tensor> batch, int workerId) {
        for (int k = from; k < to; k++) {
            long index = indices[k];
            if (index < 0 || index >= size) {
                throw DataLoaderException.sample(epoch, batchNumber, index, null, workerId,
                        new IndexOutOfBoundsException("index " + index + " is out of range for a dataset of size "
                                + size));
            }
        }
        int[] into = new int[to - from];
        for (int k = 0; k < into.length; k++) {
            into[k] = from + k;
        }
        try {
            rows.copyRows(Arrays.copyOfRange(indices, from, to), into, batch);
        } catch (RuntimeException | Error e) {
            throw DataLoaderException.collate(epoch, batchNumber, indices, workerId, e);
        }
    }

    /** The batch of the filled tensors {@code batch}, which it owns from now on. */
    static Batch batch(List<Tensor> batch, int size) {
        return Batch.of(List.copyOf(batch), size, batch);
    }

    /** Gathers the rows {@code indices} of every tensor into a batch on this thread; a bad index fails naming it. */
    Batch gather(LoaderConfig<?, ?> config, long epoch, long batchNumber, long[] indices, int workerId) {
        List<Tensor> out = allocate(indices.length, config.pool());
        try {
            copy(epoch, batchNumber, indices, 0, indices.length, out, workerId);
        } catch (RuntimeException | Error e) {
            out.forEach(Tensor::close);
            throw e;
        }
        return batch(out, indices.length);
    }
}
