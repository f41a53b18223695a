package org.dataloader4j.loader;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.collate.DefaultCollate;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.tensor.Tensor;

/**
 * The fast path for a {@link TensorDataset} with the default collate (also one with custom leaves that
 * leave tensors and lists to the built-in rules): each batch tensor is gathered row by row straight from
 * the dataset's tensors into (pooled) batch memory, one copy per row and no per-sample objects. The result
 * is exactly what reading the samples and collating them gives (a {@link Batch} holding the list of
 * stacked tensors); tests compare the two.
 */
final class TensorGather {
    private final List<Tensor> tensors;
    private final long size;

    private TensorGather(TensorDataset dataset) {
        this.tensors = dataset.tensors();
        this.size = dataset.size();
    }

    /**
     * The gather for {@code config}, or null when its dataset or collate needs the general path (also when failed
     * samples are skipped: the general path reads each sample on its own).
     */
    static TensorGather of(LoaderConfig<?, ?> config) {
        return config.dataset() instanceof TensorDataset dataset && gathersLikeCollate(config.collate(), dataset)
                && !config.skipsFailedSamples() ? new TensorGather(dataset) : null;
    }

    /**
     * Whether {@code collate} batches the dataset's samples (a list of tensors) by stacking each tensor: the default
     * collate, also with custom leaves as long as none of them covers {@code Tensor} or the samples' list class.
     */
    private static boolean gathersLikeCollate(Collate<?, ?> collate, TensorDataset dataset) {
        if (collate == Collate.defaultCollate()) {
            return true;
        }
        if (!(collate instanceof DefaultCollate custom)) {
            return false;
        }
        Class<?> sampleClass = List.of(dataset.tensors().toArray(new Tensor[0])).getClass(); // as get(i) builds it
        try {
            return custom.leafTypeFor(Tensor.class).isEmpty() && custom.leafTypeFor(sampleClass).isEmpty();
        } catch (IllegalArgumentException ambiguous) {
            return false; // the general path reports the ambiguity with the batch
        }
    }

    /** Gathers the rows {@code indices} of every tensor into a batch; a bad index fails naming it. */
    Batch gather(LoaderConfig<?, ?> config, long epoch, long batchNumber, long[] indices, int workerId) {
        for (long index : indices) {
            if (index < 0 || index >= size) {
                throw DataLoaderException.sample(epoch, batchNumber, index, null, workerId,
                        new IndexOutOfBoundsException("index " + index + " is out of range for a dataset of size "
                                + size));
            }
        }
        return BatchMemory.allocatingFrom(config.pool(), () -> {
            List<Tensor> out = new ArrayList<>(tensors.size());
            try {
                for (Tensor source : tensors) {
                    Tensor batch = BatchMemory.allocateUninitialized(source.dtype(),
                            source.shape().withFirst(indices.length));
                    out.add(batch);
                    MemorySegment from = source.data();
                    MemorySegment to = batch.data();
                    long rowBytes = source.shape().stride(0) * source.dtype().byteSize();
                    for (int i = 0; i < indices.length; i++) {
                        MemorySegment.copy(from, indices[i] * rowBytes, to, i * rowBytes, rowBytes);
                    }
                }
            } catch (RuntimeException | Error e) {
                out.forEach(Tensor::close);
                throw DataLoaderException.collate(epoch, batchNumber, indices, workerId, e);
            }
            return Batch.of(List.copyOf(out), indices.length, out);
        });
    }
}
