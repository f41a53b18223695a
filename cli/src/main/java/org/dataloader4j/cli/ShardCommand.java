package org.dataloader4j.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.dataloader4j.s3.S3ShardStore;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardJob;
import org.dataloader4j.spark.ShardJobException;
import picocli.CommandLine.Command;
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

    @Option(names = "--shards", paramLabel = "N", required = true, description = "number of shard files")
    int shards;

    @Option(names = "--max-side", paramLabel = "S", description = "resize so that the shorter side is at most S")
    Integer maxSide;

    @Option(names = "--quality", paramLabel = "Q", description = "re-encode every image as JPEG of quality Q (1-100)")
    Integer quality;

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

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() {
        if (shards < 1 || (maxSide != null && maxSide < 1) || (quality != null && (quality < 1 || quality > 100))) {
            throw new ParameterException(spec.commandLine(), "--shards and --max-side must be positive and --quality in"
                    + " 1..100, but got --shards=" + shards + " --max-side=" + maxSide + " --quality=" + quality);
        }
        if (!onCorrupt.equals("fail") && !onCorrupt.equals("skip")) {
            throw new ParameterException(spec.commandLine(), "--on-corrupt takes fail or skip, but got " + onCorrupt);
        }
        if (!Files.isDirectory(source)) {
            throw new ParameterException(spec.commandLine(), "SRC " + source + " is not a directory: give an ImageFolder");
        }
        String s3 = ShardsInfo.s3Location(output);   // s3://bucket/prefix, or null for a local OUT
        if (s3 == null) {
            return runJob(output);
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
                int code = runJob(local);
                if (code == 0) {
                    Manifest m = store.upload(local, s3);
                    spec.commandLine().getOut().printf("uploaded %d shards and %s to %s%n", m.shards().size(),
                            Manifest.FILE_NAME, s3);
                }
                return code;
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

    private int runJob(Path out) {
        List<String> args = new ArrayList<>(List.of(source.toString(), out.toString(), "--shards",
                String.valueOf(shards), "--seed", String.valueOf(seed), "--on-corrupt", onCorrupt, "--master", master));
        if (maxSide != null) {
            args.addAll(List.of("--max-side", String.valueOf(maxSide)));
        }
        if (quality != null) {
            args.addAll(List.of("--quality", String.valueOf(quality)));
        }
        if (overwrite) {
            args.add("--overwrite");
        }
        try {
            return ShardJob.run(args.toArray(String[]::new));
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("the shard command needs Apache Spark on the class path (missing "
                    + e.getMessage() + "): run it through ./dataloader4j shard, which adds Spark, or submit"
                    + " org.dataloader4j.spark.ShardJob with spark-submit (see spark/README.md)", e);
        } catch (ShardJobException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
