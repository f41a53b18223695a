package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.TarReader;
import org.dataloader4j.stats.ChannelStats;
import org.dataloader4j.stats.Stats;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.Functional;
import org.dataloader4j.vision.transforms.ToTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in local mode (local[2], loopback only, one session for the class) on small image folders (drawn
 * images of every format, and the demo's real photographs), then the shards read back by 2 ranks × 2 workers
 * through DataLoaders.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ShardJobTest {
    static SparkSession spark;

    @TempDir
    static Path tmp;
    static Path images;

    @BeforeAll
    static void start() throws IOException {
        images = tmp.resolve("images");
        makeImages(images);
        spark = ShardJob.loopback(SparkSession.builder().master("local[2]").appName("ShardJobTest"))
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** 3 classes, 32 images: JPEG and PNG of 20-47 px, a gray PNG, a BMP, a nested folder and a dotted name. */
    static void makeImages(Path root) throws IOException {
        Random random = new Random(7);
        String[] classes = {"cat", "dog", "zebra"};
        int n = 0;
        for (int c = 0; c < classes.length; c++) {
            for (int i = 0; i < 10; i++) {
                String format = i % 3 == 0 ? "png" : "jpg";
                Path file = root.resolve(classes[c]).resolve((i == 4 ? "sub/" : "") + "img_" + i
                        + (i == 5 ? ".v2" : "") + "." + format);
                write(file, picture(random, 20 + random.nextInt(28), 20 + random.nextInt(28), c, false), format);
                n++;
            }
        }
        write(root.resolve("dog/gray.png"), picture(random, 30, 22, 1, true), "png");
        write(root.resolve("zebra/old.bmp"), picture(random, 25, 31, 2, false), "bmp");
        assertEquals(32, n + 2);
    }

    static BufferedImage picture(Random random, int w, int h, int cls, boolean gray) {
        BufferedImage bi = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bi.createGraphics();
        g.setColor(new Color(60 * cls + random.nextInt(60), random.nextInt(256), random.nextInt(256)));
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < 6; k++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillOval(random.nextInt(w), random.nextInt(h), 3 + random.nextInt(w), 3 + random.nextInt(h));
        }
        g.dispose();
        return bi;
    }

    static void write(Path file, BufferedImage image, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), format);
    }

    /** Every sample of every shard, by key, read directly from the tar files. */
    static Map<String, ShardSample> readAll(Path out) {
        ShardedDataset ds = ShardedDataset.builder(out).build();
        Map<String, ShardSample> all = new HashMap<>();
        var it = ds.iterator(WorkerInfo.single(0, 0));
        while (it.hasNext()) {
            ShardSample s = it.next();
            assertEquals(null, all.put(s.key(), s), "duplicate key " + s.key());
        }
        return all;
    }

    @Test
    void shardsAnImageFolderAndTwoRanksOfTwoWorkersReadEachSampleOnce() throws IOException {
        Path out = tmp.resolve("plain");
        ShardJob.Result result = ShardJob.run(spark, images, out, ShardJob.options(4).seed(1));
        Manifest m = result.manifest();
        DatasetFolder<Image> folder = ImageFolder.of(images);
        assertEquals(List.of("cat", "dog", "zebra"), m.classes());
        assertEquals(folder.size(), m.samples());
        assertEquals(4, m.shards().size());
        assertEquals(m, Manifest.parse(Files.readString(out.resolve("manifest.json")), "written"));
        assertTrue(result.summary().contains("wrote 32 samples of 3 classes into 4 shards"), result.summary());
        assertTrue(result.skipped().isEmpty());
        for (Manifest.Shard s : m.shards()) {
            assertEquals(Files.size(out.resolve(s.file())), s.bytes());
            try (InputStream in = Files.newInputStream(out.resolve(s.file()))) {
                assertEquals(Checksums.sha256(in).sha256(), s.sha256(), "the manifest records each shard's SHA-256");
            }
        }
        assertTrue(m.checksummed());

        // the tar layout: <key>.<ext> then <key>.cls, keys unique, the .cls the ImageFolder class index
        Map<String, Long> expectedLabel = new HashMap<>();
        Map<String, Path> fileOfKey = new HashMap<>();
        for (DatasetFolder.Entry e : folder.samples()) {
            String rel = images.relativize(e.path()).toString();
            String key = ShardKeys.sanitize(rel.substring(0, rel.lastIndexOf('.')));
            expectedLabel.put(key, (long) e.target());
            fileOfKey.put(key, e.path());
        }
        assertTrue(expectedLabel.containsKey("cat/img_5_v2") && expectedLabel.containsKey("dog/sub/img_4"));
        for (Manifest.Shard s : m.shards()) {
            try (InputStream in = Files.newInputStream(out.resolve(s.file()))) {
                TarReader tar = new TarReader(in, s.file());
                List<String> names = new ArrayList<>();
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    names.add(e.name());
                }
                assertEquals(2 * s.samples(), names.size());
                for (int i = 0; i < names.size(); i += 2) {
                    String key = ShardedDataset.keyAndExtension(names.get(i))[0];
                    assertEquals(key + ".cls", names.get(i + 1));
                    assertTrue(names.get(i).endsWith(".jpg") || names.get(i).endsWith(".png"), names.get(i));
                }
            }
        }
        Map<String, ShardSample> stored = readAll(out);
        assertEquals(expectedLabel.keySet(), stored.keySet());
        for (ShardSample s : stored.values()) {
            assertEquals(expectedLabel.get(s.key()), s.label(), s.key());
            Path original = fileOfKey.get(s.key());
            if (!original.toString().endsWith(".bmp")) {   // JPEG and PNG are copied byte for byte
                assertArrayEquals(Files.readAllBytes(original), s.image(), s.key());
            } else {
                assertEquals("png", s.extension());
            }
        }
        // a decoded sample has the pixels ImageFolder gives for its file
        ShardSample bmp = stored.get("zebra/old");
        try (Image fromShard = bmp.decode().input(); Image fromFolder = ImageFolder.of(images).get(
                folder.samples().indexOf(new DatasetFolder.Entry(fileOfKey.get("zebra/old"), 2))).input()) {
            assertArrayEquals(fromFolder.toByteArray(), fromShard.toByteArray());
        }

        // statistics: RunningStats merged by the Spark aggregator == Stats.compute on the same images
        ChannelStats expected = Stats.compute(ImageFolder.builder(images).transform(new ToTensor()).build(), 8, 0);
        assertClose(expected, m);

        // 2 ranks x 2 workers through DataLoaders: each sample exactly once, with its label
        List<String> delivered = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            ShardedDataset ds = ShardedDataset.builder(out).partition(new Partition(rank, 2)).seed(3).shuffleBuffer(4)
                    .build();
            try (DataLoader<List<Sample<Tensor>>> loader = DataLoader.builder(ds.decoded()
                            .map((s, rng) -> new Sample<>(Functional.toTensor(s.input()), s.target())))
                    .batchSize(5).numWorkers(2).seed(11).collate(List::copyOf).build()) {
                for (List<Sample<Tensor>> batch : loader.epoch(0)) {
                    for (Sample<Tensor> s : batch) {
                        assertEquals(3, s.input().shape().dim(0));
                        s.input().close();
                    }
                }
            }
            try (DataLoader<List<ShardSample>> loader = DataLoader.builder(ds).batchSize(5).numWorkers(2).seed(11)
                    .collate(List::copyOf).build()) {
                for (List<ShardSample> batch : loader.epoch(0)) {
                    for (ShardSample s : batch) {
                        assertEquals(expectedLabel.get(s.key()), s.label());
                        delivered.add(s.key());
                    }
                }
            }
        }
        assertEquals(expectedLabel.size(), delivered.size(), "duplicates or losses: " + delivered);
        assertEquals(expectedLabel.keySet(), new HashSet<>(delivered));
    }

    /** The demo's public-domain and CC0 photographs (shipped in the cli module), one class each, 2 crops per photo. */
    static Path realPhotos(Path root) throws IOException {
        Path demo = Path.of("..", "cli", "src", "main", "resources", "org", "dataloader4j", "cli", "demo");
        List<Path> photos;
        try (var files = Files.list(demo)) {
            photos = files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
        }
        assertEquals(7, photos.size(), "the demo photographs in " + demo.toAbsolutePath());
        for (Path photo : photos) {
            String name = photo.getFileName().toString().replace(".jpg", "");
            Path dir = Files.createDirectories(root.resolve(name));
            Files.copy(photo, dir.resolve(name + ".jpg"));
            BufferedImage full = ImageIO.read(photo.toFile());
            write(dir.resolve(name + "-crop.png"), full.getSubimage(0, 0, full.getWidth() / 2, full.getHeight() / 2), "png");
        }
        return root;
    }

    @Test
    void realPhotographsAreShardedAndReadOnceByTwoRanksOfTwoWorkersWithExactStatistics() throws IOException {
        Path photos = realPhotos(tmp.resolve("photos"));
        Path out = tmp.resolve("photos-shards");
        ShardJob.Result result = ShardJob.run(spark, photos, out, ShardJob.options(3).seed(5));
        Manifest m = result.manifest();
        assertEquals(14, m.samples());
        assertEquals(List.of("astronaut", "cameraman", "cat", "coffee", "galaxies", "retina", "rocket"), m.classes());
        assertClose(Stats.compute(ImageFolder.builder(photos).transform(new ToTensor()).build(), 4, 0), m);
        Map<String, Long> labels = new HashMap<>();
        readAll(out).values().forEach(s -> labels.put(s.key(), s.label()));
        List<String> delivered = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            ShardedDataset ds = ShardedDataset.builder(out).partition(new Partition(rank, 2)).seed(9).build();
            try (DataLoader<List<ShardSample>> loader = DataLoader.builder(ds).batchSize(3).numWorkers(2).seed(1)
                    .collate(List::copyOf).build()) {
                for (List<ShardSample> batch : loader.epoch(1)) {
                    for (ShardSample s : batch) {
                        assertEquals(labels.get(s.key()), s.label(), s.key());
                        assertEquals(m.classes().get((int) s.label()), s.key().substring(0, s.key().indexOf('/')));
                        delivered.add(s.key());
                    }
                }
            }
        }
        assertEquals(14, delivered.size(), "duplicates or losses: " + delivered);
        assertEquals(labels.keySet(), new HashSet<>(delivered));
    }

    static void assertClose(ChannelStats expected, Manifest m) {
        assertEquals(expected.count(), m.pixelsPerChannel());
        for (int c = 0; c < 3; c++) {
            assertEquals(expected.mean()[c], m.mean()[c], 1e-6, "mean of channel " + c);
            assertEquals(expected.std()[c], m.std()[c], 1e-6, "std of channel " + c);
        }
    }

    @Test
    void placementDependsOnlyOnSeedAndKeyNotOnInputOrderOrPartitioning() throws IOException {
        Path fromFolder = tmp.resolve("det-folder");
        ShardJob.run(spark, images, fromFolder, ShardJob.options(3).seed(5));

        // the same samples as a table, in another order and partitioning, give byte-identical shards
        DatasetFolder<Image> folder = ImageFolder.of(images);
        List<Row> rows = new ArrayList<>();
        for (DatasetFolder.Entry e : folder.samples()) {
            String rel = images.relativize(e.path()).toString();
            rows.add(RowFactory.create(rel.substring(0, rel.lastIndexOf('.')), Files.readAllBytes(e.path()),
                    e.target()));
        }
        Collections.shuffle(rows, new Random(3));
        StructType schema = new StructType().add("key", DataTypes.StringType).add("image", DataTypes.BinaryType)
                .add("label", DataTypes.IntegerType);
        Path fromTable = tmp.resolve("det-table");
        ShardJob.Result r = ShardJob.run(spark, spark.createDataFrame(rows, schema).repartition(3),
                folder.classes(), fromTable, ShardJob.options(3).seed(5));
        assertEquals(32, r.manifest().samples());
        for (Manifest.Shard s : r.manifest().shards()) {
            assertArrayEquals(Files.readAllBytes(fromFolder.resolve(s.file())), Files.readAllBytes(fromTable.resolve(
                    s.file())), s.file());
        }
        // another seed places them differently
        Path other = tmp.resolve("det-other");
        Manifest m = ShardJob.run(spark, images, other, ShardJob.options(3).seed(6)).manifest();
        boolean differs = false;
        for (Manifest.Shard s : m.shards()) {
            differs |= !java.util.Arrays.equals(Files.readAllBytes(other.resolve(s.file())),
                    Files.readAllBytes(fromFolder.resolve(s.file())));
        }
        assertTrue(differs);

        // an earlier run is not overwritten unless asked
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.run(spark, images, other, ShardJob.options(3)));
        assertTrue(e.getMessage().contains("overwrite"), e.getMessage());
        ShardJob.run(spark, images, other, ShardJob.options(2).overwrite(true));
        try (var files = Files.list(other)) {
            assertEquals(Set.of("manifest.json", "shard-00000.tar", "shard-00001.tar"),
                    new HashSet<>(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void resizesAndReencodesInTheTasksWithExactStatistics() {
        Path out = tmp.resolve("small");
        Manifest m = ShardJob.run(spark, images, out, ShardJob.options(2).maxSide(16).quality(80)).manifest();
        assertEquals(16, m.maxSide());
        assertEquals(80, m.quality());
        List<ShardSample> stored = new ArrayList<>(readAll(out).values());
        assertEquals(32, stored.size());
        List<Tensor> tensors = new ArrayList<>();
        for (ShardSample s : stored) {
            assertEquals("jpg", s.extension());
            try (Image img = s.decode().input()) {
                assertEquals(16, Math.min(img.width(), img.height()), s.key());
                tensors.add(Functional.toTensor(img));
            }
        }
        Dataset<Tensor> decoded = new Dataset<>() {
            public long size() {
                return tensors.size();
            }

            public Tensor get(long i) {
                return tensors.get((int) i);
            }
        };
        assertClose(Stats.compute(decoded, 8, 0), m);
        tensors.forEach(Tensor::close);
    }

    @Test
    void corruptImagesFailTheJobOrAreSkippedAndReported() throws IOException {
        Path root = tmp.resolve("with-corrupt");
        Path bad = root.resolve("b/broken.jpg");
        Files.createDirectories(bad.getParent());
        makeImages(root);
        byte[] jpeg = Files.readAllBytes(root.resolve("cat/img_1.jpg"));
        Files.write(bad, java.util.Arrays.copyOf(jpeg, jpeg.length / 3));   // truncated
        Files.writeString(root.resolve("b/text.png"), "not an image", StandardCharsets.US_ASCII);

        ShardJobException e = assertThrows(ShardJobException.class,
                () -> ShardJob.run(spark, root, tmp.resolve("fail"), ShardJob.options(2)));
        assertTrue(e.getMessage().contains(bad.toString()) || e.getMessage().contains("text.png"), e.getMessage());

        ShardJob.Result r = ShardJob.run(spark, root, tmp.resolve("skip"),
                ShardJob.options(2).onCorrupt(ShardJob.OnCorrupt.SKIP));
        assertEquals(34, r.inputs());
        assertEquals(32, r.manifest().samples());
        assertEquals(2, r.skipped().size());
        assertEquals(r.skipped(), r.manifest().skipped());
        assertTrue(r.skipped().get(0).source().equals(bad.toAbsolutePath().toString()), r.skipped().toString());
        assertTrue(r.summary().contains("2 of 34 inputs skipped") && r.summary().contains("text.png"), r.summary());
        assertEquals(List.of("b", "cat", "dog", "zebra"), r.manifest().classes());
    }

    @Test
    void tableInputIsChecked() {
        StructType schema = new StructType().add("key", DataTypes.StringType).add("bytes", DataTypes.BinaryType)
                .add("label", DataTypes.IntegerType);
        var table = spark.createDataFrame(List.<Row>of(), schema);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.run(spark, table, List.of("a"), tmp.resolve("t1"), ShardJob.options(1)));
        assertTrue(e.getMessage().contains("column image"), e.getMessage());

        StructType good = new StructType().add("key", DataTypes.StringType).add("image", DataTypes.BinaryType)
                .add("label", DataTypes.IntegerType);
        byte[] png;
        try {
            png = Files.readAllBytes(images.resolve("cat/img_0.png"));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        var dup = spark.createDataFrame(List.of(RowFactory.create("x", png, 0), RowFactory.create("x", png, 0)), good);
        ShardJobException d = assertThrows(ShardJobException.class,
                () -> ShardJob.run(spark, dup, List.of("a"), tmp.resolve("t2"), ShardJob.options(1)));
        assertTrue(d.getMessage().contains("duplicate sample key x"), d.getMessage());
        var outOfRange = spark.createDataFrame(List.of(RowFactory.create("y", png, 3)), good);
        ShardJobException l = assertThrows(ShardJobException.class,
                () -> ShardJob.run(spark, outOfRange, List.of("a"), tmp.resolve("t3"), ShardJob.options(1)));
        assertTrue(l.getMessage().contains("label 3"), l.getMessage());
    }

    @Test
    void commandLineArgumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> ShardJob.run("src"));
        assertThrows(IllegalArgumentException.class, () -> ShardJob.run("src", "out"));
        assertThrows(IllegalArgumentException.class, () -> ShardJob.run("src", "out", "--shards", "x"));
        assertThrows(IllegalArgumentException.class, () -> ShardJob.run("src", "out", "--shards", "2", "--bogus"));
        assertThrows(IllegalArgumentException.class, () -> ShardJob.options(0));
        assertThrows(IllegalArgumentException.class, () -> ShardJob.options(1).quality(101));
    }
}
