package org.dataloader4j.internal;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PrimitiveIterator;
import org.dataloader4j.data.ElasticRun;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.StreamStart;
import org.dataloader4j.data.WorkerInfo;

/**
 * The global positions that one worker of one rank reads from an elastic stream of {@code total} elements: the one
 * implementation of the elastic order behind the spark module's {@code ShardedDataset} (see
 * {@link org.dataloader4j.data.IterableDataset#elasticPartition()}).
 *
 * <p>The epoch's sequence is the global order {@code 0 .. total - 1} without what the earlier runs of the epoch
 * delivered ({@link StreamStart#earlierRuns()}, each run reading what the runs before it left). Rank {@code r} of
 * {@code R} takes the sequence's elements {@code r, r + R, r + 2R, ...}; worker {@code w} of {@code W} takes whole
 * batches of {@link WorkerInfo#batchSize() B} elements of the rank's sequence in turn (batches {@code w, w + W, ...}),
 * so the loader, taking the workers' batches in turn, delivers the rank's sequence in order for any {@code W}; the
 * worker's share starts after {@link StreamStart#skip()} of its elements. Without earlier runs the positions are
 * computed directly; after a resume from merged states each worker walks the global order once, filtering (a few
 * nanoseconds per element and earlier run).
 */
public final class ElasticPositions implements PrimitiveIterator.OfLong {
    private final long total;
    private final int rank;
    private final int ranks;
    private final int worker;
    private final int workers;
    private final int batch;
    private final long skip;
    private final long rankLength;      // the rank's sequence without earlier runs
    private final ElasticRun[] runs;
    private final long[] runPosition;   // per earlier run: the position in its sequence of the next element it saw
    private long nextGlobal;            // the walk's next global position (with earlier runs)
    private long sequencePosition;      // the walk's next position in this run's sequence
    private long shareIndex;            // without earlier runs: the share's next element
    private long next = -1;

    private ElasticPositions(long total, Partition partition, WorkerInfo worker, StreamStart start) {
        this.total = Preconditions.checkNonNegative("total", total);
        this.rank = partition.rank();
        this.ranks = partition.worldSize();
        this.worker = worker.id();
        this.workers = worker.numWorkers();
        this.batch = worker.batchSize();
        this.skip = start.skip();
        this.runs = start.earlierRuns().toArray(ElasticRun[]::new);
        this.runPosition = new long[runs.length];
        this.shareIndex = skip;
        this.rankLength = rankSize(total, partition);
    }

    /**
     * {@return the global positions, in reading order, of {@code worker}'s share of {@code partition}'s rank}
     *
     * @param total the elements of the epoch's global order
     * @param partition the rank
     * @param worker the worker, with the loader's batch size
     * @param start where the share starts (elements to skip, earlier runs)
     */
    public static ElasticPositions of(long total, Partition partition, WorkerInfo worker, StreamStart start) {
        return new ElasticPositions(total, Objects.requireNonNull(partition, "partition"),
                Objects.requireNonNull(worker, "worker"), Objects.requireNonNull(start, "start"));
    }

    /**
     * {@return how many elements rank {@code partition} reads in an epoch of {@code total} with no earlier run: every
     * {@code worldSize}-th from the {@code rank}-th}
     *
     * @param total the elements of the epoch's global order
     * @param partition the rank
     */
    public static long rankSize(long total, Partition partition) {
        return total <= partition.rank() ? 0 : (total - partition.rank() - 1) / partition.worldSize() + 1;
    }

    /** The element of this worker's share at {@code index} as a position of the rank's sequence. */
    private long rankPosition(long index) {
        return ((index / batch) * workers + worker) * batch + index % batch;
    }

    /**
     * {@return the worker that reads position {@code q} of a rank's sequence when {@code workers} workers take whole
     * batches of {@code batchSize} of it in turn}
     *
     * @param q a position in the rank's sequence
     * @param batchSize the loader's batch size
     * @param workers the loader's workers (at least 1)
     */
    public static int workerOf(long q, int batchSize, int workers) {
        return (int) ((q / batchSize) % workers);
    }

    /**
     * {@return where position {@code q} of a rank's sequence stands in its worker's share (see {@link #workerOf}); the
     * inverse of the share's {@code rankPosition}}
     *
     * @param q a position in the rank's sequence
     * @param batchSize the loader's batch size
     * @param workers the loader's workers (at least 1)
     */
    public static long shareIndexOf(long q, int batchSize, int workers) {
        return (q / batchSize / workers) * batchSize + q % batchSize;
    }

    @Override
    public boolean hasNext() {
        if (next < 0) {
            next = runs.length == 0 ? direct() : walk();
        }
        return next < total;
    }

    private long direct() {
        long q = rankPosition(shareIndex++);
        return q < rankLength ? q * ranks + rank : total;   // rank positions only grow: past the end, the share is over
    }

    private long walk() {
        while (nextGlobal < total) {
            long p = nextGlobal++;
            if (deliveredBefore()) {
                continue;
            }
            long j = sequencePosition++;
            if (j % ranks != rank) {
                continue;
            }
            long q = j / ranks;
            if (workerOf(q, batch, workers) != worker) {
                continue;
            }
            long index = shareIndexOf(q, batch, workers);
            if (index >= skip) {
                return p;
            }
        }
        return total;
    }

    /** Whether an earlier run delivered the walk's current element (each run sees what the runs before it left). */
    private boolean deliveredBefore() {
        for (int i = 0; i < runs.length; i++) {
            if (runs[i].delivered(runPosition[i]++)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long nextLong() {
        if (!hasNext()) {
            throw new NoSuchElementException("this worker's share of the elastic order is over");
        }
        long p = next;
        next = -1;
        return p;
    }

    /** {@return the earlier runs this walk leaves out} */
    public List<ElasticRun> earlierRuns() {
        return List.of(runs);
    }
}
