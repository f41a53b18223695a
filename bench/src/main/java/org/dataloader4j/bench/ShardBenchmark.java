package org.dataloader4j.bench;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.spark.ShardJob;
import org.dataloader4j.spark.ShardedDataset;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.ToTensor;

/**
 * Measures the shard job's throughput in local mode (copying bytes, and resizing to 128 with JPEG q90) and a train
 * pipeline (decode, RandomResizedCrop(112), ToTensor, batches of 32) reading the shards against reading the
 * ImageFolder directly, on generated JPEGs of about 250x200. Spark is not in {@code benchmarks.jar}: run it with the
 * bench module's class path and the JVM flags Spark needs (see {@code bench/README.md} and {@code spark/README.md}):
 *
 * <pre>{@code
 * java $SPARK_JVM_FLAGS -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
 *     org.dataloader4j.bench.ShardBenchmark 800 2 'local[2]'     # images, loader workers, master
 * }</pre>
 */
public final class ShardBenchmark {
    private ShardBenchmark() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the number of images (default 800), loader workers (default 2) and the Spark master (default
     *             {@code local[2]})
     * @throws IOException if the images cannot be written
     */
    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 800;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String master = args.length > 2 ? args[2] : "local[2]";
        Path tmp = Files.createTempDirectory("shard-bench");
        Path images = tmp.resolve("images");
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            Path f = images.resolve("c" + (i % 8)).resolve("img" + i + ".jpg");
            Files.createDirectories(f.getParent());
            javax.imageio.ImageIO.write(photo(random, 200 + random.nextInt(100), 150 + random.nextInt(100)), "jpg",
                    f.toFile());
        }
        System.out.printf(Locale.ROOT, "%d JPEG images of about 250x200 in %s; %d loader workers; Spark %s%n", n, images,
                workers, master);
        SparkSession spark = ShardJob.loopback(SparkSession.builder().master(master).appName("ShardBenchmark"))
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Path shards = tmp.resolve("shards");
        try {
            ShardJob.run(spark, images, tmp.resolve("warmup"), ShardJob.options(4));   // JIT and Spark warm-up
            ShardJob.Result copy = ShardJob.run(spark, images, shards, ShardJob.options(8));
            report("shard job, copy bytes", n, copy.elapsed().toNanos());
            ShardJob.Result resized = ShardJob.run(spark, images, tmp.resolve("resized"),
                    ShardJob.options(8).maxSide(128).quality(90));
            report("shard job, resize to 128 + JPEG q90", n, resized.elapsed().toNanos());
        } finally {
            spark.stop();
        }
        Compose<org.dataloader4j.vision.Image, Tensor> augment = Compose.of(new RandomResizedCrop(112))
                .then(new ToTensor());
        Dataset<Sample<Tensor>> folder = ImageFolder.builder(images).transform(augment).build();
        IterableDataset<Sample<Tensor>> fromShards = ShardedDataset.builder(shards).shuffleBuffer(256).build()
                .decoded().map((s, rng) -> new Sample<>(augment.apply(s.input(), rng), s.target()));
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            long a = drain(DataLoader.builder(folder).batchSize(32).shuffle(true).numWorkers(workers).seed(round)
                    .build());
            long t1 = System.nanoTime();
            long b = drain(DataLoader.builder(fromShards).batchSize(32).numWorkers(workers).seed(round).build());
            long t2 = System.nanoTime();
            report("round " + round + ": ImageFolder pipeline", a, t1 - t0);
            report("round " + round + ": ShardedDataset pipeline", b, t2 - t1);
        }
        try (var files = Files.walk(tmp)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A JPEG-friendly picture: a diagonal gradient between two random colours and a few random rectangles. */
    private static BufferedImage photo(Random random, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(1 << 24)), width, height,
                new Color(random.nextInt(1 << 24))));
        g.fillRect(0, 0, width, height);
        for (int k = 0; k < 5; k++) {
            g.setColor(new Color(random.nextInt(1 << 24)));
            g.fillRect(random.nextInt(width), random.nextInt(height), 5 + random.nextInt(width / 2),
                    5 + random.nextInt(height / 2));
        }
        g.dispose();
        return image;
    }

    private static long drain(DataLoader<Batch> loader) {
        long samples = 0;
        try (loader) {
            for (Batch batch : loader.epoch(0)) {
                try (batch) {
                    samples += batch.tensor("input").shape().dim(0);
                }
            }
        }
        return samples;
    }

    private static void report(String what, long samples, long nanos) {
        System.out.printf(Locale.ROOT, "%-45s %6d samples in %6.2f s = %7.1f samples/s%n", what, samples, nanos / 1e9,
                samples / (nanos / 1e9));
    }
}
