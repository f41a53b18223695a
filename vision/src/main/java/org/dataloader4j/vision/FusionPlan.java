package org.dataloader4j.vision;

import java.util.List;
import java.util.Objects;

/**
 * How a pipeline will run: its steps in order, after fusion, and why a fusion that would have applied did not.
 * {@link #toString()} gives one line, for example
 * {@code "fused: decode region of RandomResizedCrop, RandomHorizontalFlip+ToTensor+Normalize into the batch row"}
 * or {@code "unfused: stage 2 (com.example.Blur) does not declare PixelwiseTransform, so RandomHorizontalFlip and
 * stage 3 (ToTensor) run apart (runs: ...)"}. {@code Compose.plan(decoders)}, {@code DatasetFolder.plan()} and the
 * CLI's {@code info} command report it.
 *
 * <pre>{@code
 * FusionPlan plan = Compose.of(new RandomResizedCrop(224)).then(new ToTensor()).plan(Decoders.standard());
 * if (!plan.fused()) {
 *     System.err.println(plan);   // says which stage keeps which fusion from applying
 * }
 * }</pre>
 *
 * @param steps   what runs, in order: fused steps name their parts
 * @param unfused one reason per fusion that a stage kept from applying; empty when every possible fusion applies
 */
public record FusionPlan(List<String> steps, List<String> unfused) {
    /**
     * Copies the lists.
     *
     * @throws NullPointerException for a null list or element
     */
    public FusionPlan {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        unfused = List.copyOf(Objects.requireNonNull(unfused, "unfused"));
    }

    /**
     * True when no stage kept a fusion from applying.
     *
     * @return whether every fusion applied
     */
    public boolean fused() {
        return unfused.isEmpty();
    }

    /** {@code "fused: step, step"} or {@code "unfused: reason; reason (runs: step, step)"}. */
    @Override
    public String toString() {
        return fused() ? "fused: " + String.join(", ", steps)
                : "unfused: " + String.join("; ", unfused) + " (runs: " + String.join(", ", steps) + ")";
    }
}
