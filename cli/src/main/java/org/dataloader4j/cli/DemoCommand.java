package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.OffHeapMemory;
import org.dataloader4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dataloader4j demo}: builds a two-class spiral dataset as a {@code TensorDataset}, adds a
 * random per-sample augmentation with {@code map}, and loads it with a shuffling, multi-worker
 * {@code DataLoader}, printing the first batch, per-epoch throughput and a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Load a generated two-spirals TensorDataset through a shuffled, multi-worker DataLoader.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--samples", defaultValue = "20000", description = "points per class (default: ${DEFAULT-VALUE})")
    int samplesPerClass;

    @Option(names = "--batch-size", defaultValue = "64", description = "samples per batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--workers", defaultValue = "2", description = "worker threads, 0 = calling thread (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--epochs", defaultValue = "3", description = "epochs to load (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "seed of every random decision (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (samplesPerClass < 1 || batchSize < 1 || epochs < 1 || workers < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--samples, --batch-size and --epochs must be positive and --workers non-negative, but got --samples="
                            + samplesPerClass + " --batch-size=" + batchSize + " --epochs=" + epochs + " --workers=" + workers);
        }
        out.printf(Locale.ROOT, "dataloader4j demo on Java %s, %d cores%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        try (Tensor points = Tensor.zeros(DType.FLOAT32, 2L * samplesPerClass, 2);
             Tensor labels = Tensor.zeros(DType.INT64, 2L * samplesPerClass)) {
            Spirals.fill(points, labels, seed);
            Dataset<List<Tensor>> dataset = new TensorDataset(points, labels);
            Dataset<List<Tensor>> augmented = dataset.map((sample, rng) -> jitter(sample, rng, 0.05f));
            out.printf(Locale.ROOT, "dataset: %d samples (two interleaved spirals), features %s %s, labels %s %s%n",
                    dataset.size(), points.dtype(), points.shape().dropFirst(), labels.dtype(), labels.shape().dropFirst());

            var builder = DataLoader.builder(augmented).batchSize(batchSize).shuffle(true).seed(seed);
            if (workers > 0) {
                builder.numWorkers(workers).persistentWorkers(true);
            }
            try (DataLoader<Batch> loader = builder.build()) {
                out.printf(Locale.ROOT, "loader: batchSize=%d shuffle=true numWorkers=%d seed=%d -> %d batches per epoch%n",
                        batchSize, workers, loader.seed(), loader.size());
                runEpochs(loader, out);
            }
        }
        return 0;
    }

    private void runEpochs(DataLoader<Batch> loader, PrintWriter out) {
        FeatureStats stats = new FeatureStats(2);
        long totalSamples = 0;
        long totalNanos = 0;
        double firstBatchMillis = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            long start = System.nanoTime();
            long samples = 0;
            long batches = 0;
            for (Batch batch : loader.epoch(epoch)) {
                try (batch) {
                    if (batches == 0 && epoch == 0) {
                        firstBatchMillis = (System.nanoTime() - start) / 1e6;
                        printFirstBatch(batch, out);
                    }
                    stats.add(batch.tensor(0));
                    samples += batch.size();
                    batches++;
                }
            }
            long nanos = System.nanoTime() - start;
            totalSamples += samples;
            totalNanos += nanos;
            out.printf(Locale.ROOT, "epoch %d: %d batches, %d samples in %.1f ms (%,.0f samples/s)%n", epoch, batches,
                    samples, nanos / 1e6, samples / (nanos / 1e9));
        }
        Runtime rt = Runtime.getRuntime();
        out.println("summary:");
        out.printf(Locale.ROOT, "  throughput         %,.0f samples/s over %d epochs%n", totalSamples / (totalNanos / 1e9), epochs);
        out.printf(Locale.ROOT, "  first batch after  %.2f ms%n", firstBatchMillis);
        out.printf(Locale.ROOT, "  feature mean       %s%n", stats.meanString());
        out.printf(Locale.ROOT, "  feature std        %s%n", stats.stdString());
        out.printf(Locale.ROOT, "  off-heap peak      %.1f MiB (live now %.1f MiB)%n", OffHeapMemory.peakBytes() / 1048576.0,
                OffHeapMemory.liveBytes() / 1048576.0);
        out.printf(Locale.ROOT, "  heap in use        %.1f MiB%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }

    private static void printFirstBatch(Batch batch, PrintWriter out) {
        Tensor x = batch.tensor(0);
        Tensor y = batch.tensor(1);
        out.printf(Locale.ROOT, "first batch: features %s %s, labels %s %s%n", x.dtype(), x.shape(), y.dtype(), y.shape());
        for (int i = 0; i < Math.min(4, batch.size()); i++) {
            out.printf(Locale.ROOT, "  sample %d: (%+.3f, %+.3f) -> class %d%n", i, x.getFloat(i, 0), x.getFloat(i, 1),
                    y.getLong(i));
        }
    }

    /** Adds Gaussian noise of standard deviation {@code sigma} to the features; the label view is kept. */
    static List<Tensor> jitter(List<Tensor> sample, RandomGenerator rng, float sigma) {
        Tensor features = sample.get(0);
        float[] v = features.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (sigma * rng.nextGaussian());
        }
        return List.of(Tensor.of(v, features.shape().toArray()), sample.get(1));
    }

    /** Two interleaved spirals, one per class, generated from the seed. */
    static final class Spirals {
        private Spirals() {
        }

        static void fill(Tensor points, Tensor labels, long seed) {
            long n = labels.numel() / 2;
            RandomGenerator rng = CounterRandom.of(seed, 0, 0, 0x5350_4952L);
            for (long i = 0; i < 2 * n; i++) {
                int cls = (int) (i % 2);
                double t = 0.5 + 3.5 * Math.PI * rng.nextDouble();
                double angle = t + cls * Math.PI;
                double radius = t / (4 * Math.PI);
                points.setFloat((float) (radius * Math.cos(angle)), i, 0);
                points.setFloat((float) (radius * Math.sin(angle)), i, 1);
                labels.setLong(cls, i);
            }
        }
    }

    /** Streaming per-feature mean and standard deviation (Welford), over the rows of [batch, features] tensors. */
    static final class FeatureStats {
        private final double[] mean;
        private final double[] m2;
        private long count;

        FeatureStats(int features) {
            mean = new double[features];
            m2 = new double[features];
        }

        void add(Tensor rows) {
            long n = rows.shape().dim(0);
            for (long r = 0; r < n; r++) {
                count++;
                for (int f = 0; f < mean.length; f++) {
                    double x = rows.getFloat(r, f);
                    double delta = x - mean[f];
                    mean[f] += delta / count;
                    m2[f] += delta * (x - mean[f]);
                }
            }
        }

        String meanString() {
            return format(mean);
        }

        String stdString() {
            double[] std = new double[m2.length];
            for (int f = 0; f < std.length; f++) {
                std[f] = count > 1 ? Math.sqrt(m2[f] / (count - 1)) : 0;
            }
            return format(std);
        }

        private static String format(double[] values) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", values[i]));
            }
            return sb.append(']').toString();
        }
    }
}
