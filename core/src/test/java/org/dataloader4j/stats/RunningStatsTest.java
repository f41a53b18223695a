package org.dataloader4j.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RunningStatsTest {
    private static final int N = 10_000_000;
    private static final double OFFSET = 1e6;
    private static double[] values;
    private static double refMean;
    private static double refVariance;   // population

    /** 10^7 values of mean 1e6 and std 1 from a fixed generator, and their statistics by an accurate two-pass. */
    @BeforeAll
    static void generate() {
        RandomGenerator rng = CounterRandom.of(2024, 0, 0, 0);
        values = new double[N];
        for (int i = 0; i < N; i++) {
            values[i] = OFFSET + rng.nextGaussian();
        }
        // x - 1e6 is exact for x in [5e5, 2e6] (Sterbenz), so shifting loses nothing; compensated sums on top
        double sum = 0;
        double c = 0;
        for (double x : values) {
            double y = x - OFFSET;
            double t = sum + y;
            c += Math.abs(sum) >= Math.abs(y) ? (sum - t) + y : (y - t) + sum;
            sum = t;
        }
        double shiftedMean = (sum + c) / N;
        double sq = 0;
        double c2 = 0;
        for (double x : values) {
            double d = (x - OFFSET) - shiftedMean;
            double y = d * d;
            double t = sq + y;
            c2 += Math.abs(sq) >= Math.abs(y) ? (sq - t) + y : (y - t) + sq;
            sq = t;
        }
        refMean = OFFSET + shiftedMean;
        refVariance = (sq + c2) / N;
    }

    private static double relative(double got, double want) {
        return Math.abs(got - want) / Math.abs(want);
    }

    @Test
    void naiveSumOfSquaresFailsWhereWelfordIsAccurate() {
        double sum = 0;
        double sumSq = 0;
        for (double x : values) {
            sum += x;
            sumSq += x * x;
        }
        double naiveVariance = (sumSq - sum * sum / N) / N;
        double naiveError = relative(naiveVariance, refVariance);
        assertTrue(naiveError > 1e-3, "the naive formula was expected to fail, but is off by only " + naiveError);

        RunningStats welford = RunningStats.scalar();
        for (double x : values) {
            welford.add(x);
        }
        Summary s = welford.summary();
        assertEquals(N, s.count());
        assertTrue(relative(s.mean()[0], refMean) < 1e-9, "mean " + s.mean()[0] + " vs " + refMean);
        assertTrue(relative(s.variance()[0], refVariance) < 1e-9, "variance " + s.variance()[0] + " vs " + refVariance
                + " (naive: " + naiveVariance + ")");
        assertTrue(relative(s.sampleVariance()[0], refVariance * N / (N - 1)) < 1e-9);
        assertTrue(relative(s.std()[0], Math.sqrt(refVariance)) < 1e-9);
    }

    @Test
    void tensorBlocksAndMergedShardsEqualTheSinglePass() {
        RunningStats single = RunningStats.scalar();
        try (Tensor all = Tensor.of(values, N, 1)) {
            single.add(all);
        }
        Summary s = single.summary();
        assertTrue(relative(s.mean()[0], refMean) < 1e-9);
        assertTrue(relative(s.variance()[0], refVariance) < 1e-9, "variance " + s.variance()[0] + " vs " + refVariance);

        // uneven shards, filled by different methods, merged in one order
        int[] bounds = {0, 1, 17, 1_000_000, 3_333_333, 3_333_334, 9_000_000, N};
        RunningStats merged = RunningStats.scalar();
        for (int b = 0; b + 1 < bounds.length; b++) {
            RunningStats shard = RunningStats.scalar();
            if (b % 2 == 0) {
                for (int i = bounds[b]; i < bounds[b + 1]; i++) {
                    shard.add(values[i]);
                }
            } else {
                try (Tensor part = Tensor.of(java.util.Arrays.copyOfRange(values, bounds[b], bounds[b + 1]))) {
                    shard.add(part.reshape(-1, 1));
                }
            }
            merged.merge(shard);
        }
        Summary m = merged.summary();
        assertEquals(s.count(), m.count());
        assertTrue(relative(m.mean()[0], s.mean()[0]) < 1e-12);
        assertTrue(relative(m.variance()[0], s.variance()[0]) < 1e-9);
        assertEquals(s.min()[0], m.min()[0]);
        assertEquals(s.max()[0], m.max()[0]);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : values) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        assertEquals(min, m.min()[0]);
        assertEquals(max, m.max()[0]);
    }

    @Test
    void perFeatureRowsOfAnyDtype() {
        // rows (i, 10 i, -i) for i = 1..5: means 3, 30, -3; population variances 2, 200, 2
        int[] data = new int[15];
        RunningStats byRow = new RunningStats(3);
        for (int i = 1; i <= 5; i++) {
            data[3 * (i - 1)] = i;
            data[3 * (i - 1) + 1] = 10 * i;
            data[3 * (i - 1) + 2] = -i;
            byRow.add(new double[] {i, 10 * i, -i});
        }
        RunningStats byTensor = new RunningStats(3);
        try (Tensor rows = Tensor.of(data, 5, 3)) {
            byTensor.add(rows.slice(0, 2)).add(rows.select(2)).add(rows.slice(3, 5));
        }
        for (Summary s : new Summary[] {byRow.summary(), byTensor.summary()}) {
            assertEquals(5, s.count());
            assertArrayEquals(new double[] {3, 30, -3}, s.mean(), 1e-12);
            assertArrayEquals(new double[] {2, 200, 2}, s.variance(), 1e-12);
            assertArrayEquals(new double[] {2.5, 250, 2.5}, s.sampleVariance(), 1e-12);
            assertArrayEquals(new double[] {1, 10, -5}, s.min());
            assertArrayEquals(new double[] {5, 50, -1}, s.max());
        }
    }

    @Test
    void channelsOfChwAndNchwImages() {
        // 2 images of 2 channels of 2x2 pixels; channel c of image n holds values 10 c + n + {0, 1, 2, 3}
        Tensor batch = Tensor.zeros(DType.UINT8, 2, 2, 2, 2);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 2; c++) {
                for (int p = 0; p < 4; p++) {
                    batch.setLong(10 * c + n + p, n, c, p / 2, p % 2);
                }
            }
        }
        RunningStats nchw = new RunningStats(2).addChannels(batch);
        RunningStats chw = new RunningStats(2).addChannels(batch.select(0)).addChannels(batch.select(1));
        for (Summary s : new Summary[] {nchw.summary(), chw.summary()}) {
            assertEquals(8, s.count());
            assertArrayEquals(new double[] {2, 12}, s.mean(), 1e-12);
            // values {0,1,2,3,1,2,3,4} (+10): mean 2, squared deviations 4+1+0+1+1+0+1+4 = 12, /8 = 1.5
            assertArrayEquals(new double[] {1.5, 1.5}, s.variance(), 1e-12);
            assertArrayEquals(new double[] {0, 10}, s.min());
            assertArrayEquals(new double[] {4, 14}, s.max());
        }
        batch.close();
    }

    @Test
    void emptyAndSingleValueStatistics() {
        Summary empty = new RunningStats(2).summary();
        assertEquals(0, empty.count());
        assertTrue(Double.isNaN(empty.mean()[1]) && Double.isNaN(empty.variance()[0]) && Double.isNaN(empty.min()[0]));
        Summary one = RunningStats.scalar().add(4).summary();
        assertArrayEquals(new double[] {4}, one.mean());
        assertArrayEquals(new double[] {0}, one.variance());
        assertTrue(Double.isNaN(one.sampleVariance()[0]));
        RunningStats withEmpty = RunningStats.scalar().add(4).merge(RunningStats.scalar());
        assertEquals(one, withEmpty.summary());
        assertEquals(one, RunningStats.scalar().merge(RunningStats.scalar().add(4)).summary());
    }

    @Test
    void nanPropagatesAndSummariesAreImmutable() {
        Summary s = RunningStats.scalar().add(1).add(Double.NaN).add(3).summary();
        assertTrue(Double.isNaN(s.mean()[0]) && Double.isNaN(s.variance()[0]) && Double.isNaN(s.max()[0]));
        RunningStats stats = RunningStats.scalar().add(1).add(3);
        Summary snapshot = stats.summary();
        snapshot.mean()[0] = 99;
        stats.add(100);
        assertEquals(2, snapshot.mean()[0]);
        assertEquals(2, snapshot.count());
        RunningStats copy = stats.copy();
        stats.add(5);
        assertEquals(3, copy.count());
    }

    @Test
    void badInputsNameWhatWasExpected() {
        RunningStats three = new RunningStats(3);
        assertTrue(assertThrows(IllegalStateException.class, () -> three.add(1.0)).getMessage().contains("3 features"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> three.add(new double[2])).getMessage()
                .contains("row of 3 values"));
        try (Tensor wrong = Tensor.zeros(DType.FLOAT32, 4, 2); Tensor image = Tensor.zeros(DType.FLOAT32, 4, 8, 8)) {
            String m = assertThrows(IllegalArgumentException.class, () -> three.add(wrong)).getMessage();
            assertTrue(m.contains("[N, 3]") && m.contains("[4, 2]"), m);
            m = assertThrows(IllegalArgumentException.class, () -> three.addChannels(image)).getMessage();
            assertTrue(m.contains("3 channels") && m.contains("[4, 8, 8]"), m);
        }
        assertThrows(IllegalArgumentException.class, () -> three.merge(new RunningStats(2)));
        assertThrows(IllegalArgumentException.class, () -> new RunningStats(0));
    }
}
