package org.dataloader4j.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dataloader4j.s3.S3ShardStore;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardJob;
import org.dataloader4j.spark.ShardJobException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dataloader4j shard SRC OUT --shards N}: the Apache Spark job of the {@code spark} module, which writes
 * an ImageFolder as WebDataset-layout tar shards plus {@code manifest.json} (with per-channel statistics), into a
 * local folder or straight into {@code s3://bucket/prefix} through hadoop-aws's S3A ({@link S3aSettings}; with
 * {@code --staging DIR}, into DIR and then uploaded with the AWS SDK). Spark and hadoop-aws are not bundled: the
 * {@code ./dataloader4j} launcher puts them (from Maven Central) on the class path for this command; on a cluster,
 * submit {@code org.dataloader4j.spark.ShardJob} with {@code spark-submit}.
 *
 * <pre>{@code
 * ./dataloader4j shard /data/train /data/train-shards --shards 64 --max-side 320 --master 'local[2]'
 * }</pre>
 */
@Command(name = "shard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write an ImageFolder as WebDataset-layout tar shards plus manifest.json with Apache Spark",
                "(local mode here, binding to 127.0.0.1 only; spark-submit org.dataloader4j.spark.ShardJob on a cluster)."},
        footer = {"", "Example:", "  dataloader4j shard /data/train /data/train-shards --shards 64 --max-side 320",
                "  dataloader4j shard /data/train s3://bucket/train-shards --shards 64",
                "",
                "An s3:// OUT is written straight to S3 (or an S3-compatible store) through hadoop-aws's S3A, each shard",
                "one object that appears only when complete, manifest.json last. Settings, as for info s3://...:",
                "  DATALOADER4J_S3_ENDPOINT    endpoint of an S3-compatible store (MinIO, Ceph, R2), e.g. http://minio:9000",
                "  DATALOADER4J_S3_PATH_STYLE  true for path-style requests (http://host/bucket/key), which most need",
                "  DATALOADER4J_S3_REGION      the region (S3-compatible stores mostly accept any)",
                "  (or -Ddataloader4j.s3.endpoint, .pathStyle, .region); credentials from the AWS SDK's default chain",
                "  (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, roles). Other S3A settings as Java system",
                "  properties: JDK_JAVA_OPTIONS='-Dspark.hadoop.fs.s3a.KEY=VALUE' (see spark/README.md)."})
