package org.dataloader4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardJob;
import org.dataloader4j.spark.ShardTransform;
import org.dataloader4j.spark.ShardedDataset;
import org.dataloader4j.stats.ChannelStats;
import org.dataloader4j.stats.Stats;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;

/**
 * Preprocessed shards against the ImageFolder of the original photos, FFCV's trade: the shard job resizes every
 * photo to a shorter side of at most 256 and re-encodes it (JPEG q90), and the train pipeline (RandomResizedCrop(224)
 * + RandomHorizontalFlip + ToTensor + Normalize, batches of 64) then reads the shards with the fused region decode
 * ({@link ShardTransform}) as a stream, the shards decoded whole ({@code ShardedDataset.decoded()}, the path before),
 * the shards through their map-style view ({@code ShardedDataset.indexed()}, fused region decode, the loader's
 * shuffle) and the ImageFolder of the originals (fused region decode from the files), in alternating rounds at each
 * worker count; each round starts one reading later than the one before (since 2026-12-06 23:47 UTC; before, the
 * ImageFolder always came first), so that a host that speeds up or slows down within a round favours none.
 * It also reports how the resize and the re-encode move the per-channel pixel statistics: {@code Stats.compute} on
 * the originals, on the originals resized to 256 (no re-encode), and the manifest's mean and std of the stored
 * images. Spark is needed only when the shards do not exist yet; run with the bench module's class path (the command
 * line writes the same shards: {@code ./dataloader4j shard --shards=16 --max-side=256 --quality=90
 * /tmp/bench-imagenet-2000 /tmp/fusedshards-256}).
 *
 * <pre>{@code
 * java $SPARK_JVM_FLAGS -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
 *     org.dataloader4j.bench.FusedShardBenchmark /tmp/bench-imagenet-2000 /tmp/shards-256 5 0,2 kept
 *     # image folder, shard folder (written if absent), rounds, worker counts, and loaders: "kept" (default: one
 *     # loader per dataset and worker count for all rounds, as a training job keeps its loader) or "fresh" (a new
 *     # loader per epoch, as runs before 2026-12-06 17:50 UTC did: each epoch then also pays for starting its workers,
 *     # learning its batch layout and faulting in new batch memory)
 * }</pre>
 */
public final class FusedShardBenchmark {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int BATCH = 64;

    private FusedShardBenchmark() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the image folder (default {@code /tmp/bench-imagenet-2000}), the shard folder (default
     *             {@code /tmp/shards-256}; written by the shard job with {@code --max-side 256 --quality 90} when it
     *             holds no manifest), the rounds (default 5) and the worker counts (default {@code 0,2})
     * @throws IOException if the shards cannot be written or read
     */
    public static void main(String[] args) throws IOException {
        Path images = Path.of(args.length > 0 ? args[0] : "/tmp/bench-imagenet-2000");
        Path shards = Path.of(args.length > 1 ? args[1] : "/tmp/shards-256");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int[] workerCounts = Arrays.stream((args.length > 3 ? args[3] : "0,2").split(","))
                .mapToInt(Integer::parseInt).toArray();
        String loaders = args.length > 4 ? args[4] : "kept";
        if (!loaders.equals("kept") && !loaders.equals("fresh")) {
            throw new IllegalArgumentException("the fifth argument should be 'kept' (one loader per dataset and worker"
                    + " count for all rounds) or 'fresh' (a new loader per epoch), but got '" + loaders + "'");
        }
        boolean freshLoaders = loaders.equals("fresh");
        if (!Files.exists(shards.resolve(Manifest.FILE_NAME))) {
            writeShards(images, shards);
        }
        Path manifestFile = shards.resolve(Manifest.FILE_NAME);
        Manifest manifest = Manifest.parse(Files.readString(manifestFile), manifestFile.toString());
        System.out.printf(Locale.ROOT, "originals: %s (%s); shards: %s (%d shards, %d samples, max side %d, %s)%n",
                images, size(images), shards, manifest.shards().size(), manifest.samples(), manifest.maxSide(),
                size(shards));
        pixelStatistics(images, manifest);

        Compose<Image, Tensor> train = Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip())
                .then(new ToTensor()).then(new Normalize(MEAN, STD));
        org.dataloader4j.vision.DatasetFolder<Tensor> folder = ImageFolder.builder(images).transform(train).build();
        ShardedDataset stream = ShardedDataset.builder(shards).seed(3).shuffleBuffer(1000).build();
        ShardTransform<Tensor> fusedTransform = ShardTransform.of(train);
        IterableDataset<Sample<Tensor>> fused = stream.map(fusedTransform);
        Dataset<Sample<Tensor>> indexed = stream.indexed().map(fusedTransform);
        IterableDataset<Sample<Tensor>> whole = stream.map((s, rng) -> {
            try (Image image = s.decode().input()) {
                return new Sample<>(train.apply(image, rng), (int) s.label());
            }
        });
        System.out.println("ImageFolder plan: " + folder.plan());
        System.out.println("shard plan:       " + fusedTransform.plan());
        System.out.printf(Locale.ROOT, "train pipeline %s, batch %d; rounds run ImageFolder, shards fused, shards"
                + " decoded whole, shards indexed (map-style) fused, starting one later each round; one untimed warm-up"
                + " epoch each first%n", train, BATCH);

