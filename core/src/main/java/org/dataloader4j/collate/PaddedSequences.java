package org.dataloader4j.collate;

import java.util.Objects;

import org.dataloader4j.tensor.Tensor;

/**
 * The content of a batch made by {@link PaddingCollate}: sequences of different lengths padded to the
 * longest, and the true length of each.
 *
 * <pre>{@code
 * try (Batch batch = PaddingCollate.<int[]>padWith(0).collate(List.of(new int[] {5, 6, 7}, new int[] {8}))) {
 *     PaddedSequences seq = batch.content(PaddedSequences.class);
 *     seq.padded();    // INT32 [2, 3]: [[5, 6, 7], [8, 0, 0]]
 *     seq.lengths();   // INT64 [2]: [3, 1]
 * }
 * }</pre>
 *
 * @param padded  the sequences, shape {@code [B, maxLength, ...]}, padding after each sequence's end
 * @param lengths INT64 {@code [B]}: the length of each sequence before padding
 */
public record PaddedSequences(Tensor padded, Tensor lengths) {
    /** Checks that both tensors are present. */
    public PaddedSequences {
        Objects.requireNonNull(padded, "padded");
        Objects.requireNonNull(lengths, "lengths");
    }
}
