package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.List;

/**
 * The samples an epoch skipped, admitted batch by batch on the consuming thread in delivery order (so the
 * point where the budget runs out is the same at any number of workers); read by any thread.
 */
final class SkipLog {
    private static final int LISTED = 5;
    private final long budget;
    private final List<SkippedSample> skipped = new ArrayList<>(); // guarded by this

    SkipLog(long budget) {
        this.budget = budget;
    }

    /**
     * Adds the skips of batch {@code batchNumber}.
     *
     * @throws DataLoaderException listing the first failures when the epoch's budget is exceeded
     */
    synchronized void admit(long epoch, long batchNumber, List<SkippedSample> batch) {
        skipped.addAll(batch);
        if (skipped.size() > budget) {
            StringBuilder sb = new StringBuilder().append(skipped.size()).append(" samples failed in epoch ")
                    .append(epoch).append(" up to batch ").append(batchNumber).append(", more than the ")
                    .append(budget).append(" that onSampleError(skip) allows; the first: ");
            for (int i = 0; i < Math.min(LISTED, skipped.size()); i++) {
                sb.append(i == 0 ? "" : "; ").append(skipped.get(i));
            }
            throw DataLoaderException.general("skip failed samples within the budget", epoch,
                    new IllegalStateException(sb.toString(), skipped.getFirst().cause()));
        }
    }

    synchronized List<SkippedSample> snapshot() {
        return List.copyOf(skipped);
    }
}
