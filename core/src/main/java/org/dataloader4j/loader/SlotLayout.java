package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.collate.internal.PreallocatedBatch;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.tensor.TensorAllocator;

/**
 * What a loader has learned about the tensors its default collate allocates for a batch, so that
 * later batches can be allocated before their samples are read, and samples written straight into
 * their rows ({@link PreallocatedBatch}). Learned from the first batch (whose samples already write into the
 * tensors a learning batch allocates as they ask for rows), and again whenever a batch's collate did not take every
 * preallocated tensor (the samples changed shape).
 */
final class SlotLayout {
    private final boolean enabled;
    private volatile List<PreallocatedBatch.Leaf> leaves;

    private SlotLayout(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * For the default collate over a map-style dataset that is not gathered whole (see {@link TensorGather}), or over a
     * stream (whose shares write into the rows only through their last {@code map}: {@code SlotWriting}). Not for
     * a default collate with custom leaves: a custom value may hold a tensor that its sample wrote into a
     * preallocated batch row, which stacking another tensor into that row would overwrite.
     */
    static SlotLayout of(LoaderConfig<?, ?> config) {
        return new SlotLayout(config.collate() == Collate.defaultCollate() && TensorGather.of(config) == null);
    }

    /**
     * The batch of {@code size} samples allocated ahead from the learned layout; while none is learned, a
     * {@linkplain PreallocatedBatch#learning learning} batch, which allocates each batch tensor when its first sample
     * asks for a row; null when batches are not preallocated (or the layout has no tensors).
     */
    PreallocatedBatch preallocate(int size, TensorAllocator allocator) {
        if (!enabled) {
            return null;
        }
        List<PreallocatedBatch.Leaf> known = leaves;
        if (known == null) {
            return PreallocatedBatch.learning(size, allocator);
        }
        return known.isEmpty() ? null : PreallocatedBatch.allocate(known, size, allocator);
    }

    /**
     * True while batches could be preallocated but the layout is not known yet (no batch collated so far): batches
     * started now hold their samples' memory apart from the batch.
     */
    boolean learning() {
        return enabled && leaves == null;
    }

    /** An allocator that serves from {@code base} and records every batch tensor it hands out into {@code seen}. */
    TensorAllocator recording(TensorAllocator base, List<PreallocatedBatch.Leaf> seen) {
        if (!enabled) {
            return base;
        }
        return new TensorAllocator() {
            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                record(dtype, shape);
                return base.allocate(dtype, shape);
            }

            @Override
            public Tensor allocateUninitialized(DType dtype, Shape shape) {
                record(dtype, shape);
                return base.allocateUninitialized(dtype, shape);
            }

            @Override
            public Tensor allocateStack(DType dtype, Shape shape, java.util.List<Tensor> rows) {
                record(dtype, shape);
                return base.allocateStack(dtype, shape, rows);
            }

            private void record(DType dtype, Shape shape) {
                if (shape.rank() >= 1) {
                    seen.add(new PreallocatedBatch.Leaf(dtype, shape.dropFirst()));
                }
            }
        };
    }

    /** After a successful collate: keep the layout, or learn the one just seen. */
    void learn(List<PreallocatedBatch.Leaf> seen, boolean preallocatedAllTaken) {
        if (enabled && (leaves == null || !preallocatedAllTaken || !leaves.equals(seen))) {
            leaves = List.copyOf(seen);
        }
    }

    static List<PreallocatedBatch.Leaf> newRecord() {
        return new ArrayList<>();
    }
}
