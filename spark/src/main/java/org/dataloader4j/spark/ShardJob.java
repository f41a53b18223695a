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
import org.dataloader4j.spark.internal.JobReport;
import org.dataloader4j.spark.internal.ShardReport;
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
 *       bilinear with antialiasing) and re-encodes, writes the shard (to a temporary file renamed into place, or
 *       as one object of an object store; see "Where files live"), and accumulates the per-channel statistics of the images as stored (RGB scaled to [0, 1]) in a
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
 * The image folder is a path of a file system that the driver and every executor see at the same path (local in
 * local mode; a shared mount such as NFS on a cluster); for images in an object store, read them with Spark
 * ({@code spark.read().format("binaryFile")}) into the {@code Dataset<Row>} input. The output is either such a folder
 * (each task writes a temporary file and renames it into place) or an object-store prefix,
 * {@code s3a://bucket/prefix} or {@code s3://bucket/prefix} (the same), written straight through Hadoop's S3A
 * ({@code org.apache.hadoop:hadoop-aws} of Spark's Hadoop version on the class path): each task uploads its shard as
 * one object (a PUT, or a multipart upload for large shards), which becomes visible only when complete, and a failed
 * task aborts its upload; a retried or speculative attempt writes the same key with the same bytes. The driver
 * writes {@code manifest.json} last. S3A is configured through the session: {@code spark.hadoop.fs.s3a.endpoint},
 * {@code spark.hadoop.fs.s3a.path.style.access=true} (MinIO, Ceph, R2 and most S3-compatible stores),
 * {@code spark.hadoop.fs.s3a.endpoint.region}, {@code spark.hadoop.fs.s3a.aws.credentials.provider} and the
 * other {@code fs.s3a.*} keys, also per bucket ({@code fs.s3a.bucket.NAME.endpoint}).
 *
 * <pre>{@code
 * ShardJob.Result r = ShardJob.run(spark, Path.of("/data/train"), Path.of("/data/train-shards"),
 *         ShardJob.options(64).maxSide(320).quality(90).seed(0).onCorrupt(ShardJob.OnCorrupt.SKIP));
 * System.out.println(r.summary());
 * // into S3 or an S3-compatible store, the session set up with spark.hadoop.fs.s3a.endpoint and friends:
 * ShardJob.run(spark, Path.of("/data/train"), "s3://training/train-shards", ShardJob.options(64));
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
        SKIP;

        /**
         * The policy a command line names: {@code fail} or {@code skip}, in any case.
         *
         * @param value the option's value
         * @return the policy
         * @throws IllegalArgumentException naming {@code --on-corrupt} and the value, for anything else
         */
        public static OnCorrupt parse(String value) {
            Objects.requireNonNull(value, "--on-corrupt");
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "fail" -> FAIL;
                case "skip" -> SKIP;
                default -> throw new IllegalArgumentException("--on-corrupt takes fail or skip, but got " + value);
            };
        }
    }

    /** The largest number of shards (shard file names have at least five digits and at most six here). */
    public static final int MAX_SHARDS = 999_999;

    /**
     * Options of the job, starting with the number of shards; the others are set with the withers of
     * {@link Options} (for all options at once, and every bad value reported together, use {@link Options#builder()}).
     *
     * @param shards the number of shard files, 1 to {@value #MAX_SHARDS}
     * @return options with that many shards, seed 0, no resizing, encodings kept where possible, failing on a corrupt
     *         image, not overwriting an earlier run
     */
    public static Options options(int shards) {
        return Options.builder().shards(shards).build();
    }

    /**
     * Options of a shard job: the one type that both the {@code dataloader4j shard} command (picocli) and
     * {@link ShardJob#main spark-submit} parse their options into, and that the programmatic API takes. All values
     * are checked together when one is made, and the message names each bad value by its command-line option and
     * value (for example {@code "shards must be in [1, 999999], but got --shards=0"}).
     *
     * <pre>{@code
     * ShardJob.Options o = ShardJob.Options.builder().shards(64).maxSide(320).onCorrupt(ShardJob.OnCorrupt.SKIP).build();
     * ShardJob.Options same = ShardJob.options(64).maxSide(320).onCorrupt(ShardJob.OnCorrupt.SKIP);
     * }</pre>
     *
     * @param shards    the number of shard files ({@code --shards}), 1 to {@value ShardJob#MAX_SHARDS}
     * @param seed      the seed of the placement of samples in shards ({@code --seed})
     * @param maxSide   resize images whose shorter side is longer than this to this ({@code --max-side}; 0: never
     *                  resize)
     * @param quality   re-encode every image as JPEG of this quality, 1 to 100 ({@code --quality}; 0: keep encodings
     *                  where possible)
     * @param onCorrupt what to do with an unreadable image ({@code --on-corrupt})
     * @param overwrite replace the shards and manifest of an earlier run in the output folder ({@code --overwrite})
     */
    public record Options(int shards, long seed, int maxSide, int quality, OnCorrupt onCorrupt, boolean overwrite)
            implements Serializable {
        /** Checks the values, all of them, and names every bad one with its option and value. */
        public Options {
            Objects.requireNonNull(onCorrupt, "onCorrupt (--on-corrupt)");
            List<String> problems = new ArrayList<>();
            if (shards < 1 || shards > MAX_SHARDS) {
                problems.add("shards must be in [1, " + MAX_SHARDS + "], but got --shards=" + shards);
            }
            if (maxSide < 0) {
                problems.add("maxSide must be positive, or 0 for no resizing, but got --max-side=" + maxSide);
            }
            if (quality < 0 || quality > 100) {
                problems.add("quality must be in [1, 100], or 0 to keep encodings, but got --quality=" + quality);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
        }

        /**
         * A builder of options; {@link Builder#shards} is required, the rest default as in {@link ShardJob#options}.
         *
         * @return an empty builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * With another seed.
         *
         * @param seed the placement seed
         * @return options with that seed and the other values of these
         */
        public Options seed(long seed) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /**
         * Resizing images so that the shorter side is at most {@code maxSide}.
         *
         * @param maxSide the largest shorter side, or 0 to never resize
         * @return options with that limit and the other values of these
         */
        public Options maxSide(int maxSide) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /**
         * Re-encoding every image as JPEG of {@code quality}.
         *
         * @param quality the JPEG quality, 1 to 100, or 0 to keep encodings where possible
         * @return options with that quality and the other values of these
         */
        public Options quality(int quality) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /**
         * With another policy for corrupt images.
         *
         * @param onCorrupt what to do with an unreadable image
         * @return options with that policy and the other values of these
         */
        public Options onCorrupt(OnCorrupt onCorrupt) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /**
         * Whether to replace an earlier run's shards and manifest in the output folder.
         *
         * @param overwrite whether to replace an earlier run
         * @return options with that choice and the other values of these
         */
        public Options overwrite(boolean overwrite) {
            return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
        }

        /**
         * Collects the options one by one (as a command-line parser meets them) and checks them all in
         * {@link #build()}. Not thread-safe; one builder makes any number of {@link Options}.
         */
        public static final class Builder {
            private Integer shards;
            private long seed;
            private int maxSide;
            private int quality;
            private OnCorrupt onCorrupt = OnCorrupt.FAIL;
            private boolean overwrite;

            private Builder() {
            }

            /**
             * The number of shard files ({@code --shards}); required.
             *
             * @param shards 1 to {@value ShardJob#MAX_SHARDS}
             * @return this builder
             */
            public Builder shards(int shards) {
                this.shards = shards;
                return this;
            }

            /**
             * The placement seed ({@code --seed}; default 0).
             *
             * @param seed the seed
             * @return this builder
             */
            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /**
             * The largest shorter side ({@code --max-side}; default 0, never resize).
             *
             * @param maxSide the largest shorter side, or 0
             * @return this builder
             */
            public Builder maxSide(int maxSide) {
                this.maxSide = maxSide;
                return this;
            }

            /**
             * The JPEG quality of every image ({@code --quality}; default 0, keep encodings where possible).
             *
             * @param quality 1 to 100, or 0
             * @return this builder
             */
            public Builder quality(int quality) {
                this.quality = quality;
                return this;
            }

            /**
             * What to do with a corrupt image ({@code --on-corrupt}; default {@link OnCorrupt#FAIL}).
             *
             * @param onCorrupt the policy
             * @return this builder
             */
            public Builder onCorrupt(OnCorrupt onCorrupt) {
                this.onCorrupt = Objects.requireNonNull(onCorrupt, "onCorrupt (--on-corrupt)");
                return this;
            }

            /**
             * Whether to replace an earlier run's output ({@code --overwrite}; default false).
             *
             * @param overwrite whether to replace it
             * @return this builder
             */
            public Builder overwrite(boolean overwrite) {
                this.overwrite = overwrite;
                return this;
            }

            /**
             * The options.
             *
             * @return the options collected so far
             * @throws IllegalArgumentException if {@code --shards} was not given, or naming every bad value
             */
            public Options build() {
                if (shards == null) {
                    throw new IllegalArgumentException("--shards is required: the number of shard files, 1 to "
                            + MAX_SHARDS);
                }
                return new Options(shards, seed, maxSide, quality, onCorrupt, overwrite);
            }
        }
    }

    /**
     * One run of the job from a command line: where the images are, where the shards go, the Spark master and the
     * {@link Options}. {@link #parse} reads it from {@code spark-submit}'s arguments; the {@code dataloader4j shard}
     * command makes it from its picocli fields; both give equal values for the same arguments.
     *
     * @param source  the ImageFolder ({@code SRC})
     * @param output  where the shards and the manifest go ({@code OUT}): a local folder, or an object-store prefix
     *                {@code s3://bucket/prefix} or {@code s3a://bucket/prefix}; normalized (a local path as
     *                {@code Path.of(output).toString()}, an object-store prefix without trailing slashes)
     * @param master  the Spark master URL ({@code --master}), or null for {@code spark-submit}'s ({@code local[*]}
     *                when there is none)
     * @param options the job's options
     */
    public record Invocation(Path source, String output, String master, Options options) {
        /**
         * Checks that the paths and options are there and normalizes the output.
         *
         * @throws IllegalArgumentException naming {@code OUT} if it is an object-store location without a bucket or
         *                                  of a scheme the job cannot write to
         */
        public Invocation {
            Objects.requireNonNull(source, "source (SRC)");
            Objects.requireNonNull(options, "options");
            output = OutputLocation.normalize(output);
        }

        /**
         * An invocation writing to a local folder.
         *
         * @param source  the ImageFolder ({@code SRC})
         * @param output  the local folder for the shards and the manifest ({@code OUT})
         * @param master  the Spark master URL, or null
         * @param options the job's options
         */
        public Invocation(Path source, Path output, String master, Options options) {
            this(source, Objects.requireNonNull(output, "output (OUT)").toString(), master, options);
        }

        /**
         * Parses {@code SRC OUT --shards N [--max-side S] [--quality Q] [--seed N] [--on-corrupt fail|skip]
         * [--overwrite] [--master URL]} ({@link #USAGE}).
         *
         * @param args the command line, without {@code --help}
         * @return the invocation it describes
         * @throws IllegalArgumentException naming the option and the value that are wrong, an unknown option or a
         *                                  missing {@code SRC}/{@code OUT}
         */
        public static Invocation parse(String... args) {
            return ShardJobArgs.parse(args);
        }

        /** The command line's usage: each option, what it takes and its default. */
        public static final String USAGE = ShardJobArgs.USAGE;
    }

    /**
     * What the job did.
     *
     * @param manifest         the manifest it wrote
     * @param manifestLocation where: a local path, or {@code s3://bucket/prefix/manifest.json} (the scheme as given)
     * @param skipped          the inputs left out, with reasons (also in the manifest)
     * @param inputs           the number of inputs
     * @param elapsed          the job's wall time
     */
    public record Result(Manifest manifest, String manifestLocation, List<Manifest.Skipped> skipped, long inputs,
                         Duration elapsed) {
        /**
         * A human-readable report: counts, throughput, statistics and every skipped input.
         *
         * @return the report, one line each, ending with a line separator
         */
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
            sb.append("manifest: ").append(manifestLocation).append(System.lineSeparator());
            for (Manifest.Skipped s : skipped) {
                sb.append("skipped ").append(s.source()).append(": ").append(s.reason()).append(System.lineSeparator());
            }
            return sb.toString();
        }
    }

    /**
     * One input sample: a file to read ({@code path}) or bytes already read, with its key and label.
     *
     * @param key   the WebDataset key
     * @param path  the file to read, or null when {@code bytes} are given
     * @param bytes the encoded image, or null when {@code path} is given
     * @param label the class index
     */
    record Input(String key, String path, byte[] bytes, int label) implements Serializable {
    }

    /**
     * Sort key of the shuffle: shard, then rank, then the key itself (ties of the 64-bit rank).
     *
     * @param shard the shard the sample goes to
     * @param rank  its rank within the shard
     * @param key   its key
     */
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
    /**
     * Shards the images of an {@code ImageFolder} directory ({@code root/<class>/**}).
     *
     * @param spark       the session to run in
     * @param imageFolder the ImageFolder
     * @param output      the folder for the shards and the manifest
     * @param options     the job's options
     * @return what the job did
     * @throws IllegalArgumentException if the folder is not an image folder (as {@link ImageFolder} says), the output
     *                                  folder holds an earlier run without {@code overwrite}, or options are invalid
     * @throws ShardJobException        if the job fails, for example on a corrupt image with {@link OnCorrupt#FAIL}
     */
    public static Result run(SparkSession spark, Path imageFolder, Path output, Options options) {
        Objects.requireNonNull(output, "output");
        return run(spark, imageFolder, output.toString(), options);
    }

    /**
     * Shards the images of an {@code ImageFolder} directory ({@code root/<class>/**}) into a local folder or an
     * object store: {@code s3a://bucket/prefix} or {@code s3://bucket/prefix} (the same, through S3A), configured by
     * the session's {@code spark.hadoop.fs.s3a.*} settings (see the class comment).
     *
     * @param spark       the session to run in
     * @param imageFolder the ImageFolder
     * @param output      a local folder, or {@code s3://bucket/prefix} / {@code s3a://bucket/prefix}
     * @param options     the job's options
     * @return what the job did
     * @throws IllegalArgumentException if the folder is not an image folder (as {@link ImageFolder} says), the output
     *                                  holds an earlier run without {@code overwrite} or names a scheme other than
     *                                  {@code s3}/{@code s3a}/{@code file}, or options are invalid
     * @throws UncheckedIOException     naming the location, bucket and endpoint if the object store cannot be
     *                                  reached or the bucket does not exist
     * @throws ShardJobException        if the job fails, for example on a corrupt image with {@link OnCorrupt#FAIL}
     */
    public static Result run(SparkSession spark, Path imageFolder, String output, Options options) {
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
     * @param spark   the session to run in
     * @param images  the table
     * @param classes the class names, in label order
     * @param output  the folder for the shards and the manifest
     * @param options the job's options
     * @return what the job did
     * @throws IllegalArgumentException if a column is missing or of the wrong type, or a label is out of range
     * @throws ShardJobException        if the job fails, for example on a duplicate key or a corrupt image
     */
    public static Result run(SparkSession spark, Dataset<Row> images, List<String> classes, Path output,
                             Options options) {
        Objects.requireNonNull(output, "output");
        return run(spark, images, classes, output.toString(), options);
    }

    /**
     * Shards a table of encoded images (as {@link #run(SparkSession, Dataset, List, Path, Options)}) into a local
     * folder or an object store ({@code s3a://bucket/prefix} or {@code s3://bucket/prefix}).
     *
     * @param spark   the session to run in
     * @param images  the table
     * @param classes the class names, in label order
     * @param output  a local folder, or {@code s3://bucket/prefix} / {@code s3a://bucket/prefix}
     * @param options the job's options
     * @return what the job did
     * @throws IllegalArgumentException if a column is missing or of the wrong type, a label is out of range, or the
     *                                  output is refused (as for folders)
     * @throws UncheckedIOException     naming the location, bucket and endpoint if the object store cannot be
     *                                  reached or the bucket does not exist
     * @throws ShardJobException        if the job fails, for example on a duplicate key or a corrupt image
     */
    public static Result run(SparkSession spark, Dataset<Row> images, List<String> classes, String output,
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

    /** The output checked and prepared on the driver, before any input is read: a local folder or an object store. */
    private record Target(Path folder, S3aOutput store) {
        static Target of(SparkSession spark, String output, boolean overwrite) {
            String location = OutputLocation.normalize(output);
            if (OutputLocation.isObjectStore(location)) {
                S3aOutput store = S3aOutput.of(location, spark.sparkContext().hadoopConfiguration());
                store.prepare(overwrite);
                return new Target(null, store);
            }
            Path folder = Path.of(location).toAbsolutePath();
            prepareOutput(folder, overwrite);
            return new Target(folder, null);
        }

        String describe() {
            return folder != null ? folder.toString() : store.location();
        }

        ShardWriter writer(Options options) {
            return folder != null ? new ShardWriter(folder.toString(), options) : new ShardWriter(store, options);
        }

        /** Writes the manifest, last, and returns where it is. */
        String writeManifest(Manifest manifest) {
            if (store != null) {
                return store.writeManifest(manifest.toJson());
            }
            Path manifestPath = folder.resolve(Manifest.FILE_NAME);
            try {
                Path temp = folder.resolve(Manifest.FILE_NAME + ".tmp");
                Files.writeString(temp, manifest.toJson(), StandardCharsets.UTF_8);
                Files.move(temp, manifestPath, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + manifestPath + ": " + e, e);
            }
            return manifestPath.toString();
        }
    }

    private static Result execute(SparkSession spark, JavaRDD<Input> inputs, long inputCount, List<String> classes,
                                  String output, Options options, long start) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(options, "options");
        Target target = Target.of(spark, output, options.overwrite());
        String out = target.describe();
        long seed = options.seed();
        int shards = options.shards();
        JavaPairRDD<Place, Input> placed = inputs.mapToPair(in -> new Tuple2<>(Place.of(seed, in.key(), shards), in))
                .repartitionAndSortWithinPartitions(new ShardPartitioner(shards), new PlaceOrder());
        ShardWriter writer = target.writer(options);
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
        String manifestLocation = target.writeManifest(manifest);
        long count = inputCount >= 0 ? inputCount : manifest.samples() + skipped.size();
        return new Result(manifest, manifestLocation, skipped, count, Duration.ofNanos(System.nanoTime() - start));
    }

    private static void prepareOutput(Path out, boolean overwrite) {
        try {
            Files.createDirectories(out);
            List<Path> earlier;
            try (Stream<Path> files = Files.list(out)) {
                earlier = files.filter(p -> isJobFile(p.getFileName().toString())).sorted().toList();
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

    /** {@return true for the names of the files a run writes: the manifest, shards, and their temporary files} */
    static boolean isJobFile(String name) {
        return name.equals(Manifest.FILE_NAME) || name.startsWith(Manifest.FILE_NAME + ".")
                || (name.startsWith(ShardWriter.PREFIX) && name.contains(".tar"));
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
     * The command line of {@code spark-submit}: {@code SRC OUT --shards N [--max-side S] [--quality Q] [--seed N]
     * [--on-corrupt fail|skip] [--overwrite] [--master URL]} ({@link Invocation#USAGE}). Without {@code --master} the
     * master comes from {@code spark-submit} (or is {@code local[*]} when there is none); a local master binds Spark
     * to 127.0.0.1 with the UI off. Exit status 2 on a usage error (the message names the option and the value), 1
     * when the job fails.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: " + ShardJobArgs.SYNOPSIS + " (--help lists the options)");
            status = 2;
        } catch (ShardJobException e) {
            System.err.println("error: " + e.getMessage());
            status = 1;
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the command line and returns the exit status (0 on success); used by {@link #main}. {@code -h} or
     * {@code --help} prints {@link Invocation#USAGE}; otherwise the arguments are parsed into an {@link Invocation}
     * ({@link Invocation#parse}), which {@link #run(Invocation)} runs, and the summary is printed.
     *
     * @param args the command line
     * @return 0 on success
     * @throws IllegalArgumentException on a usage error, naming the option and the value
     * @throws ShardJobException        if the job fails
     */
    public static int run(String... args) {
        if (ShardJobArgs.asksForHelp(args)) {
            System.out.print(Invocation.USAGE);
            return 0;
        }
        System.out.print(run(Invocation.parse(args)).summary());
        return 0;
    }

    /**
     * Runs the job of a command line in a Spark session of its own: the invocation's master, else the one of
     * {@code spark-submit} (the {@code spark.master} property), else {@code local[*]}; a local master is bound to
     * the loopback interface without the web UI ({@link #loopback}). The session is stopped afterwards.
     *
     * @param invocation what to shard where, with which options
     * @return what the job did
     * @throws IllegalArgumentException as {@link #run(SparkSession, Path, String, Options)}
     * @throws ShardJobException        if the job fails
     */
    public static Result run(Invocation invocation) {
        return run(invocation, Map.of());
    }

    /**
     * Runs the job of a command line as {@link #run(Invocation)}, with settings added to the session's Spark
     * configuration: for example {@code spark.hadoop.fs.s3a.endpoint} and
     * {@code spark.hadoop.fs.s3a.path.style.access} for an {@code s3://} output in an S3-compatible store (this is
     * how {@code dataloader4j shard} passes its S3 settings on).
     *
     * @param invocation what to shard where, with which options
     * @param sparkConf  Spark configuration entries, set on the session builder in their iteration order
     * @return what the job did
     * @throws IllegalArgumentException as {@link #run(SparkSession, Path, String, Options)}
     * @throws ShardJobException        if the job fails
     */
    public static Result run(Invocation invocation, Map<String, String> sparkConf) {
        Objects.requireNonNull(invocation, "invocation");
        Objects.requireNonNull(sparkConf, "sparkConf");
        String master = invocation.master();
        SparkSession.Builder builder = SparkSession.builder().appName("dataloader4j shard");
        for (Map.Entry<String, String> e : sparkConf.entrySet()) {
            builder = builder.config(e.getKey(), e.getValue());
        }
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
            return run(spark, invocation.source(), invocation.output(), invocation.options());
        } finally {
            spark.stop();
        }
    }

    /**
     * Binds a local-mode session to the loopback interface only, without the web UI.
     *
     * @param builder a session builder
     * @return the same builder, configured
     */
    public static SparkSession.Builder loopback(SparkSession.Builder builder) {
        return builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false");
    }

    private static boolean hasMaster() {
        return System.getProperty("spark.master") != null;
    }
}
