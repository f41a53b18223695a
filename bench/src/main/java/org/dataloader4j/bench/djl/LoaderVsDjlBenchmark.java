package org.dataloader4j.bench.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.djl.DjlTensors;
import org.dataloader4j.djl.LoaderDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * Side by side, on the same in-memory data and the same model (random values in the shapes of scikit-learn's
 * digits, 1797 × 64 in 10 classes, and of a small image set, 4096 × 3072; only sizes matter to the timings): DJL's own iteration ({@link ArrayDataset} with a
 * shuffling sampler, what DJL offers for tensors in memory) against our {@link DataLoader} through
 * {@link LoaderDataset} at 0 and 2 workers. For each workload it measures samples per second of the data
 * pipeline alone (iterate and close the batches) and of the training loop ({@code EasyTrain.trainBatch} and
 * {@code trainer.step()}, as {@code EasyTrain.fit} does), as the median of several interleaved rounds after
 * one uncounted warm-up round. Then it
 * times {@link DjlTensors#toNDArray} on one large batch, shared and copied. Not a unit test: run it by hand.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp ... org.dataloader4j.bench.djl.LoaderVsDjlBenchmark [--rounds 5]
 * </pre>
 */
public final class LoaderVsDjlBenchmark {
    private static final boolean VERBOSE = Boolean.getBoolean("bench.verbose");

    private LoaderVsDjlBenchmark() {
    }

    private record Workload(String name, Tensor x, Tensor y, int batchSize, int epochs) {
    }

    /** Runs the comparison and prints a table. */
    public static void main(String[] args) throws Exception {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 5;
        System.out.printf(Locale.ROOT, "engine %s, %d cores, %d rounds (median shown), libtorch threads %s%n",
                Engine.getInstance().getEngineName(), Runtime.getRuntime().availableProcessors(), rounds,
                System.getProperty("ai.djl.pytorch.num_threads"));
        try (Tensor digits = random(1797, 64); Tensor digitClasses = labels(1797);
             Tensor images = random(4096, 3 * 32 * 32); Tensor classes = labels(4096)) {
            List<Workload> workloads = List.of(
                    new Workload("digits-sized 1797 x 64", digits, digitClasses, 32, 20),
                    new Workload("synthetic 4096 x 3072", images, classes, 64, 4));
            System.out.printf(Locale.ROOT, "%-22s %-28s %14s %14s%n", "workload", "pipeline", "data only/s",
                    "training/s");
            for (Workload w : workloads) {
                run(w, rounds);
            }
        }
        conversion();
    }

    private static void run(Workload w, int rounds) throws Exception {
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = DjlTensors.toNDArray(w.x(), manager);
            NDArray y = DjlTensors.toNDArray(w.y(), manager);
            Map<String, Supplier<AutoCloseableDataset>> pipelines = new LinkedHashMap<>();
            pipelines.put("DJL ArrayDataset (shuffle)", () -> new AutoCloseableDataset(new ArrayDataset.Builder()
                    .setData(x).optLabels(y).setSampling(w.batchSize(), true).build(), null));
            for (int workers : new int[] {0, 2}) {
                pipelines.put("dataloader4j, " + workers + " workers", () -> {
                    DataLoader<Batch> loader = DataLoader.builder(new TensorDataset(w.x(), w.y()))
                            .batchSize(w.batchSize()).shuffle(true).seed(1).numWorkers(workers)
                            .persistentWorkers(workers > 0).build();
                    return new AutoCloseableDataset(LoaderDataset.builder(loader).build(), loader);
                });
            }
            for (int round = -1; round < rounds; round++) {          // round -1 warms the JIT up and is not counted
                for (var p : pipelines.entrySet()) {
                    try (AutoCloseableDataset d = p.getValue().get()) {
                        double dataOnly = dataOnly(d.dataset(), manager, w);
                        double training = training(d.dataset(), w);
                        if (round < 0) {
                            continue;
                        }
                        if (VERBOSE) {
                            System.out.printf(Locale.ROOT, "  round %d %-28s %10.0f %10.0f%n", round, p.getKey(),
                                    dataOnly, training);
                        }
                        results.computeIfAbsent(p.getKey(), k -> new ArrayList<>())
                                .add(new double[] {dataOnly, training});
                    }
                }
            }
        }
        for (var e : results.entrySet()) {
            System.out.printf(Locale.ROOT, "%-22s %-28s %14.0f %14.0f%n", w.name(), e.getKey(),
                    DjlTraining.median(e.getValue(), 0), DjlTraining.median(e.getValue(), 1));
        }
    }

    private record AutoCloseableDataset(Dataset dataset, DataLoader<Batch> loader) implements AutoCloseable {
        @Override
        public void close() {
            if (loader != null) {
                loader.close();
            }
        }
    }

    private static double dataOnly(Dataset dataset, NDManager manager, Workload w) throws Exception {
        long samples = 0;
        long start = System.nanoTime();
        for (int e = 0; e < w.epochs(); e++) {
            for (ai.djl.training.dataset.Batch b : dataset.getData(manager)) {
                samples += b.getSize();
                b.getData().head().getShape();   // touch the batch as a consumer would
                b.close();
            }
        }
        return samples / ((System.nanoTime() - start) / 1e9);
    }

    private static double training(Dataset dataset, Workload w) throws Exception {
        long features = w.x().shape().dim(1);
        SequentialBlock net = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build());
        return DjlTraining.samplesPerSecond(net, config, new Shape(1, features), dataset, w.epochs());
    }

    private static Tensor random(int n, int features) {
        Tensor t = Tensor.zeros(DType.FLOAT32, n, features);
        SplittableRandom rng = new SplittableRandom(5);
        MemorySegment m = t.data();
        for (long i = 0; i < (long) n * features; i++) {
            m.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) rng.nextDouble());
        }
        return t;
    }

    private static Tensor labels(int n) {
        long[] y = new long[n];
        SplittableRandom rng = new SplittableRandom(6);
        Arrays.setAll(y, i -> rng.nextInt(10));
        return Tensor.of(y);
    }

    /** Times toNDArray on a [64, 3, 224, 224] FLOAT32 batch (38.5 MB): shared off-heap memory vs a heap copy. */
    private static void conversion() {
        int n = 64 * 3 * 224 * 224;
        float[] heap = new float[n];
        try (Tensor offHeap = Tensor.zeros(DType.FLOAT32, 64, 3, 224, 224); NDManager manager = NDManager.newBaseManager()) {
            Tensor onHeap = Tensor.wrap(MemorySegment.ofArray(heap), DType.FLOAT32, 64, 3, 224, 224);
            for (int warm = 0; warm < 3; warm++) {
                time(offHeap, manager);
                time(onHeap, manager);
            }
            long[] shared = new long[9];
            long[] copied = new long[9];
            long[] djlFloatArray = new long[9];
            for (int i = 0; i < shared.length; i++) {
                shared[i] = time(offHeap, manager);
                copied[i] = time(onHeap, manager);
                try (NDManager step = manager.newSubManager()) {
                    long start = System.nanoTime();
                    step.create(heap, new Shape(64, 3, 224, 224)).getDataType();
                    djlFloatArray[i] = System.nanoTime() - start;
                }
            }
            Arrays.sort(shared);
            Arrays.sort(copied);
            Arrays.sort(djlFloatArray);
            System.out.printf(Locale.ROOT, "toNDArray of a FLOAT32 [64, 3, 224, 224] batch (38.5 MB), median of 9:"
                            + " off-heap (shared) %.1f us, on-heap (copied) %.1f us; DJL's own create(float[]) %.1f us%n",
                    shared[4] / 1e3, copied[4] / 1e3, djlFloatArray[4] / 1e3);
        }
        if (heap.length != n) {
            throw new AssertionError();
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static long time(Tensor t, NDManager manager) {
        try (NDManager step = manager.newSubManager()) {
            long start = System.nanoTime();
            NDArray a = DjlTensors.toNDArray(t, step);
            if (a.getDataType() != DataType.FLOAT32) {
                throw new AssertionError();
            }
            return System.nanoTime() - start;
        }
    }
}
