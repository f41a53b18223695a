package org.dataloader4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageFolder;
import scala.Tuple2;

/**
 * The Spark job that turns an image data set into WebDataset-layout tar shards: for every sample one
 * {@code <key>.jpg} or {@code <key>.png} and one {@code <key>.cls} (the class index in ASCII), files of a key
 * adjacent, keys unique; plus {@code manifest.json} ({@link Manifest}: shard files and sample counts, class names,
 * per-channel mean and std, everything skipped). The shards also feed Python trainers (WebDataset, or any tar
 * reader); {@link ShardedDataset} streams them to JVM trainers.
 *
 * <h2>What happens</h2>
 * <ol>
 *   <li>Input: an {@code ImageFolder} directory, listed on the driver with {@link ImageFolder}'s (torchvision's)
 *       semantics, so class indices are the ones {@code ImageFolder} gives; the key of a file is its path relative to
 *       the root without the extension, made WebDataset-safe. Or any {@code Dataset<Row>} with columns
 *       {@code key} (string), {@code image} (binary: the encoded file) and {@code label} (integer).</li>
 *   <li>Each sample goes to shard {@code h1(seed, key) mod shards} and, within it, is ordered by
 *       {@code h2(seed, key)}: placement depends on (seed, key) alone, never on the input's order or partitioning,
 *       so the same input and seed give byte-identical shards. Shard sizes are therefore equal only on average
 *       (binomially distributed; a shard may even be empty with very few samples per shard).</li>
 *   <li>One Spark task per shard reads, decodes (with the vision module's decoders, RGB as {@code ImageFolder}),
 *       optionally resizes so that the shorter side is at most {@code maxSide} (torchvision's {@code Resize},
 *       bilinear with antialiasing) and re-encodes, writes the shard to a temporary file and renames it into
 *       place, and accumulates the per-channel statistics of the images as stored (RGB scaled to [0, 1]) in a
 *       {@link org.dataloader4j.stats.RunningStats}.</li>
 *   <li>The per-shard results are combined by a Spark {@code Aggregator} ({@link ReportAggregator}) whose merge is
 *       {@code RunningStats.merge}, in the same pass as the writing; the driver writes the manifest.</li>
 * </ol>
 * Encoding: with {@link Options#quality(int)} every image is re-encoded as JPEG of that quality. Without it a
 * JPEG or PNG that was not resized is copied byte for byte; a resized JPEG is re-encoded as JPEG of quality
 * {@value #DEFAULT_QUALITY}; anything else (resized PNG, BMP, TIFF, WebP, PGM/PPM) becomes a lossless RGB PNG.
 *
 * <h2>Corrupt images</h2>
 * An image that cannot be read or decoded either fails the job with its path ({@link OnCorrupt#FAIL}, the default)
 * or is left out ({@link OnCorrupt#SKIP}) and listed, with the reason, in {@link Result#skipped()}, the summary and
 * the manifest. Nothing is dropped silently.
 *
 * <h2>Where files live</h2>
 * The output folder and the image folder are paths of a file system that the driver and every executor see at the
 * same path (local in local mode; a shared mount such as NFS on a cluster). For object stores, read the images
 * with Spark ({@code spark.read().format("binaryFile")}) into the {@code Dataset<Row>} input.
 *
 * <pre>{@code
 * ShardJob.Result r = ShardJob.run(spark, Path.of("/data/train"), Path.of("/data/train-shards"),
 *         ShardJob.options(64).maxSide(320).quality(90).seed(0).onCorrupt(ShardJob.OnCorrupt.SKIP));
 * System.out.println(r.summary());
 * }</pre>
 */
public final class ShardJob {
    /** The JPEG quality of re-encoded JPEGs when no quality is set. */
    public static final int DEFAULT_QUALITY = 90;

    private ShardJob() {
    }

    /** What to do with an image that cannot be read or decoded. */
    public enum OnCorrupt {
        /** Fail the job, naming the image (default). */
        FAIL,
        /** Leave it out and report it (path and reason) in the summary and the manifest. */
        SKIP
    }

