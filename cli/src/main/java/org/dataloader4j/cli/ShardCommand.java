package org.dataloader4j.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
 * an ImageFolder as WebDataset-layout tar shards plus {@code manifest.json} (with per-channel statistics). Spark
 * is not bundled: the {@code ./dataloader4j} launcher puts it (from Maven Central) on the class path for this
 * command; on a cluster, submit {@code org.dataloader4j.spark.ShardJob} with {@code spark-submit}.
 *
 * <pre>{@code
 * ./dataloader4j shard /data/train /data/train-shards --shards 64 --max-side 320 --master 'local[2]'
 * }</pre>
 */
@Command(name = "shard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write an ImageFolder as WebDataset-layout tar shards plus manifest.json with Apache Spark",
                "(local mode here, binding to 127.0.0.1 only; spark-submit org.dataloader4j.spark.ShardJob on a cluster)."},
        footer = {"", "Example:", "  dataloader4j shard /data/train /data/train-shards --shards 64 --max-side 320",
                "  dataloader4j shard /data/train s3://bucket/train-shards --shards 64   (S3 settings: see s3/README.md)"})
final class ShardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "the ImageFolder: one sub-directory of images per class")
    Path source;

    @Parameters(index = "1", paramLabel = "OUT", description = "the directory for the shards and manifest.json, or"
            + " s3://bucket/prefix (written to --staging, then uploaded with the AWS SDK)")
    Path output;

    @Option(names = "--staging", paramLabel = "DIR", description = "for an s3:// OUT: the local folder the job writes"
            + " to before the upload (default: a temporary folder, deleted afterwards)")
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
        String s3 = ShardsInfo.s3Location(output);   // s3://bucket/prefix, or null for a local OUT
        if (s3 == null) {
            runJob(options, output);
            return 0;
        }
        try (S3ShardStore store = S3ShardStore.builder().fromEnvironment().build()) {
            String manifest = S3ShardStore.manifestLocation(s3);
            if (!overwrite && exists(store, manifest)) {
                throw new ParameterException(spec.commandLine(), "OUT " + s3 + " already holds " + manifest
                        + "; --overwrite replaces it");
            }
            Path folder = staging != null ? staging : Files.createTempDirectory("dataloader4j-shard-");
            try {
                Path local = folder.resolve("shards");
                runJob(options, local);
                Manifest m = store.upload(local, s3);
                spec.commandLine().getOut().printf("uploaded %d shards and %s to %s%n", m.shards().size(),
                        Manifest.FILE_NAME, s3);
                return 0;
            } finally {
                if (staging == null) {
                    deleteTree(folder);
                }
            }
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

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
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

    /** What the job runs: SRC, the given output folder (OUT, or the staging folder of an s3:// OUT), master, options. */
    ShardJob.Invocation invocation(ShardJob.Options options, Path out) {
        return new ShardJob.Invocation(source, out, master, options);
    }

    /** Runs the job into {@code out} and prints its summary; a failure is thrown. */
    private void runJob(ShardJob.Options options, Path out) {
        ShardJob.Result result;
        try {
            result = ShardJob.run(invocation(options, out));
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
