package org.dataloader4j.data;

import java.util.List;
import org.dataloader4j.internal.Preconditions;

/**
 * Where a worker's share of a stream starts in a resumed epoch ({@link IterableDataset#iterator(WorkerInfo,
 * StreamStart)}): after the first {@code skip} elements of the share, which the loader delivered before it was
 * stopped; and, for an elastic stream resumed from the merged states of all ranks (possibly at another world size),
 * the earlier runs of the epoch whose deliveries the global order leaves out.
 *
 * <pre>{@code
 * Iterator<T> rest = stream.iterator(worker, new StreamStart(120, List.of()));   // the share after its first 120
 * }</pre>
 *
 * @param skip        elements at the start of the share already delivered, not to be read again
 * @param earlierRuns the runs of this epoch before this one (elastic streams only; empty otherwise)
 */
public record StreamStart(long skip, List<ElasticRun> earlierRuns) {
    /** The start of an epoch: nothing delivered yet. */
    public static final StreamStart BEGINNING = new StreamStart(0, List.of());

    /** Validates the fields and copies the list. */
    public StreamStart {
        Preconditions.checkNonNegative("skip", skip);
        earlierRuns = List.copyOf(earlierRuns);
    }

    /** {@return true at the start of an epoch: nothing to skip and no earlier run} */
    public boolean isBeginning() {
        return skip == 0 && earlierRuns.isEmpty();
    }
}
