package org.dataloader4j.collate.internal;

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
    private final PreallocatedBatch batch;
    private final int slot;
    private final java.util.BitSet claimed = new java.util.BitSet(); // guarded by the batch

    /** The slots of row {@code slot} in the tensors of {@code batch}. */
    SampleSlots(PreallocatedBatch batch, int slot) {
        this.batch = batch;
        this.slot = slot;
    }

    int slot() {
        return slot;
    }

    /** True if this sample was handed the row of batch tensor {@code index}. */
    boolean claimed(int index) {
        synchronized (batch) {
            return claimed.get(index);
        }
    }

    /** Under the batch's lock: this sample holds the row of batch tensor {@code index}. */
    void markClaimed(int index) {
        claimed.set(index);
    }

    /** A row of a batch tensor of this dtype whose rows have {@code shape}, not handed out before; or null. */
    Tensor claim(DType dtype, Shape shape) {
        return batch.claim(this, dtype, shape);
    }

    /** Records a tensor made for this sample apart from any row: the batch frees it once it is collated. */
    void unserved(Tensor tensor) {
        batch.unserved(tensor);
    }
}
