package org.dataloader4j.loader;

import java.util.Locale;

/**
 * Chooses the number of active workers for {@code numWorkers(DataLoader.AUTO)}: start with one, and
 * after every round of batches add a worker while the consumer spent more than a tenth of its time
 * waiting for batches; stop when a round passes without waiting (the consumer is saturated) or all
 * cores work. Which worker loads a sample never changes the sample, so the choice affects speed only.
 * With a fixed {@code numWorkers} the tuner just reports that number.
 */
final class WorkerTuner {
    private static final System.Logger LOG = System.getLogger(DataLoader.class.getName());
    static final int ROUND = 8;
    private static final double MAX_WAIT_FRACTION = 0.10;

    private final int max;
    private final boolean auto;
    private volatile int active;
    private volatile String decision;
    private long waitNanos;
    private long busyNanos;
    private int batches;
    private int calmRounds;

    private WorkerTuner(int max, boolean auto, int start) {
        this.max = max;
        this.auto = auto;
        this.active = start;
    }

    static WorkerTuner fixed(int workers) {
        WorkerTuner tuner = new WorkerTuner(workers, false, workers);
        tuner.decision = workers + " workers (fixed)";
        return tuner;
    }

    static WorkerTuner auto(int maxWorkers) {
        return new WorkerTuner(maxWorkers, true, 1);
    }

    int active() {
        return active;
    }

    int max() {
        return max;
    }

    boolean isAuto() {
        return auto;
    }

    /** What was decided, or that tuning is still going on. */
    String decision() {
        String d = decision;
        return d != null ? d : "tuning: " + active + " of up to " + max + " workers so far";
    }

    /**
     * Called by the consumer for each batch: how long it waited for it, and how long it worked since the
     * previous one. Returns true when the number of active workers changed.
     */
    synchronized boolean observe(long waitedNanos, long consumerNanos) {
        if (!auto || decision != null) {
            return false;
        }
        waitNanos += waitedNanos;
        busyNanos += consumerNanos;
        if (++batches < ROUND) {
            return false;
        }
        double waitFraction = (double) waitNanos / Math.max(1, waitNanos + busyNanos);
        waitNanos = 0;
        busyNanos = 0;
        batches = 0;
        if (waitFraction > MAX_WAIT_FRACTION && active < max) {
            active++;
            calmRounds = 0;
            return true;
        }
        if (waitFraction <= MAX_WAIT_FRACTION) {
            calmRounds++;
        }
        if (calmRounds >= 2 || active == max) {
            decision = String.format(Locale.ROOT, "%d of up to %d workers (the consumer waited %.0f%% of the last %d"
                    + " batches)", active, max, 100 * waitFraction, ROUND);
            LOG.log(System.Logger.Level.INFO, "numWorkers(AUTO) chose " + decision);
        }
        return false;
    }
}
