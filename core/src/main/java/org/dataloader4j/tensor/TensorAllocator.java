package org.dataloader4j.tensor;

/**
 * Where new tensors get their memory. {@code Tensor::zeros} allocates fresh memory; a
 * {@link BufferPool} reuses (and can page-lock) the memory of closed batches.
 *
 * <pre>{@code
 * TensorAllocator fresh = Tensor::zeros;
 * try (BufferPool pool = BufferPool.builder().build()) {
 *     TensorAllocator pooled = pool;
 *     Tensor batch = pooled.allocate(DType.FLOAT32, Shape.of(64, 3, 224, 224));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TensorAllocator {

    /**
     * {@return a tensor of zeros of the given dtype and shape, owned by the caller (close it when done)}
     *
     * @param dtype the element type
     * @param shape the shape
     */
    Tensor allocate(DType dtype, Shape shape);

    /**
     * {@return a tensor of the given dtype and shape whose contents are unspecified (PyTorch's {@code empty}), for
     * callers that write every element, such as a collate stacking rows: it skips filling the memory} By default the
     * same as {@link #allocate}.
     *
     * @param dtype the element type
     * @param shape the shape
     */
    default Tensor allocateUninitialized(DType dtype, Shape shape) {
        return allocate(dtype, shape);
    }

    /**
     * {@return a tensor of {@code shape} (contents unspecified) into which the caller stacks {@code rows}, row {@code
     * i} at position {@code i}: an allocator that handed out batch rows ahead (the loader's preallocated batches) may
     * return the tensor whose rows these already are, so that they need no copy, and never one whose rows hold other
     * data} By default the same as {@link #allocateUninitialized}.
     *
     * @param dtype the element type
     * @param shape the shape of the stacked tensor, {@code [rows.size(), ...]}
     * @param rows the tensors to be stacked into it
     */
    default Tensor allocateStack(DType dtype, Shape shape, java.util.List<Tensor> rows) {
        return allocateUninitialized(dtype, shape);
    }
}
