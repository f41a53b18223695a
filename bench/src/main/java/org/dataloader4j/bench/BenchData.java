package org.dataloader4j.bench;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
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

    /**
     * The first {@code limit} image files, in path order, under the folder named by the system property
     * {@code dataloader4j.bench.images} (default {@code /tmp/bench-imagenet}, as {@code make-bench-data.sh} makes it)
     * whose lower-cased names match {@code nameRegex}.
     *
     * @param what what the files are, for the exception when there are none (e.g. "JPEG")
     * @throws IllegalStateException when the folder is missing or holds no such file
     */
    static List<Path> imageFiles(String nameRegex, long limit, String what) throws IOException {
        Path root = Path.of(System.getProperty("dataloader4j.bench.images", "/tmp/bench-imagenet"));
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no image folder at " + root + ": run ../shared/bench/make-bench-data.sh "
                    + root + " or pass -Ddataloader4j.bench.images=DIR");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(nameRegex))
                    .sorted().limit(limit).toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no " + what + " under " + root);
        }
        return files;
    }
}
