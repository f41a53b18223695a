package org.dataloader4j.collate.internal;

import java.util.List;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;

/**
 * The slots that one sample may fill directly in its batch's tensors: row {@code slot} of each
 * preallocated batch tensor. {@link BatchMemory#allocateSample} hands a transform such a row when
 * its dtype and shape match, so the sample is written once, into the batch, and the collate finds
 * it already in place. Each batch tensor's row is handed out at most once per sample.
 *
 * <pre>{@code
 * // inside a transform: the loader decides whether this is a batch row or fresh memory
 * Tensor chw = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(3, 224, 224));
 * }</pre>
 */
public final class SampleSlots {
    private final List<Tensor> batchTensors;
    private final int slot;
    private final boolean[] claimed;

    /**
     * The slots of row {@code slot} in {@code batchTensors} (each of shape [batch, ...]).
     *
     * @param batchTensors the preallocated batch tensors
     * @param slot the sample's row in each of them
     */
    public SampleSlots(List<Tensor> batchTensors, int slot) {
        this.batchTensors = List.copyOf(batchTensors);
        this.slot = slot;
        this.claimed = new boolean[this.batchTensors.size()];
    }

    /** True if this sample was handed the row of batch tensor {@code index}. */
    synchronized boolean claimed(int index) {
        return claimed[index];
    }

    /** A row of a batch tensor of this dtype whose rows have {@code shape}, not handed out before; or null. */
    synchronized Tensor claim(DType dtype, Shape shape) {
        for (int i = 0; i < claimed.length; i++) {
            Tensor batch = batchTensors.get(i);
            if (!claimed[i] && batch.dtype() == dtype && batch.rank() == shape.rank() + 1
                    && batch.shape().dropFirst().equals(shape) && slot < batch.shape().dim(0)) {
                claimed[i] = true;
                return batch.select(slot);
            }
        }
        return null;
    }
}
