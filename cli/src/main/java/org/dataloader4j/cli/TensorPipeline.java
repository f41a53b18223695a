package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * The {@code tensor} pipeline: a {@link TensorDataset} of {@code samples × features} FLOAT32 rows
 * (uniform in [0, 1)) and INT64 labels (10 classes), loaded shuffled with the default collate, every
 * batch closed by the consumer as a training loop would. This is the pure loader-overhead case: no
 * decoding, no transforms, one row copy per sample.
 */
final class TensorPipeline implements BenchPipeline {
    private static final long FILL_STREAM = 0x7465_6E73L;
    private static final long LABEL_STREAM = 0x6C61_6265L;
    private static final long ROWS_PER_TASK = 4096;

    private final long samples;
    private final int features;
    private final int batchSize;
    private final long seed;
    private final Tensor x;
    private final Tensor y;
    private final TensorDataset dataset;

    TensorPipeline(long samples, int features, int batchSize, long seed) {
        this.samples = samples;
        this.features = features;
        this.batchSize = batchSize;
        this.seed = seed;
        Tensor xs = Tensor.zeros(DType.FLOAT32, samples, features);
        Tensor ys;
        try {
            ys = Tensor.zeros(DType.INT64, samples);
        } catch (RuntimeException | OutOfMemoryError e) {
            xs.close();
            throw e;
        }
        this.x = xs;
        this.y = ys;
        fill(x, y, seed);
        this.dataset = new TensorDataset(x, y);
    }

    /**
     * Fills {@code x} ({@code [samples, features]} FLOAT32) with values uniform in [0, 1) and {@code y}
     * ({@code [samples]} INT64) with labels in [0, 10). Row r's values come from a generator keyed by
     * (seed, r): the same bytes whatever the thread count, and the same for every pipeline that uses them.
     */
    static void fill(Tensor x, Tensor y, long seed) {
        long samples = x.shape().dim(0);
        int features = Math.toIntExact(x.shape().dim(1));
        MemorySegment xm = x.data();
        MemorySegment ym = y.data();
        long rowBytes = (long) features * Float.BYTES;
        long tasks = (samples + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        LongStream.range(0, tasks).parallel().forEach(task -> {
            float[] row = new float[features];
            long end = Math.min(samples, (task + 1) * ROWS_PER_TASK);
            for (long r = task * ROWS_PER_TASK; r < end; r++) {
                CounterRandom rng = CounterRandom.of(seed, 0, r, FILL_STREAM);
                for (int f = 0; f < features; f++) {
                    row[f] = rng.nextFloat();
                }
                MemorySegment.copy(row, 0, xm, ValueLayout.JAVA_FLOAT, r * rowBytes, features);
                ym.setAtIndex(ValueLayout.JAVA_LONG, r, CounterRandom.of(seed, 0, r, LABEL_STREAM).nextLong(10));
            }
        });
    }

    @Override
    public String name() {
        return "tensor";
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "TensorDataset of %,d x %d FLOAT32 rows + INT64 labels (%.1f MiB), batch %d,"
                + " shuffled, default collate", samples, features, (x.byteSize() + y.byteSize()) / 1048576.0, batchSize);
    }

    @Override
    public BenchRun run(int workers, int epochs, PrintWriter progress) {
        return BenchRun.measure(dataset, batchSize, seed, workers, epochs, progress);
    }

    @Override
    public BenchRun.FirstBatch firstBatch(int workers) {
        return BenchRun.firstBatch(dataset, batchSize, seed, workers, LoaderTuning.DEFAULTS);
    }

    @Override
    public String pytorchScript() {
        return "tensor_pipeline.py";
    }

    @Override
    public List<String> pytorchArguments() {
        return List.of("--samples", Long.toString(samples), "--features", Integer.toString(features),
                "--batch-size", Integer.toString(batchSize), "--seed", Long.toString(seed));
    }

    @Override
    public boolean comparesWithGather() {
        return true;
    }

    @Override
    public void close() {
        x.close();
        y.close();
    }
}
