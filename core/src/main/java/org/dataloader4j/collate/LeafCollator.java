package org.dataloader4j.collate;

import java.util.List;

import org.dataloader4j.tensor.TensorAllocator;

/**
 * Batches the values of one custom type for the {@link DefaultCollate default collate}, PyTorch's entries of
 * {@code collate_fn_map}: register one with {@link DefaultCollate.Builder#leaf} and the default collate hands it
 * every column of values of that type (or a subtype), at any depth of the sample's records, lists and maps,
 * while it keeps batching everything else itself.
 *
 * <p>Tensors of the batched value should come from {@code allocator}: they then belong to the {@link Batch}
 * ({@link Batch#close()} frees them, as it frees a failed collate's), and reuse the loader's batch memory.
 * The values are only to be read; they are never modified or closed by the default collate.
 *
 * <pre>{@code
 * record Point(double x, double y) {}
 * LeafCollator<Point> points = (values, allocator) -> {
 *     Tensor xy = allocator.allocateUninitialized(DType.FLOAT64, Shape.of(values.size(), 2));
 *     for (int i = 0; i < values.size(); i++) {
 *         xy.setDouble(values.get(i).x(), i, 0);
 *         xy.setDouble(values.get(i).y(), i, 1);
 *     }
 *     return xy;   // FLOAT64 [B, 2]
 * };
 * DefaultCollate collate = DefaultCollate.builder().leaf(Point.class, points).build();
 * }</pre>
 *
 * @param <T> the type of the values it batches
 */
@FunctionalInterface
public interface LeafCollator<T> {

    /**
     * Batches {@code values}: the values at one place of every sample, in batch order (never empty, no nulls,
     * each an instance of the type the collator was registered for).
     *
     * @param values    the values, an unmodifiable list
     * @param allocator where to allocate the batch's tensors; they belong to the batch
     * @return the batched value, not null
     */
    Object collate(List<T> values, TensorAllocator allocator);
}
