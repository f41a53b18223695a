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

    /**
     * {@return a tensor of zeros for a batch, from the bound allocator or freshly allocated}
     *
     * @param dtype the element type of the batch tensor
     * @param shape the shape of the batch tensor
     */
    public static Tensor allocate(DType dtype, Shape shape) {
        return ALLOCATOR.isBound() ? ALLOCATOR.get().allocate(dtype, shape) : Tensor.zeros(dtype, shape);
    }

    /**
     * {@return a tensor for a batch whose every element the caller writes (contents unspecified until then): the bound
     * allocator skips filling pooled memory; outside a loader, fresh memory, not filled either}
     *
     * @param dtype the element type of the batch tensor
     * @param shape the shape of the batch tensor
     */
    public static Tensor allocateUninitialized(DType dtype, Shape shape) {
        return ALLOCATOR.isBound() ? ALLOCATOR.get().allocateUninitialized(dtype, shape) : Tensor.empty(dtype, shape);
    }

    /**
     * {@return a tensor into which the caller stacks {@code rows} (see {@link TensorAllocator#allocateStack}): from the
     * bound allocator, which may return the preallocated tensor whose rows these already are; outside a loader, fresh}
     *
     * @param dtype the element type of the batch tensor
     * @param shape the shape of the batch tensor, {@code [rows.size(), ...]}
     * @param rows the tensors to be stacked into it
     */
    public static Tensor allocateStack(DType dtype, Shape shape, java.util.List<Tensor> rows) {
        return ALLOCATOR.isBound() ? ALLOCATOR.get().allocateStack(dtype, shape, rows) : Tensor.empty(dtype, shape);
    }

    /**
     * {@return a tensor for one sample's output, for transforms such as {@code ToTensor}: when the loader has
     * preallocated the batch and one of its tensors has rows of this dtype and shape, the sample's own row of it (so
     * the sample is written once, straight into the batch); otherwise a fresh tensor, which a loader frees once it
     * has collated the sample's batch (so do not keep it beyond the sample)} Its content is unspecified until
     * written: write every element.
     *
     * @param dtype the element type of the sample's tensor
     * @param shape the shape of the sample's tensor (one row of the batch)
     */
    public static Tensor allocateSample(DType dtype, Shape shape) {
        if (!SLOTS.isBound()) {
            return Tensor.empty(dtype, shape);
        }
        SampleSlots slots = SLOTS.get();
        Tensor row = slots.claim(dtype, shape);
        if (row != null) {
            return row;
        }
        Tensor own = Tensor.empty(dtype, shape);
        slots.unserved(own); // freed once the batch is collated, not left to the garbage collector
        return own;
    }

    /**
     * {@return whether the calling thread reads a sample into a loader's preallocated batch} Its output is then read
     * later, often by another thread, and a batch is larger than the caches: a kernel may write it with streaming
     * stores, past the caches.
     */
    public static boolean fillingBatch() {
        return SLOTS.isBound();
    }

    /**
     * Runs {@code action} (reading one sample) with {@code slots} serving {@link #allocateSample}.
     *
     * @param <T> the action's result type
     * @param slots the sample's rows of the preallocated batch
     * @param action the reading of the sample
     * @return the action's result
     */
    public static <T> T writingInto(SampleSlots slots, Supplier<T> action) {
        return ScopedValue.where(SLOTS, slots).call(action::get);
    }

    /**
     * Runs {@code action} with {@code allocator} serving {@link #allocate} on this thread.
     *
     * @param <T> the action's result type
     * @param allocator where the batch tensors come from while {@code action} runs
     * @param action the work that allocates batch tensors
     * @return the action's result
     */
    public static <T> T allocatingFrom(TensorAllocator allocator, Supplier<T> action) {
        return ScopedValue.where(ALLOCATOR, allocator).call(action::get);
    }
}
