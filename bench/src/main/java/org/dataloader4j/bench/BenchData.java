package org.dataloader4j.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * Deterministic inputs for the benchmarks: the same seed gives the same bytes on every run, so a
 * change in a score comes from the code, not from the data.
 */
final class BenchData {
    /** Seed of every generated tensor and index sequence. */
    static final long SEED = 20_261_125L;

    private BenchData() {
    }

    /** A FLOAT32 tensor [rows, features] of uniform values in [0, 1), row {@code r} drawn from (seed, r). */
    static Tensor uniformRows(long rows, int features) {
        Tensor t = Tensor.zeros(DType.FLOAT32, rows, features);
        MemorySegment mem = t.data();
        float[] row = new float[features];
        long rowBytes = (long) features * Float.BYTES;
        for (long r = 0; r < rows; r++) {
            CounterRandom rng = CounterRandom.of(SEED, 0, r, 1);
            for (int f = 0; f < features; f++) {
                row[f] = rng.nextFloat();
            }
            MemorySegment.copy(row, 0, mem, ValueLayout.JAVA_FLOAT, r * rowBytes, features);
        }
        return t;
    }

    /** An INT64 tensor [rows] of class labels in [0, classes). */
    static Tensor labels(long rows, int classes) {
        Tensor t = Tensor.zeros(DType.INT64, rows);
        MemorySegment mem = t.data();
        CounterRandom rng = CounterRandom.of(SEED, 0, 0, 2);
        for (long r = 0; r < rows; r++) {
            mem.setAtIndex(ValueLayout.JAVA_LONG, r, rng.nextLong(classes));
        }
        return t;
    }

    /** {@code count} indices drawn uniformly from [0, bound). */
    static long[] randomIndices(int count, long bound) {
        CounterRandom rng = CounterRandom.of(SEED, 0, 0, 3);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = rng.nextLong(bound);
        }
        return out;
    }
}