    /** Options of the job, starting with the number of shards. */
    public static Options options(int shards) {
        return new Options(shards, 0, 0, 0, OnCorrupt.FAIL, false);
    }

    /**
     * Options of a shard job.
     *
     * @param shards    the number of shard files
     * @param seed      the seed of the placement of samples in shards
     * @param maxSide   resize images whose shorter side is longer than this to this (0: never resize)
     * @param quality   re-encode every image as JPEG of this quality, 1 to 100 (0: keep encodings where possible)
     * @param onCorrupt what to do with an unreadable image
     * @param overwrite replace the shards and manifest of an earlier run in the output folder
     */
    public record Options(int shards, long seed, int maxSide, int quality, OnCorrupt onCorrupt, boolean overwrite)
            implements Serializable {
        /** Checks the values. */
        public Options {
            if (shards < 1 || shards > 999_999) {
                throw new IllegalArgumentException("shards must be in [1, 999999], but got shards=" + shards);
            }
            if (maxSide < 0) {
                throw new IllegalArgumentException("maxSide must be positive, or 0 for no resizing, but got maxSide="
                        + maxSide);
            }
            if (quality < 0 || quality > 100) {
                throw new IllegalArgumentException("quality must be in [1, 100], or 0 to keep encodings, but got quality="
                        + quality);
            }
            Objects.requireNonNull(onCorrupt, "onCorrupt");
        }

        /** With another seed. */
        public Options seed(long seed) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /** Resizing images so that the shorter side is at most {@code maxSide}. */
        public Options maxSide(int maxSide) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /** Re-encoding every image as JPEG of {@code quality}. */
        public Options quality(int quality) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /** With another policy for corrupt images. */
        public Options onCorrupt(OnCorrupt onCorrupt) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /** Whether to replace an earlier run's shards and manifest in the output folder. */
        public Options overwrite(boolean overwrite) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }
    }

    /**
     * What the job did.
     *
     * @param manifest     the manifest it wrote
     * @param manifestPath where
     * @param skipped      the inputs left out, with reasons (also in the manifest)
     * @param inputs       the number of inputs
     * @param elapsed      the job's wall time
     */
    public record Result(Manifest manifest, Path manifestPath, List<Manifest.Skipped> skipped, long inputs,
                         Duration elapsed) {
        /** A human-readable report: counts, throughput, statistics and every skipped input. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
            long bytes = manifest.shards().stream().mapToLong(Manifest.Shard::bytes).sum();
            sb.append(String.format(Locale.ROOT, "wrote %d samples of %d classes into %d shards (%.1f MB) in %.1f s"
                            + " (%.1f samples/s); %d of %d inputs skipped%n", manifest.samples(),
                    manifest.classes().size(), manifest.shards().size(), bytes / 1e6, seconds,
                    manifest.samples() / seconds, skipped.size(), inputs));
            sb.append("mean ").append(java.util.Arrays.toString(manifest.mean())).append(", std ")
                    .append(java.util.Arrays.toString(manifest.std())).append(System.lineSeparator());
            sb.append("manifest: ").append(manifestPath).append(System.lineSeparator());
            for (Manifest.Skipped s : skipped) {
                sb.append("skipped ").append(s.source()).append(": ").append(s.reason()).append(System.lineSeparator());
            }
            return sb.toString();
        }
    }

    /** One input sample: a file to read ({@code path}) or bytes already read, with its key and label. */
    record Input(String key, String path, byte[] bytes, int label) implements Serializable {
    }

    /** Sort key of the shuffle: shard, then rank, then the key itself (ties of the 64-bit rank). */
    record Place(int shard, long rank, String key) implements Serializable {
        static Place of(long seed, String key, int shards) {
            return new Place(ShardKeys.shard(seed, key, shards), ShardKeys.rank(seed, key), key);
        }
    }

    /** Orders places within a shard. */
    static final class PlaceOrder implements Comparator<Place>, Serializable {
        @Override
        public int compare(Place a, Place b) {
            int c = Long.compare(a.rank, b.rank);
            return c != 0 ? c : a.key.compareTo(b.key);
        }
    }

    /** Partition {@code i} is shard {@code i}. */
    static final class ShardPartitioner extends Partitioner {
        private final int shards;

        ShardPartitioner(int shards) {
            this.shards = shards;
        }

        @Override
        public int numPartitions() {
            return shards;
        }

        @Override
        public int getPartition(Object key) {
            return ((Place) key).shard;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ShardPartitioner p && p.shards == shards;
        }

        @Override
        public int hashCode() {
            return shards;
        }
    }

    /**
     * Shards the images of an {@code ImageFolder} directory ({@code root/<class>/**}).
     *
     * @throws IllegalArgumentException if the folder is not an image folder (as {@link ImageFolder} says), the output
     *                                  folder holds an earlier run without {@code overwrite}, or options are invalid
     * @throws ShardJobException        if the job fails, for example on a corrupt image with {@link OnCorrupt#FAIL}
     */
    public static Result run(SparkSession spark, Path imageFolder, Path output, Options options) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(imageFolder, "imageFolder");
        long start = System.nanoTime();
        DatasetFolder<Image> folder = ImageFolder.of(imageFolder);
        Path root = folder.root().toAbsolutePath();
        List<Input> inputs = new ArrayList<>(folder.samples().size());
        Map<String, Integer> used = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (DatasetFolder.Entry e : folder.samples()) {
            Path abs = e.path().toAbsolutePath();
            String relative = root.relativize(abs).toString().replace('\\', '/');
            String stem = relative.contains(".") && relative.lastIndexOf('.') > relative.lastIndexOf('/')
                    ? relative.substring(0, relative.lastIndexOf('.')) : relative;
            String key = ShardKeys.sanitize(stem);
            if (!keys.add(key)) {   // two files map to one key: number the later ones, deterministically
                int n = used.merge(key, 1, Integer::sum);
                String candidate;
                do {
                    candidate = ShardKeys.sanitize(stem + "_" + (n++));
                } while (!keys.add(candidate));
                used.put(key, n);
                key = candidate;
            }
            inputs.add(new Input(key, abs.toString(), null, e.target()));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = Math.max(1, Math.min(inputs.size(), jsc.defaultParallelism() * 4));
        JavaRDD<Input> rdd = jsc.parallelize(inputs, slices);
        return execute(spark, rdd, inputs.size(), folder.classes(), output, options, start);
    }

    /**
     * Shards a table of encoded images: columns {@code key} (string, unique; made WebDataset-safe as for folders),
     * {@code image} (binary) and {@code label} (integer class index into {@code classes}).
     *
     * @throws IllegalArgumentException if a column is missing or of the wrong type, or a label is out of range
     * @throws ShardJobException        if the job fails, for example on a duplicate key or a corrupt image
     */
    public static Result run(SparkSession spark, Dataset<Row> images, List<String> classes, Path output,
                             Options options) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(classes, "classes");
        long start = System.nanoTime();
        checkColumn(images, "key", DataTypes.StringType);
        checkColumn(images, "image", DataTypes.BinaryType);
        DataType labelType = images.schema().apply(images.schema().fieldIndex("label")).dataType();
        if (!(labelType.equals(DataTypes.IntegerType) || labelType.equals(DataTypes.LongType)
                || labelType.equals(DataTypes.ShortType))) {
            throw new IllegalArgumentException("column label must be an integer type, but it is " + labelType);
        }
        int classCount = classes.size();
        JavaRDD<Input> rdd = images.select("key", "image", "label").toJavaRDD().map(row -> {
            String key = row.getString(0);
            if (key == null || row.isNullAt(1) || row.isNullAt(2)) {
                throw new IllegalArgumentException("a row has a null key, image or label: key=" + key);
            }
            long label = ((Number) row.get(2)).longValue();
            if (label < 0 || label >= classCount) {
                throw new IllegalArgumentException("the row with key " + key + " has label " + label
                        + ", outside [0, " + classCount + ") for the " + classCount + " classes given");
            }
            return new Input(ShardKeys.sanitize(key), null, (byte[]) row.get(1), (int) label);
        });
        return execute(spark, rdd, -1, classes, output, options, start);
    }

    private static void checkColumn(Dataset<Row> images, String name, DataType type) {
        List<String> names = List.of(images.schema().fieldNames());
        if (!names.contains(name)) {
            throw new IllegalArgumentException("the images need a column " + name + " of " + type.simpleString()
                    + ", but the columns are " + names);
        }
        DataType actual = images.schema().apply(images.schema().fieldIndex(name)).dataType();
        if (!actual.equals(type)) {
            throw new IllegalArgumentException("column " + name + " must be " + type.simpleString() + ", but it is "
                    + actual.simpleString());
        }
    }

    private static Result execute(SparkSession spark, JavaRDD<Input> inputs, long inputCount, List<String> classes,
                                  Path output, Options options, long start) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(options, "options");
        Path out = output.toAbsolutePath();
        prepareOutput(out, options.overwrite());
        long seed = options.seed();
        int shards = options.shards();
        JavaPairRDD<Place, Input> placed = inputs.mapToPair(in -> new Tuple2<>(Place.of(seed, in.key(), shards), in))
                .repartitionAndSortWithinPartitions(new ShardPartitioner(shards), new PlaceOrder());
        ShardWriter writer = new ShardWriter(out.toString(), options);
        JavaRDD<ShardReport> reports = placed.mapPartitionsWithIndex(writer, true);
        JobReport total;
        try {
            spark.sparkContext().setJobDescription("dataloader4j shard job: " + shards + " shards into " + out);
            Dataset<ShardReport> table = spark.createDataset(reports.rdd(), Encoders.kryo(ShardReport.class));
            total = table.select(new ReportAggregator().toColumn()).first();
        } catch (Exception e) {   // SparkException is checked in Java's eyes but thrown undeclared by Scala code
            throw new ShardJobException("the shard job writing " + out + " failed: " + rootMessage(e), e);
        }
        List<Manifest.Shard> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            ShardReport r = total.shards.get(i);
            if (r == null) {
                throw new ShardJobException("the shard job wrote no report for shard " + i + " of " + out, null);
            }
            files.add(new Manifest.Shard(r.file, r.samples, r.bytes, r.sha256));
        }
        double[] mean = new double[0];
        double[] std = new double[0];
        long pixels = 0;
        if (total.stats != null && total.stats.count() > 0) {
            var summary = total.stats.summary();
            mean = summary.mean();
            std = summary.std();
            pixels = summary.count();
        }
        int quality = options.quality() > 0 ? options.quality() : 0;
        List<Manifest.Skipped> skipped = total.skipped().stream()
                .sorted(Comparator.comparing(Manifest.Skipped::source)).toList();
        Manifest manifest = new Manifest(seed, files, classes, mean, std, pixels, options.maxSide(), quality, skipped);
        Path manifestPath = out.resolve(Manifest.FILE_NAME);
        try {
            Path temp = out.resolve(Manifest.FILE_NAME + ".tmp");
            Files.writeString(temp, manifest.toJson(), StandardCharsets.UTF_8);
            Files.move(temp, manifestPath, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + manifestPath + ": " + e, e);
        }
        long count = inputCount >= 0 ? inputCount : manifest.samples() + skipped.size();
        return new Result(manifest, manifestPath, skipped, count, Duration.ofNanos(System.nanoTime() - start));
    }

    private static void prepareOutput(Path out, boolean overwrite) {
        try {
            Files.createDirectories(out);
            List<Path> earlier;
            try (Stream<Path> files = Files.list(out)) {
                earlier = files.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.equals(Manifest.FILE_NAME) || n.startsWith(Manifest.FILE_NAME + ".")
                            || (n.startsWith(ShardWriter.PREFIX) && n.contains(".tar"));
                }).sorted().toList();
            }
            if (!earlier.isEmpty()) {
                if (!overwrite) {
                    throw new IllegalArgumentException("the output folder " + out + " already holds shards or a manifest ("
                            + earlier.getFirst().getFileName() + (earlier.size() > 1 ? " and " + (earlier.size() - 1)
                            + " more" : "") + "); choose an empty folder or set overwrite");
                }
                for (Path p : earlier) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the output folder " + out + ": " + e, e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String best = e.getMessage();
        while (t != null) {
            if (t instanceof ShardJobException || t.getClass() == IllegalArgumentException.class
                    || t instanceof org.dataloader4j.vision.ImageDecodeException || t instanceof UncheckedIOException) {
                best = t.getMessage();
            }
            t = t.getCause();
        }
        return best;
    }

    /**
     * The command line: {@code SRC OUT --shards N [--max-side S] [--quality Q] [--seed N] [--on-corrupt fail|skip]
     * [--overwrite] [--master URL]}. Without {@code --master} the master comes from {@code spark-submit} (or is
     * {@code local[*]} when there is none); a local master binds Spark to 127.0.0.1 with the UI off.
     */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            status = 2;
        } catch (ShardJobException e) {
            System.err.println("error: " + e.getMessage());
            status = 1;
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    static final String USAGE = "usage: ShardJob SRC OUT --shards N [--max-side S] [--quality Q] [--seed N]"
            + " [--on-corrupt fail|skip] [--overwrite] [--master URL]";

    /** Runs the command line and returns the exit status (0 on success); used by {@link #main}. */
    public static int run(String... args) {
        List<String> positional = new ArrayList<>();
        Integer shards = null;
        int maxSide = 0;
        int quality = 0;
        long seed = 0;
        OnCorrupt onCorrupt = OnCorrupt.FAIL;
        boolean overwrite = false;
        String master = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--shards" -> shards = intArg(args, ++i, a);
                case "--max-side" -> maxSide = intArg(args, ++i, a);
                case "--quality" -> quality = intArg(args, ++i, a);
                case "--seed" -> seed = Long.parseLong(arg(args, ++i, a));
                case "--on-corrupt" -> onCorrupt = switch (arg(args, ++i, a).toLowerCase(Locale.ROOT)) {
                    case "fail" -> OnCorrupt.FAIL;
                    case "skip" -> OnCorrupt.SKIP;
                    default -> throw new IllegalArgumentException("--on-corrupt takes fail or skip, but got " + args[i]);
                };
                case "--overwrite" -> overwrite = true;
                case "--master" -> master = arg(args, ++i, a);
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    positional.add(a);
                }
            }
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException("expected SRC and OUT, but got " + positional);
        }
        if (shards == null) {
            throw new IllegalArgumentException("--shards is required");
        }
        Options options = options(shards).maxSide(maxSide).quality(quality).seed(seed).onCorrupt(onCorrupt)
                .overwrite(overwrite);
        SparkSession.Builder builder = SparkSession.builder().appName("dataloader4j shard");
        if (master != null) {
            builder = builder.master(master);
        } else if (!hasMaster()) {
            master = "local[*]";
            builder = builder.master(master);
        }
        if (master != null && master.startsWith("local")) {
            builder = loopback(builder);
        }
        SparkSession spark = builder.getOrCreate();
        try {
            Result result = run(spark, Path.of(positional.get(0)), Path.of(positional.get(1)), options);
            System.out.print(result.summary());
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** Binds a local-mode session to the loopback interface only, without the web UI. */
    public static SparkSession.Builder loopback(SparkSession.Builder builder) {
        return builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false");
    }

    private static boolean hasMaster() {
        return System.getProperty("spark.master") != null;
    }

    private static String arg(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int intArg(String[] args, int i, String option) {
        String v = arg(args, i, option);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, but got " + v);
        }
    }
}
