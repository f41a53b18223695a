package org.dataloader4j.collate.internal;

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
    /**
     * One batch tensor of a layout: its dtype and the shape of one sample's row.
     *
     * @param dtype the batch tensor's element type
     * @param rowShape the shape of one sample's row
     */
    public record Leaf(DType dtype, Shape rowShape) {
    }

    private final List<Tensor> tensors;
    private final boolean[] taken;
    private final TensorAllocator fallback;
    private final SampleSlots[] bySample; // the slots handed to each batch position, to know which rows hold data

    private PreallocatedBatch(List<Tensor> tensors, TensorAllocator fallback, int size) {
        this.tensors = tensors;
        this.taken = new boolean[tensors.size()];
        this.fallback = fallback;
        this.bySample = new SampleSlots[size];
    }

    /**
     * Allocates one tensor of shape [size, rowShape...] per leaf from {@code allocator}, unfilled: each row is either
     * claimed by its sample, which writes all of it, or copied in by the default collate.
     *
     * @param layout one leaf per batch tensor
     * @param size the number of samples in the batch
     * @param allocator where the tensors come from
     * @return the batch's tensors, not yet filled
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
        return new PreallocatedBatch(tensors, allocator, size);
    }

    /**
     * {@return the slots of the sample at batch position {@code slot} (the same object for the same position)}
     *
     * @param slot the sample's position in the batch
     */
    public synchronized SampleSlots slots(int slot) {
        if (bySample[slot] == null) {
            bySample[slot] = new SampleSlots(tensors, slot);
        }
        return bySample[slot];
    }

    /**
     * {@return an allocator that hands out the preallocated tensors, each once, and allocates anything else from the
     * fallback} A stack ({@link TensorAllocator#allocateStack}) gets the tensor of its dtype and shape whose rows
     * either already are its rows or were handed to no sample; any other request only a tensor none of whose rows was
     * handed out. So a write never lands in a row that holds another value of a sample (a transform that allocated its
     * outputs in another order than the collate stacks them would otherwise have one column overwrite another).
     */
    public TensorAllocator allocator() {
        return new TensorAllocator() {
            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                Tensor t = take(dtype, shape, null);
                return t != null ? t : fallback.allocate(dtype, shape);
            }

            @Override
            public Tensor allocateUninitialized(DType dtype, Shape shape) {
                Tensor t = take(dtype, shape, null);
                return t != null ? t : fallback.allocateUninitialized(dtype, shape);
            }

            @Override
            public Tensor allocateStack(DType dtype, Shape shape, List<Tensor> rows) {
                Tensor t = take(dtype, shape, rows);
                return t != null ? t : fallback.allocateUninitialized(dtype, shape);
            }
        };
    }

    /** An untaken tensor of this dtype and shape that is safe to write {@code rows} (null: any rows) into. */
    private synchronized Tensor take(DType dtype, Shape shape, List<Tensor> rows) {
        for (int i = 0; i < taken.length; i++) {
            Tensor t = tensors.get(i);
            if (!taken[i] && t.dtype() == dtype && t.shape().equals(shape) && safeToWrite(i, rows)) {
                taken[i] = true;
                return t;
            }
        }
        return null;
    }

    /** True if writing {@code rows} (or anything, when null) into tensor {@code index} overwrites no sample's value. */
    private boolean safeToWrite(int index, List<Tensor> rows) {
        Tensor t = tensors.get(index);
        long step = t.shape().dim(0) == 0 ? 0 : t.byteSize() / t.shape().dim(0);
        for (int r = 0; r < bySample.length; r++) {
            SampleSlots handed = bySample[r];
            if (handed == null || !handed.claimed(index)) {
                continue; // nothing of a sample lives in this row
            }
            boolean inPlace = rows != null && r < rows.size() && rows.get(r).data().isNative()
                    && rows.get(r).data().address() == t.data().address() + r * step;
            if (!inPlace) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives back the tensors the collate did not take; true if it took all of them.
     *
     * @return true if the collate took every preallocated tensor
     */
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