        Object[] variants = {folder, fused, whole, indexed};
        String[] names = {"folder", "fused", "whole", "indexed"};
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        List<Double> loads = new ArrayList<>();
        System.out.println(freshLoaders ? "loaders: a new DataLoader for every epoch measured"
                : "loaders: one DataLoader per dataset and worker count, kept for all rounds (as a training job keeps"
                        + " its loader)");
        Map<Object, Map<Integer, DataLoader<Batch>>> kept = new IdentityHashMap<>(); // dataset -> workers -> loader
        try {
            for (int workers : workerCounts) {
                for (Object variant : variants) {
                    epoch(kept, freshLoaders, variant, workers, -1);
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (int workers : workerCounts) {
                    // the four readings of the round, in an order rotated every round, so that a host that speeds up
                    // or slows down within a round favours none of them
                    double[] rate = new double[variants.length];
                    long[] cpu = new long[variants.length];
                    for (int k = 0; k < variants.length; k++) {
                        int v = (k + round) % variants.length;
                        long before = processCpu();
                        rate[v] = epoch(kept, freshLoaders, variants[v], workers, round);
                        cpu[v] = processCpu() - before;
                    }
                    double load = loadAverage();
                    loads.add(load);
                    long n = manifest.samples();
                    for (int v = 0; v < variants.length; v++) {
                        rates.computeIfAbsent("cpu ms/img " + names[v] + "/" + workers, k -> new ArrayList<>())
                                .add(cpu[v] / 1e6 / n);
                        rates.computeIfAbsent(names[v] + "/" + workers, k -> new ArrayList<>()).add(rate[v]);
                        if (v > 0) {   // against the ImageFolder, variant 0
                            rates.computeIfAbsent("cpu ratio folder/" + names[v] + " " + workers,
                                    k -> new ArrayList<>()).add(cpu[0] / (double) cpu[v]);
                            rates.computeIfAbsent("ratio " + names[v] + "/" + workers, k -> new ArrayList<>())
                                    .add(rate[v] / rate[0]);
                        }
                    }
                    System.out.printf(Locale.ROOT, "round %d, %d workers: ImageFolder %7.1f img/s, shards fused"
                            + " %7.1f (%.2fx), shards decoded whole %7.1f (%.2fx), shards indexed fused %7.1f"
                            + " (%.2fx); load average %.2f%n", round, workers, rate[0], rate[1], rate[1] / rate[0],
                            rate[2], rate[2] / rate[0], rate[3], rate[3] / rate[0], load);
                }
            }
        } finally {
            kept.values().forEach(byWorkers -> byWorkers.values().forEach(DataLoader::close));
        }
        System.out.println("medians (min-max) over " + rounds + " rounds:");
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf(Locale.ROOT, "  %-28s %9.3f (%.3f-%.3f)%n", e.getKey(), median(v), v.getFirst(),
                    v.getLast());
        }
        List<Double> l = new ArrayList<>(loads);
        l.sort(null);
        System.out.printf(Locale.ROOT, "  load average (1 min) during the rounds: median %.2f (%.2f-%.2f), %d cores%n",
                median(l), l.getFirst(), l.getLast(), Runtime.getRuntime().availableProcessors());
        whereTheTimeGoes(images, stream, train, folder, fused);
    }

    /**
     * CPU time per image on one thread (thread CPU time, so the machine's load counts less): each step alone, then
     * one epoch through a {@code DataLoader} at 0 workers (all the work on the calling thread), 3 passes each.
     */
    private static void whereTheTimeGoes(Path images, ShardedDataset stream, Compose<Image, Tensor> train,
                                         Dataset<Sample<Tensor>> folder, IterableDataset<Sample<Tensor>> fused)
            throws IOException {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        List<org.dataloader4j.spark.ShardSample> samples = new ArrayList<>();
        for (var it = stream.iterator(new org.dataloader4j.data.WorkerInfo(0, 1, 0, 0)); it.hasNext(); ) {
            samples.add(it.next());
        }
        List<Path> files;
        try (var walk = Files.walk(images)) {
            files = walk.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        org.dataloader4j.vision.Decoders decoders = org.dataloader4j.vision.Decoders.standard();
        ShardTransform<Tensor> shardTrain = ShardTransform.of(train, decoders);
        org.dataloader4j.data.SampleTransform<Path, Tensor> fileTrain = train.decoding(decoders);
        RandomResizedCrop crop = new RandomResizedCrop(224);
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        for (int pass = 0; pass < 3; pass++) {
            int p = pass;
            time(ms, "file: fused train pipeline", files.size(), mx, () -> {
                int i = 0;
                for (Path f : files) {
                    fileTrain.apply(f, org.dataloader4j.random.CounterRandom.of(1, p, i++, 0)).close();
                }
            });
            time(ms, "file: decode of the crop box", files.size(), mx, () -> {
                int i = 0;
                for (Path f : files) {
                    var rng = org.dataloader4j.random.CounterRandom.of(1, p, i++, 0);
                    decoders.decodeRegion(f, (w, h) -> crop.step(w, h, rng).region()).close();
                }
            });
            time(ms, "shard: fused train pipeline (ShardTransform)", samples.size(), mx, () -> {
                int i = 0;
                for (var s : samples) {
                    shardTrain.apply(s, org.dataloader4j.random.CounterRandom.of(1, p, i++, 0)).input().close();
                }
            });
            time(ms, "shard: decode of the crop box", samples.size(), mx, () -> {
                int i = 0;
                for (var s : samples) {
                    var rng = org.dataloader4j.random.CounterRandom.of(1, p, i++, 0);
                    decoders.decodeRegion(s.image(), s.source(), (w, h) -> crop.step(w, h, rng).region()).close();
                }
            });
            time(ms, "shard: whole decode", samples.size(), mx, () -> {
                for (var s : samples) {
                    decoders.decode(s.image(), s.source()).close();
                }
            });
            time(ms, "shard: whole decode + train pipeline", samples.size(), mx, () -> {
                int i = 0;
                for (var s : samples) {
                    try (Image whole = s.decode().input()) {
                        train.apply(whole, org.dataloader4j.random.CounterRandom.of(1, p, i++, 0)).close();
                    }
                }
            });
            time(ms, "loader, 0 workers: ImageFolder epoch", files.size(), mx, () -> run(folder, 0, p));
            time(ms, "loader, 0 workers: shards fused epoch", samples.size(), mx, () -> run(fused, 0, p));
        }
        System.out.println("where the time goes: ms of CPU per image on one thread, median of 3 passes (min-max):");
        for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf(Locale.ROOT, "  %-48s %6.3f (%.3f-%.3f)%n", e.getKey(), median(v), v.getFirst(),
                    v.getLast());
        }
    }

    private static void time(Map<String, List<Double>> ms, String what, int images,
                             java.lang.management.ThreadMXBean mx, Runnable work) {
        long t0 = mx.getCurrentThreadCpuTime();
        work.run();
        ms.computeIfAbsent(what, k -> new ArrayList<>()).add((mx.getCurrentThreadCpuTime() - t0) / 1e6 / images);
    }

    private static void writeShards(Path images, Path shards) {
        SparkSession spark = ShardJob.loopback(SparkSession.builder().master("local[2]").appName("FusedShardBenchmark"))
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            ShardJob.Result r = ShardJob.run(spark, images, shards, ShardJob.options(16).maxSide(256).quality(90));
            System.out.printf(Locale.ROOT, "shard job (max side 256, JPEG q90, local[2]): %d images in %.1f s%n",
                    r.inputs(), r.elapsed().toNanos() / 1e9);
        } finally {
            spark.stop();
        }
    }

    /** The per-channel statistics of the originals, of the originals resized to 256, and of the stored images. */
    private static void pixelStatistics(Path images, Manifest manifest) {
        ChannelStats original = Stats.compute(ImageFolder.builder(images).transform(new ToTensor()).build(), 64, 2);
        ChannelStats resized = Stats.compute(ImageFolder.builder(images)
                .transform(Compose.of(new Resize(manifest.maxSide())).then(new ToTensor())).build(), 64, 2);
        double[] storedMean = manifest.mean();
        double[] storedStd = manifest.std();
        System.out.println("per-channel pixel statistics (RGB in [0, 1]):");
        print("originals (Stats.compute)", original.mean(), original.std());
        print("originals resized to " + manifest.maxSide() + ", not re-encoded", resized.mean(), resized.std());
        print("shards as stored (manifest)", storedMean, storedStd);
        double[] dm = new double[3];
        double[] ds = new double[3];
        double[] rm = new double[3];
        double[] rs = new double[3];
        for (int c = 0; c < 3; c++) {
            dm[c] = storedMean[c] - original.mean()[c];
            ds[c] = storedStd[c] - original.std()[c];
            rm[c] = resized.mean()[c] - original.mean()[c];
            rs[c] = resized.std()[c] - original.std()[c];
        }
        print("change by the resize alone", rm, rs);
        print("change by resize + re-encode", dm, ds);
    }

    private static void print(String what, double[] mean, double[] std) {
        System.out.printf(Locale.ROOT, "  %-42s mean [%+.5f, %+.5f, %+.5f]  std [%+.5f, %+.5f, %+.5f]%n", what,
                mean[0], mean[1], mean[2], std[0], std[1], std[2]);
    }

    /**
     * Images per second of one epoch of {@code data} at {@code workers} (round -1 is a warm-up): through a new loader
     * when {@code fresh}, else through the loader {@code kept} holds for this dataset and worker count (made at its
     * first epoch; epoch {@code round + 1}, so the warm-up is epoch 0).
     */
    private static double epoch(Map<Object, Map<Integer, DataLoader<Batch>>> kept, boolean fresh, Object data,
            int workers, int round) {
        if (fresh) {
            return run(data, workers, round);
        }
        DataLoader<Batch> loader = kept.computeIfAbsent(data, d -> new HashMap<>())
                .computeIfAbsent(workers, w -> newLoader(data, w, 100));
        long t0 = System.nanoTime();
        long samples = samplesOfEpoch(loader, round + 1);
        return samples / ((System.nanoTime() - t0) / 1e9);
    }

    /** Images per second of one epoch of {@code data} at {@code workers}; round -1 is a warm-up. */
    private static double run(Object data, int workers, int round) {
        long t0 = System.nanoTime();
        long samples;
        try (DataLoader<Batch> loader = newLoader(data, workers, 100L + Math.max(round, 0))) {
            samples = samplesOfEpoch(loader, Math.max(round, 0));
        }
        return samples / ((System.nanoTime() - t0) / 1e9);   // the loader's start and close included, as before
    }

    @SuppressWarnings("unchecked")
    private static DataLoader<Batch> newLoader(Object data, int workers, long seed) {
        return data instanceof Dataset<?> d
                ? DataLoader.builder((Dataset<Sample<Tensor>>) d).batchSize(BATCH).shuffle(true).numWorkers(workers)
                        .seed(seed).build()
                : DataLoader.builder((IterableDataset<Sample<Tensor>>) data).batchSize(BATCH).numWorkers(workers)
                        .seed(seed).build();
    }

    /** Loads epoch {@code epoch} of {@code loader}, closing every batch; returns the samples loaded. */
    private static long samplesOfEpoch(DataLoader<Batch> loader, long epoch) {
        long samples = 0;
        for (Batch batch : loader.epoch(epoch)) {
            try (batch) {
                samples += batch.tensor("input").shape().dim(0);
            }
        }
        return samples;
    }

    /** CPU time of the whole process (every thread, GC included), in nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String size(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            long bytes = files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
    }
}
