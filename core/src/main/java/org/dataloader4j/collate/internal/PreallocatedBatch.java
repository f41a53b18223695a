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
 * not take are given back by {@link #releaseUnused()}, and so are the tensors that samples asked
 * {@link BatchMemory#allocateSample} for but that no row served (their values are copied by the collate).
 *
 * <p>Before the layout is known, a {@linkplain #learning learning} batch starts with no tensors and allocates one
 * the first time a sample asks for a row that none of its tensors has free, so the first batch's samples are also
 * written in place instead of each into memory of its own that stays allocated until the garbage collector frees
 * it (a whole batch more at the start of an epoch).
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

    /** The most batch tensors a learning batch allocates for its samples' rows. */
    public static final int MAX_LEARNED_TENSORS = 8;

    private final List<Tensor> tensors;   // guarded by this; grows only in a learning batch
    private final List<Boolean> taken;    // guarded by this, one per tensor
    private final List<Tensor> unserved;  // guarded by this: tensors allocateSample made apart from any row
    private final TensorAllocator fallback;
    private final SampleSlots[] bySample; // the slots handed to each batch position, to know which rows hold data
    private final boolean learning;

    private PreallocatedBatch(List<Tensor> tensors, TensorAllocator fallback, int size, boolean learning) {
        this.tensors = new ArrayList<>(tensors);
        this.taken = new ArrayList<>(java.util.Collections.nCopies(tensors.size(), false));
        this.unserved = new ArrayList<>(0);
        this.fallback = fallback;
        this.bySample = new SampleSlots[size];
        this.learning = learning;
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
        return new PreallocatedBatch(tensors, allocator, size, false);
    }

    /**
     * A batch of {@code size} samples whose layout is not known yet: it holds no tensor until a sample asks
     * {@link BatchMemory#allocateSample} for a row, then allocates the batch tensor of that row's dtype and shape from
     * {@code allocator} (unfilled), at most {@value #MAX_LEARNED_TENSORS} of them. The collate takes those its
     * samples were written into, as from a batch allocated ahead.
     *
     * @param size the number of samples in the batch
     * @param allocator where the tensors come from
     * @return an empty batch that allocates its tensors as its samples ask for rows
     */
    public static PreallocatedBatch learning(int size, TensorAllocator allocator) {
        return new PreallocatedBatch(List.of(), allocator, size, true);
    }

    /**
     * The row of a batch tensor of {@code dtype} whose rows have {@code shape} that sample {@code slots} has not
     * been handed yet, allocating the batch tensor in a learning batch when none is free; null when there is none.
     */
    synchronized Tensor claim(SampleSlots slots, DType dtype, Shape shape) {
        int slot = slots.slot();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor batch = tensors.get(i);
            if (!slots.claimed(i) && batch.dtype() == dtype && batch.rank() == shape.rank() + 1
                    && batch.shape().dropFirst().equals(shape) && slot < batch.shape().dim(0)) {
                slots.markClaimed(i);
                return batch.select(slot);
            }
        }
        if (!learning || tensors.size() >= MAX_LEARNED_TENSORS || slot >= bySample.length) {
            return null;
        }
        Tensor batch = fallback.allocateUninitialized(dtype, shape.prepend(bySample.length));
        tensors.add(batch);
        taken.add(false);
        slots.markClaimed(tensors.size() - 1);
        return batch.select(slot);
    }

    /** Keeps {@code tensor}, made for a sample apart from any row, to be freed with the unused tensors. */
    synchronized void unserved(Tensor tensor) {
        unserved.add(tensor);
    }

    /**
     * {@return the slots of the sample at batch position {@code slot} (the same object for the same position)}
     *
     * @param slot the sample's position in the batch
     */
    public synchronized SampleSlots slots(int slot) {
        if (bySample[slot] == null) {
            bySample[slot] = new SampleSlots(this, slot);
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
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!taken.get(i) && t.dtype() == dtype && t.shape().equals(shape) && safeToWrite(i, rows)) {
                taken.set(i, true);
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
     * Gives back the tensors the collate did not take, and frees the tensors that samples were given apart from any
     * row (call it once the collate has copied them, or when the samples are dropped); true if the collate took
     * every preallocated tensor.
     *
     * @return true if the collate took every preallocated tensor
     */
    public synchronized boolean releaseUnused() {
        boolean all = true;
        for (int i = 0; i < tensors.size(); i++) {
            if (!taken.get(i)) {
                tensors.get(i).close();
                all = false;
            }
        }
        unserved.forEach(Tensor::close);
        unserved.clear();
        return all;
    }
}
