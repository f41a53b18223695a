package org.dataloader4j.collate.internal;

import java.util.function.Supplier;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.tensor.TensorAllocator;

/**
 * Where collate functions get the memory of batch tensors. The {@code DataLoader} binds its
 * {@link org.dataloader4j.tensor.BufferPool} (pinned when {@code pinMemory(true)}) around every
 * collate call, so batches reuse the memory of closed batches; outside a loader, fresh memory is
 * allocated. Custom collates that allocate through {@link #allocate} get the same benefit.
 *
 * <pre>{@code
 * Collate<float[], Tensor> rows = samples -> {
 *     Tensor out = BatchMemory.allocate(DType.FLOAT32, Shape.of(samples.size(), samples.getFirst().length));
 *     ...fill out...
 *     return out;
 * };
 * }</pre>
 */
public final class BatchMemory {
    private static final ScopedValue<TensorAllocator> ALLOCATOR = ScopedValue.newInstance();
    private static final ScopedValue<SampleSlots> SLOTS = ScopedValue.newInstance();

    private BatchMemory() {
    }

    /** A tensor of zeros for a batch, from the bound allocator or freshly allocated. */
    public static Tensor allocate(DType dtype, Shape shape) {
        return ALLOCATOR.isBound() ? ALLOCATOR.get().allocate(dtype, shape) : Tensor.zeros(dtype, shape);
    }

    /**
     * A tensor for a batch whose every element the caller writes (contents unspecified until then): the bound
     * allocator skips filling pooled memory; outside a loader, fresh memory, not filled either.
     */
    public static Tensor allocateUninitialized(DType dtype, Shape shape) {
        return ALLOCATOR.isBound() ? ALLOCATOR.get().allocateUninitialized(dtype, shape) : Tensor.empty(dtype, shape);
    }

    /**
     * A tensor into which the caller stacks {@code rows} (see {@link TensorAllocator#allocateStack}): from the bound
     * allocator, which may return the preallocated tensor whose rows these already are; outside a loader, fresh.
     */
    public static Tensor allocateStack(DType dtype, Shape shape, java.util.List<Tensor> rows) {
        return ALLOCATOR.isBound() ? ALLOCATOR.get().allocateStack(dtype, shape, rows) : Tensor.empty(dtype, shape);
    }

    /**
     * A tensor for one sample's output, for transforms such as {@code ToTensor}: when the loader has
     * preallocated the batch and one of its tensors has rows of this dtype and shape, the sample's own row
     * of it (so the sample is written once, straight into the batch); otherwise a fresh tensor.
     * Its content is unspecified until written: write every element.
     */
    public static Tensor allocateSample(DType dtype, Shape shape) {
        if (SLOTS.isBound()) {
            Tensor row = SLOTS.get().claim(dtype, shape);
            if (row != null) {
                return row;
            }
        }
        return Tensor.empty(dtype, shape);
    }

    /** Runs {@code action} (reading one sample) with {@code slots} serving {@link #allocateSample}. */
    public static <T> T writingInto(SampleSlots slots, Supplier<T> action) {
        return ScopedValue.where(SLOTS, slots).call(action::get);
    }

    /** Runs {@code action} with {@code allocator} serving {@link #allocate} on this thread. */
    public static <T> T allocatingFrom(TensorAllocator allocator, Supplier<T> action) {
        return ScopedValue.where(ALLOCATOR, allocator).call(action::get);
    }
}
