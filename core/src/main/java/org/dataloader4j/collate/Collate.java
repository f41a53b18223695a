package org.dataloader4j.collate;

import java.util.List;

/**
 * Merges the samples of one batch into the batch value, PyTorch's {@code collate_fn}. The default
 * ({@link #defaultCollate()}) stacks tensors and numbers along a new first dimension and keeps the
 * structure of lists, maps and records; for a type of your own inside that structure, register a
 * {@link LeafCollator} with {@link DefaultCollate#builder()}; supply your own {@code Collate} for anything
 * else.
 *
 * <pre>{@code
 * Collate<String, List<String>> keepAsList = List::copyOf;
 * DataLoader<List<String>> loader = DataLoader.builder(sentences).batchSize(8).collate(keepAsList).build();
 * }</pre>
 *
 * @param <T> sample type
 * @param <B> batch type
 */
@FunctionalInterface
public interface Collate<T, B> {

    /**
     * Merges {@code samples} (in batch order, never empty) into one batch.
     *
     * @param samples the samples of one batch
     * @return the batch
     */
    B collate(List<T> samples);

    /**
     * {@return the default collate, {@link DefaultCollate#INSTANCE}: stacks tensors, numbers and primitive arrays along
     * a new first dimension, keeps strings as lists and recurses through lists, maps and records} The type parameter
     * only lets the result fit a {@code Collate<Sample, Batch>}; the same instance serves every sample type (it reads
     * the samples and never stores into the list).
     *
     * <pre>{@code
     * Collate<Sample, Batch> collate = Collate.defaultCollate();
     * try (Batch batch = collate.collate(samples)) {
     *     Tensor images = batch.tensor("image");
     * }
     * }</pre>
     *
     * @param <T> the sample type the result is typed for
     */
    @SuppressWarnings("unchecked")
    static <T> Collate<T, Batch> defaultCollate() {
        return (Collate<T, Batch>) (Collate<?, Batch>) DefaultCollate.INSTANCE;
    }
}
