package org.dataloader4j.sampler;

import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

/** Helpers shared by the sampler tests. */
final class SamplerTesting {
    private SamplerTesting() {
    }

    static long[] drain(PrimitiveIterator.OfLong it) {
        LongStream.Builder b = LongStream.builder();
        it.forEachRemaining((long i) -> b.add(i));
        return b.build().toArray();
    }

    static long[] epoch(Sampler sampler, long epoch) {
        return drain(sampler.indices(epoch));
    }

    /** Pearson's statistic: sum over cells of (observed - expected)^2 / expected. */
    static double chiSquare(long[] observed, double[] expected) {
        double x2 = 0;
        for (int i = 0; i < observed.length; i++) {
            double d = observed[i] - expected[i];
            x2 += d * d / expected[i];
        }
        return x2;
    }

    static double[] uniform(int cells, double total) {
        double[] e = new double[cells];
        java.util.Arrays.fill(e, total / cells);
        return e;
    }

    /** Critical values of the chi-square distribution at p = 0.001, by degrees of freedom. */
    static double critical001(int degreesOfFreedom) {
        return switch (degreesOfFreedom) {
            case 1 -> 10.828;
            case 2 -> 13.816;
            case 3 -> 16.266;
            case 4 -> 18.467;
            case 5 -> 20.515;
            case 9 -> 27.877;
            case 11 -> 31.264;
            case 23 -> 49.728;
            default -> throw new IllegalArgumentException("no critical value tabulated for df=" + degreesOfFreedom);
        };
    }
}
