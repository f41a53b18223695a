package org.dataloader4j.collate;

import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.tensor.TensorAllocator;

/**
 * The tensors of a batch allocated before its samples are read, following the layout of earlier
 * batches (FFCV's model: the shapes are known before data flows). Samples write into their rows
 * through {@link #slots(int)}; the default collate then takes these tensors through
 * {@link #allocator()} and skips copying rows that are already in place. Tensors the collate did
 * not take are given back by {@link #releaseUnused()}.
 *
 * <pre>{@code
 * PreallocatedBatch batch = PreallocatedBatch.allocate(layout, 64, pool);
 * Tensor image = BatchMemory.writingInto(batch.slots(7), () -> dataset.get(index));   // row 7, in place
 * Batch collated = BatchMemory.allocatingFrom(batch.allocator(), () -> collate.collate(samples));
 * batch.releaseUnused();
 * }</pre>
 */
public final class PreallocatedBatch {
    /** One batch tensor of a layout: its dtype and the shape of one sample's row. */
    public record Leaf(DType dtype, Shape rowShape) {
    }

    private final List<Tensor> tensors;
    private final boolean[] taken;
    private final TensorAllocator fallback;

    private PreallocatedBatch(List<Tensor> tensors, TensorAllocator fallback) {
        this.tensors = tensors;
        this.taken = new boolean[tensors.size()];
        this.fallback = fallback;
    }

    /**
     * Allocates one tensor of shape [size, rowShape...] per leaf from {@code allocator}, unfilled: each row is either
     * claimed by its sample, which writes all of it, or copied in by the default collate.
     */
    public static PreallocatedBatch allocate(List<Leaf> layout, int size, TensorAllocator allocator) {
        List<Tensor> tensors = new ArrayList<>(layout.size());
        try {
            for (Leaf leaf : layout) {
                tensors.add(allocator.allocateUninitialized(leaf.dtype(), leaf.rowShape().prepend(size)));
            }
        } catch (RuntimeException | Error e) {
            tensors.forEach(Tensor::close);
            throw e;
        }
        return new PreallocatedBatch(tensors, allocator);
    }

    /** The slots of the sample at batch position {@code slot}. */
    public SampleSlots slots(int slot) {
        return new SampleSlots(tensors, slot);
    }

    /**
     * An allocator that hands out the preallocated tensors (each once, to the first request of its dtype
     * and shape) and allocates anything else from the fallback.
     */
    public TensorAllocator allocator() {
        return new TensorAllocator() {
            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                Tensor t = takePreallocated(dtype, shape);
                return t != null ? t : fallback.allocate(dtype, shape);
            }

            @Override
            public Tensor allocateUninitialized(DType dtype, Shape shape) {
                Tensor t = takePreallocated(dtype, shape);
                return t != null ? t : fallback.allocateUninitialized(dtype, shape);
            }
        };
    }

    private synchronized Tensor takePreallocated(DType dtype, Shape shape) {
        for (int i = 0; i < taken.length; i++) {
            Tensor t = tensors.get(i);
            if (!taken[i] && t.dtype() == dtype && t.shape().equals(shape)) {
                taken[i] = true;
                return t;
            }
        }
        return null;
    }

    /** Gives back the tensors the collate did not take; true if it took all of them. */
    public synchronized boolean releaseUnused() {
        boolean all = true;
        for (int i = 0; i < taken.length; i++) {
            if (!taken[i]) {
                tensors.get(i).close();
                all = false;
            }
        }
        return all;
    }
}
