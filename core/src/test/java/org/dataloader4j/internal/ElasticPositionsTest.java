package org.dataloader4j.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.dataloader4j.data.ElasticRun;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.StreamStart;
import org.dataloader4j.data.WorkerInfo;
import org.junit.jupiter.api.Test;

/**
 * The elastic order: every position once over all (rank, worker) pairs, each rank's batches in its sequence's order
 * for any number of workers, skips, and runs resumed from the merged progress of another world size.
 */
class ElasticPositionsTest {
    private static final int[] WORLD_SIZES = {1, 2, 3, 4, 8};

    /** A worker's share as a list of global positions. */
    static List<Long> share(long total, Partition rank, int worker, int workers, int batch, StreamStart start) {
        List<Long> out = new ArrayList<>();
        ElasticPositions it = ElasticPositions.of(total, rank,
                new WorkerInfo(worker, workers, 0, 0, null, batch, 0), start);
        while (it.hasNext()) {
            out.add(it.nextLong());
        }
        return out;
    }

    /** What a loader of {@code workers} workers delivers for a rank: the workers' batches in turn, as the engine takes them. */
    static List<Long> loaderOrder(long total, Partition rank, int workers, int batch, StreamStart[] starts) {
        List<List<Long>> shares = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            shares.add(share(total, rank, w, workers, batch, starts[w]));
        }
        List<Long> out = new ArrayList<>();
        int[] at = new int[workers];
        boolean more = true;
        while (more) {
            more = false;
            for (int w = 0; w < workers; w++) {
                int n = Math.min(batch, shares.get(w).size() - at[w]);
                if (n > 0) {
                    out.addAll(shares.get(w).subList(at[w], at[w] + n));
                    at[w] += n;
                    more = true;
                }
            }
        }
        return out;
    }

    static StreamStart[] beginnings(int workers) {
        StreamStart[] s = new StreamStart[workers];
        java.util.Arrays.fill(s, StreamStart.BEGINNING);
        return s;
    }

    @Test
    void everyRankReadsEveryWorldSizeThElementInOrderForAnyWorkersAndBatch() {
        for (long total : new long[] {0, 1, 7, 100, 257}) {
            for (int ranks : WORLD_SIZES) {
                for (int workers : new int[] {1, 2, 3}) {
                    for (int batch : new int[] {1, 4, 5}) {
                        boolean[] seen = new boolean[(int) total];
                        for (int r = 0; r < ranks; r++) {
                            Partition rank = new Partition(r, ranks);
                            List<Long> order = loaderOrder(total, rank, workers, batch, beginnings(workers));
                            List<Long> expected = new ArrayList<>();
                            for (long p = r; p < total; p += ranks) {
                                expected.add(p);
                            }
                            assertEquals(expected, order, "total " + total + ", " + rank + ", workers " + workers
                                    + ", batch " + batch);
                            assertEquals(expected.size(), ElasticPositions.rankSize(total, rank));
                            for (long p : order) {
                                assertFalse(seen[(int) p], "position " + p + " twice");
                                seen[(int) p] = true;
                            }
                        }
                        for (int p = 0; p < total; p++) {
                            assertTrue(seen[p], "position " + p + " never read");
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSkippedShareIsTheTailOfTheWholeShare() {
        Partition rank = new Partition(1, 3);
        for (int skip = 0; skip <= 40; skip += 3) {
            List<Long> whole = share(100, rank, 1, 2, 4, StreamStart.BEGINNING);
            List<Long> tail = share(100, rank, 1, 2, 4, new StreamStart(skip, List.of()));
            assertEquals(whole.subList(Math.min(skip, whole.size()), whole.size()), tail, "skip " + skip);
        }
    }

    @Test
    void theIteratorEndsCleanly() {
        ElasticPositions it = ElasticPositions.of(3, Partition.SINGLE, new WorkerInfo(0, 1, 0, 0), StreamStart.BEGINNING);
        assertEquals(0, it.nextLong());
        assertEquals(1, it.nextLong());
        assertEquals(2, it.nextLong());
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::nextLong);
    }

    /**
     * A job of {@code ranks × workers} stops with each worker having consumed a random prefix of its share (as in a
     * real stop: the delivered batches in turn, plus possibly a failure or a partial batch at the end), the progress
     * is merged, and a job of another size reads the rest: exactly the undelivered positions, in global order.
     */
    @Test
    void aRunResumedAtAnotherWorldSizeReadsExactlyWhatIsLeftInGlobalOrder() {
        SplittableRandom random = new SplittableRandom(5);
        long total = 211;
        for (int a : WORLD_SIZES) {
            for (int b : WORLD_SIZES) {
                for (int wa : new int[] {1, 2}) {
                    for (int wb : new int[] {1, 2}) {
                        for (int cut = 0; cut < 3; cut++) {
                            int batchA = 1 + random.nextInt(6);
                            int batchB = 1 + random.nextInt(6);
                            boolean[] delivered = new boolean[(int) total];
                            long[][] consumed = new long[a][wa];
                            for (int r = 0; r < a; r++) {
                                for (int w = 0; w < wa; w++) {
                                    List<Long> s = share(total, new Partition(r, a), w, wa, batchA, StreamStart.BEGINNING);
                                    consumed[r][w] = random.nextInt(s.size() + 1);
                                    for (int i = 0; i < consumed[r][w]; i++) {
                                        delivered[(int) (long) s.get(i)] = true;
                                    }
                                }
                            }
                            ElasticRun run = new ElasticRun(a, wa, batchA, consumed);
                            String what = a + "x" + wa + " (batch " + batchA + ") -> " + b + "x" + wb + " (batch "
                                    + batchB + "), cut " + cut;
                            checkRest(total, List.of(run), delivered, b, wb, batchB, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void runsResumedTwiceStillReadExactlyWhatIsLeft() {
        long total = 150;
        boolean[] delivered = new boolean[(int) total];
        // run 1: 3 ranks × 2 workers, batch 4, each worker consumed 8
        long[][] c1 = {{8, 8}, {8, 8}, {8, 5}};
        ElasticRun run1 = new ElasticRun(3, 2, 4, c1);
        for (int r = 0; r < 3; r++) {
            for (int w = 0; w < 2; w++) {
                List<Long> s = share(total, new Partition(r, 3), w, 2, 4, StreamStart.BEGINNING);
                for (int i = 0; i < c1[r][w]; i++) {
                    delivered[(int) (long) s.get(i)] = true;
                }
            }
        }
        // run 2: 2 ranks × 1 worker, batch 5, over what run 1 left
        long[][] c2 = {{10}, {15}};
        ElasticRun run2 = new ElasticRun(2, 1, 5, c2);
        for (int r = 0; r < 2; r++) {
            List<Long> s = share(total, new Partition(r, 2), 0, 1, 5, new StreamStart(0, List.of(run1)));
            for (int i = 0; i < c2[r][0]; i++) {
                assertFalse(delivered[(int) (long) s.get(i)], "run 2 re-read " + s.get(i));
                delivered[(int) (long) s.get(i)] = true;
            }
        }
        checkRest(total, List.of(run1, run2), delivered, 4, 2, 3, "3x2 -> 2x1 -> 4x2");
    }

    /** The ranks of a new job over {@code runs} read every undelivered position once, rank r every b-th of them. */
    private static void checkRest(long total, List<ElasticRun> runs, boolean[] delivered, int b, int wb, int batchB,
                                  String what) {
        List<Long> rest = new ArrayList<>();
        for (int p = 0; p < total; p++) {
            if (!delivered[p]) {
                rest.add((long) p);
            }
        }
        StreamStart[] starts = new StreamStart[wb];
        java.util.Arrays.fill(starts, new StreamStart(0, runs));
        for (int r = 0; r < b; r++) {
            List<Long> expected = new ArrayList<>();
            for (int j = r; j < rest.size(); j += b) {
                expected.add(rest.get(j));
            }
            assertEquals(expected, loaderOrder(total, new Partition(r, b), wb, batchB, starts), what + ", rank " + r);
        }
    }

    @Test
    void aRunSaysWhichOfItsPositionsItDelivered() {
        ElasticRun run = new ElasticRun(2, 1, 4, new long[][] {{8}, {4}});
        assertTrue(run.delivered(0));
        assertTrue(run.delivered(14));   // rank 0's element 7
        assertFalse(run.delivered(16));  // rank 0's element 8
        assertTrue(run.delivered(7));    // rank 1's element 3
        assertFalse(run.delivered(9));   // rank 1's element 4
        assertEquals(12, run.deliveredCount());
        assertArrayEquals(new long[] {8}, run.consumed()[0]);
        var e = assertThrows(IllegalArgumentException.class, () -> new ElasticRun(2, 1, 4, new long[][] {{8}}));
        assertTrue(e.getMessage().contains("one row per rank (2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ElasticRun(1, 2, 4, new long[][] {{8}}));
        assertTrue(e.getMessage().contains("consumed[0] must have one count per worker (2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ElasticRun(1, 1, 4, new long[][] {{-1}}));
        assertTrue(e.getMessage().contains("consumed[0][0]"), e.getMessage());
    }
}
