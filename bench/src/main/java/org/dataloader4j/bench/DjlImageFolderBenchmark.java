package org.dataloader4j.bench;

import ai.djl.basicdataset.cv.classification.ImageFolder;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.transform.RandomFlipLeftRight;
import ai.djl.modality.cv.transform.RandomResizedCrop;
import ai.djl.modality.cv.transform.ToTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.bench.djl.DjlTraining;
import org.dataloader4j.djl.LoaderDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;

/**
 * The image benchmark, side by side on one ImageFolder of JPEGs (make it with
 * {@code shared/bench/make-bench-data.sh DIR PER_CLASS}): DJL's own {@code ImageFolder} with its transforms
 * (RandomResizedCrop 224, RandomFlipLeftRight, ToTensor, Normalize) iterated by its {@code DataIterable} on an
 * executor of W threads, against our vision {@code ImageFolder} with the torchvision transforms of the same names
 * on our {@code DataLoader} with W workers, fed to DJL through {@link LoaderDataset}. Same batch size, same model
 * (global average pooling and one linear layer, so the loop is bound by the data, as the comparison wants).
 * Prints images per second for the data alone and for the training loop ({@code EasyTrain.trainBatch} and
 * {@code step}), the median of the rounds after a warm-up round.
 *
 * <p>Run it with the bench module's class path (the PyTorch engine is not in {@code benchmarks.jar}; see
 * {@code bench/README.md}):
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
 *     org.dataloader4j.bench.DjlImageFolderBenchmark DIR [workers] [rounds]
 * }</pre>
 */
public final class DjlImageFolderBenchmark {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int BATCH = 32;

    private DjlImageFolderBenchmark() {
    }

    /**
     * Runs the comparison.
     *
     * @param args the ImageFolder (default {@code /tmp/bench-imagenet}), the worker count (default 2) and the number
     *             of measured rounds (default 3)
     * @throws Exception if DJL fails
     */
    public static void main(String[] args) throws Exception {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        Path root = Path.of(args.length > 0 ? args[0] : "/tmp/bench-imagenet");
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf(Locale.ROOT, "%s: batch %d, %d workers, %d rounds (median), engine %s, %d cores%n", root,
                BATCH, workers, rounds, Engine.getInstance().getEngineName(), Runtime.getRuntime().availableProcessors());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        ExecutorService executor = Executors.newFixedThreadPool(workers);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int round = -1; round < rounds; round++) {
                results.computeIfAbsent("DJL ImageFolder + DataIterable", k -> new ArrayList<>());
                double[] djl = measureDjl(root, workers, executor, manager);
                double[] ours = measureOurs(root, workers, manager);
                if (round >= 0) {
                    results.get("DJL ImageFolder + DataIterable").add(djl);
                    results.computeIfAbsent("dataloader4j ImageFolder + DataLoader", k -> new ArrayList<>()).add(ours);
                }
                System.out.printf(Locale.ROOT, "  round %d: DJL %.1f / %.1f img/s, ours %.1f / %.1f img/s%n", round,
                        djl[0], djl[1], ours[0], ours[1]);
            }
        } finally {
            executor.shutdownNow();
        }
        System.out.printf(Locale.ROOT, "%-40s %14s %14s%n", "pipeline", "data img/s", "training img/s");
        for (var e : results.entrySet()) {
            System.out.printf(Locale.ROOT, "%-40s %14.1f %14.1f%n", e.getKey(), DjlTraining.median(e.getValue(), 0),
                    DjlTraining.median(e.getValue(), 1));
        }
    }

    private static double[] measureDjl(Path root, int workers, ExecutorService executor, NDManager manager)
            throws Exception {
        ImageFolder folder = ImageFolder.builder().setRepositoryPath(root).optMaxDepth(10)
                .addTransform(new RandomResizedCrop(224, 224))
                .addTransform(new RandomFlipLeftRight())
                .addTransform(new ToTensor())
                .addTransform(new Normalize(MEAN, STD))
                .setSampling(BATCH, true)
                .optPrefetchNumber(2 * workers)
                .build();
        folder.prepare();
        double data = dataOnly(folder, manager, executor);
        double training = training(folder, executor);
        return new double[] {data, training};
    }

    private static double[] measureOurs(Path root, int workers, NDManager manager) throws Exception {
        DatasetFolder<Tensor> folder = org.dataloader4j.vision.ImageFolder.builder(root)
                .transform(Compose.of(new org.dataloader4j.vision.transforms.RandomResizedCrop(224))
                        .then(new RandomHorizontalFlip())
                        .then(new org.dataloader4j.vision.transforms.ToTensor())
                        .then(new org.dataloader4j.vision.transforms.Normalize(MEAN, STD)))
                .build();
        try (DataLoader<Batch> loader = DataLoader.builder(folder).batchSize(BATCH).shuffle(true).seed(1)
                .numWorkers(workers).persistentWorkers(true).build()) {
            LoaderDataset dataset = LoaderDataset.builder(loader).data("input").labels("target").build();
            double data = dataOnly(dataset, manager, null);
            double training = training(dataset, null);
            return new double[] {data, training};
        }
    }

    private static double dataOnly(Dataset dataset, NDManager manager, ExecutorService executor) throws Exception {
        long images = 0;
        long start = System.nanoTime();
        Iterable<ai.djl.training.dataset.Batch> batches = executor == null ? dataset.getData(manager)
                : dataset.getData(manager, executor);
        for (ai.djl.training.dataset.Batch b : batches) {
            images += b.getSize();
            b.close();
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }

    private static double training(Dataset dataset, ExecutorService executor) throws Exception {
        Block net = new SequentialBlock().add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(10).build());
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss());
        if (executor != null) {
            config.optExecutorService(executor);
        }
        return DjlTraining.samplesPerSecond(net, config, new Shape(1, 3, 224, 224), dataset, 1);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
