package org.dataloader4j.bench;

import java.util.Locale;
import java.util.PrimitiveIterator;
import org.dataloader4j.sampler.RandomSampler;

/**
 * A plain single-thread timing of {@link RandomSampler}'s keyed permutation, as a cross-check of
 * {@link PermutationBenchmark} on machines too busy for JMH's error bars to mean much: for each size, five rounds
 * of 50 million indices drawn from the sampler's iterator (after one round of warm-up), best and median rate.
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar org.dataloader4j.bench.PermutationTiming [size ...]
 * }</pre>
 */
public final class PermutationTiming {
    private static final long COUNT = 50_000_000L;

    private PermutationTiming() {
    }

    /** Times the sizes given, or {@code 2^24}, {@code 2^32 + 1}, {@code 5·10^9} and {@code 2^63 - 1}. */
    public static void main(String[] args) {
        long[] sizes = args.length == 0 ? new long[] {1L << 24, (1L << 32) + 1, 5_000_000_000L, Long.MAX_VALUE}
                : java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        for (long size : sizes) {
            RandomSampler sampler = RandomSampler.builder(size).seed(BenchData.SEED).build();
            double[] rates = new double[5];
            long sink = 0;
            for (int round = -1; round < rates.length; round++) {
                PrimitiveIterator.OfLong it = sampler.indices(round + 1);
                long start = System.nanoTime();
                for (long i = 0; i < COUNT; i++) {
                    if (!it.hasNext()) {
                        it = sampler.indices(round + 1000);
                    }
                    sink += it.nextLong();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (round >= 0) {
                    rates[round] = COUNT / seconds / 1e6;
                }
            }
            java.util.Arrays.sort(rates);
            System.out.printf(Locale.ROOT, "size %d (%s): best %.1f, median %.1f million indices/s (checksum %d)%n",
                    size, sampler.keyed() ? "keyed" : "fisher-yates", rates[rates.length - 1], rates[rates.length / 2],
                    sink & 0xFF);
        }
    }
}
