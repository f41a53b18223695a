package org.dataloader4j.loader;

import java.util.List;
import java.util.TreeSet;
import org.dataloader4j.data.ElasticRun;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.StreamStart;

/**
 * Which batches of an epoch the consumer has received: every number below {@code prefix}, plus the
 * numbers in {@code extra} (only non-empty when {@code inOrder(false)} lets a batch overtake another).
 * Used on the consumer thread only.
 */
final class DeliveredBatches {
    private long prefix;
    private final TreeSet<Long> extra = new TreeSet<>();
    // a stream's progress: elements of each worker's share consumed by what was received, the next worker in turn
    private long[] consumed = new long[0];
    private int nextWorker;
    private List<ElasticRun> earlierRuns = List.of();

    DeliveredBatches() {
    }

    /** A stream's epoch resumed from {@code progress} (a merged state starts a new run: nothing consumed in it). */
    static DeliveredBatches resumed(long prefix, long[] extra, StreamProgress progress) {
        DeliveredBatches d = new DeliveredBatches(prefix, extra);
        d.consumed = progress.consumed();
        d.nextWorker = progress.nextWorker();
        d.earlierRuns = progress.earlierRuns();
        return d;
    }

    /** Where share {@code worker} of {@code workers} starts: after what its delivered batches consumed. */
    StreamStart start(int worker, int workers) {
        sizeFor(workers);
        return new StreamStart(consumed[worker], earlierRuns);
    }

    /** The worker whose batch comes next, of {@code workers}. */
    int nextWorker(int workers) {
        return nextWorker % workers;
    }

    /**
     * The consumer received a batch (or a failure) from share {@code worker}, which then had consumed {@code position}
     * elements (a negative position, for a failure of the engine rather than of the share, leaves the count as it is).
     */
    void consumed(int worker, int workers, long position) {
        sizeFor(workers);
        if (position >= 0) {
            consumed[worker] = position;
        }
        nextWorker = (worker + 1) % workers;
    }

    private void sizeFor(int workers) {
        if (consumed.length != workers) {
            consumed = java.util.Arrays.copyOf(consumed, workers);
        }
    }

    /** The stream progress to save, for a loader of {@code workers} shares (1 at {@code numWorkers = 0}). */
    StreamProgress progress(int batchSize, int workers, Partition partition) {
        sizeFor(workers);
        return new StreamProgress(batchSize, consumed, nextWorker % workers, partition, earlierRuns);
    }

    DeliveredBatches(long prefix, long[] extra) {
        this.prefix = prefix;
        for (long n : extra) {
            add(n);
        }
    }

    void add(long batchNumber) {
        if (batchNumber < prefix) {
            return;
        }
        extra.add(batchNumber);
        while (extra.remove(prefix)) {
            prefix++;
        }
    }

    boolean contains(long batchNumber) {
        return batchNumber < prefix || extra.contains(batchNumber);
    }

    long prefix() {
        return prefix;
    }

    long[] extra() {
        return extra.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * True at the very start of an epoch: no batch delivered, no element of a stream consumed and no earlier run of an
     * elastic stream (a merged state delivers nothing in its own run, yet its epoch is not the epoch's start).
     */
    boolean isStart() {
        if (count() != 0 || !earlierRuns.isEmpty()) {
            return false;
        }
        for (long c : consumed) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    long count() {
        return prefix + extra.size();
    }
}
