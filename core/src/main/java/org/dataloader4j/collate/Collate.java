package org.dataloader4j.collate;

import java.util.List;

/**
 * Merges the samples of one batch into the batch value, PyTorch's {@code collate_fn}. The default
 * ({@link #defaultCollate()}) stacks tensors and numbers along a new first dimension and keeps the
 * structure of lists, maps and records; supply your own for anything else.
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

    /** Merges {@code samples} (in batch order, never empty) into one batch. */
    B collate(List<T> samples);
}