final class ShardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "the ImageFolder: one sub-directory of images per class")
    Path source;

    @Parameters(index = "1", paramLabel = "OUT", description = "the directory for the shards and manifest.json, or"
            + " s3://bucket/prefix (or s3a://...; written straight to S3 through hadoop-aws's S3A: endpoint, path style and region"
            + " from DATALOADER4J_S3_ENDPOINT, _PATH_STYLE, _REGION or -Ddataloader4j.s3.*, credentials from the AWS"
            + " SDK's default chain)")
    Path output;

    @Option(names = "--staging", paramLabel = "DIR", description = "for an s3:// OUT: write the shards to DIR first and"
            + " upload them with the AWS SDK (each checked against the manifest), instead of writing through S3A; for"
            + " a store S3A cannot write to, or to keep a local copy (DIR is kept)")
    Path staging;

    @Option(names = "--shards", paramLabel = "N", required = true,
            description = "number of shard files, 1 to " + ShardJob.MAX_SHARDS)
    int shards;

    @Option(names = "--max-side", paramLabel = "S", defaultValue = "0",
            description = "resize so that the shorter side is at most S (default: ${DEFAULT-VALUE}, never resize)")
    int maxSide;

    @Option(names = "--quality", paramLabel = "Q", defaultValue = "0", description = "re-encode every image as JPEG"
            + " of quality Q, 1-100 (default: ${DEFAULT-VALUE}, copy JPEG and PNG files that are not resized)")
    int quality;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "placement seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--on-corrupt", paramLabel = "fail|skip", defaultValue = "fail",
            description = "stop at a corrupt image, or skip and report it (default: ${DEFAULT-VALUE})")
    String onCorrupt;

    @Option(names = "--overwrite", description = "replace an existing OUT")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]",
            description = "Spark master (default: ${DEFAULT-VALUE})")
    String master;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        ShardJob.Options options = options();
        if (!Files.isDirectory(source)) {
            throw new ParameterException(spec.commandLine(), "SRC " + source + " is not a directory: give an ImageFolder");
        }
        String location = objectStoreLocation(output);   // s3:// or s3a://bucket/prefix, or null for a local OUT
        if (location == null) {
            runJob(invocation(options, output), Map.of());
            return 0;
        }
        Map<String, String> sparkConf;
        try {
            sparkConf = S3aSettings.sparkConf(S3ShardStore::environmentSetting, System::getProperty);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String s3 = "s3://" + location.substring(location.indexOf("://") + 3);   // the same, as the SDK store names it
        try (S3ShardStore store = S3ShardStore.builder().fromEnvironment().build()) {
            String manifest = S3ShardStore.manifestLocation(s3);
            if (!overwrite && exists(store, manifest)) {
                throw new ParameterException(spec.commandLine(), "OUT " + s3 + " already holds " + manifest
                        + "; --overwrite replaces it");
            }
            if (staging == null) {
                runJob(invocation(options, location), sparkConf);   // straight to S3 through S3A
                return 0;
            }
            Path local = staging.resolve("shards");
            runJob(invocation(options, local.toString()), Map.of());
            Manifest m = store.upload(local, s3);
            spec.commandLine().getOut().printf("uploaded %d shards and %s from %s to %s%n", m.shards().size(),
                    Manifest.FILE_NAME, local, s3);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shards to " + s3 + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(S3ShardStore store, String location) throws IOException {
        try (InputStream in = store.open(location)) {
            return true;
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /**
     * The job's options, from the picocli fields straight into {@link ShardJob.Options} (the type that
     * {@code spark-submit}'s parser fills too), so both are checked by the same code.
     */
    ShardJob.Options options() {
        try {
            return ShardJob.Options.builder().shards(shards).maxSide(maxSide).quality(quality).seed(seed)
                    .onCorrupt(ShardJob.OnCorrupt.parse(onCorrupt)).overwrite(overwrite).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * What the job runs: SRC, OUT (an {@code s3://} or {@code s3a://} OUT as such, although picocli's path of it
     * reads {@code s3:/bucket/prefix}), master, options.
     */
    ShardJob.Invocation invocation(ShardJob.Options options, Path out) {
        String location = objectStoreLocation(out);
        return invocation(options, location != null ? location : out.toString());
    }

    /**
     * The object-store location that OUT names, {@code s3://bucket/prefix} or {@code s3a://bucket/prefix} (picocli's
     * path of it reads {@code s3:/bucket/prefix}), or null for a local OUT.
     */
    static String objectStoreLocation(Path out) {
        String s = out.toString();
        for (String scheme : new String[] {"s3", "s3a"}) {
            if (s.startsWith(scheme + ":/")) {
                return scheme + "://" + s.substring(scheme.length() + 2);
            }
        }
        return null;
    }

    /** What the job runs: SRC, the given output (OUT, or the staging folder of an s3:// OUT), master, options. */
    private ShardJob.Invocation invocation(ShardJob.Options options, String out) {
        try {
            return new ShardJob.Invocation(source, out, master, options);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** Runs the job with these Spark settings added and prints its summary; a failure is thrown. */
    private void runJob(ShardJob.Invocation invocation, Map<String, String> sparkConf) {
        ShardJob.Result result;
        try {
            result = ShardJob.run(invocation, sparkConf);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("the shard command needs Apache Spark on the class path (missing "
                    + e.getMessage() + "): run it through ./dataloader4j shard, which adds Spark, or submit"
                    + " org.dataloader4j.spark.ShardJob with spark-submit (see spark/README.md)", e);
        } catch (ShardJobException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        spec.commandLine().getOut().print(result.summary());
        spec.commandLine().getOut().flush();
    }
}
