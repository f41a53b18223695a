package org.dataloader4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parser of {@link ShardJob}'s command line under {@code spark-submit} (the {@code dataloader4j shard} command
 * has picocli, which the spark module does not depend on). It only reads strings into an
 * {@link ShardJob.Options.Builder}; the values are checked in one place, by {@link ShardJob.Options}. It touches no
 * Spark class, so it runs without Spark on the class path.
 */
final class ShardJobArgs {
    /** The one-line synopsis. */
    static final String SYNOPSIS = "ShardJob SRC OUT --shards N [--max-side S] [--quality Q] [--seed N]"
            + " [--on-corrupt fail|skip] [--overwrite] [--master URL]";

    /** The usage: the synopsis and each argument, what it takes and its default. */
    static final String USAGE = "usage: " + SYNOPSIS + "\n"
            + "Write an ImageFolder as WebDataset-layout tar shards plus manifest.json.\n"
            + "  SRC                     the ImageFolder: one sub-directory of images per class\n"
            + "  OUT                     the folder for the shards and manifest.json, or s3://bucket/prefix\n"
            + "                          (or s3a://...): written straight to S3 through hadoop-aws's S3A, set up with\n"
            + "                          --conf spark.hadoop.fs.s3a.* (endpoint, path.style.access, endpoint.region,\n"
            + "                          aws.credentials.provider, ...)\n"
            + "  --shards N              number of shard files, 1 to " + ShardJob.MAX_SHARDS + " (required)\n"
            + "  --max-side S            resize so that the shorter side is at most S (default 0: never resize)\n"
            + "  --quality Q             re-encode every image as JPEG of quality Q, 1 to 100 (default 0: copy JPEG\n"
            + "                          and PNG files that are not resized, byte for byte)\n"
            + "  --seed N                placement seed (default 0)\n"
            + "  --on-corrupt fail|skip  stop at a corrupt image, or skip it and list it in the manifest (default fail)\n"
            + "  --overwrite             replace the shards and manifest of an earlier run in OUT\n"
            + "  --master URL            Spark master (default: spark-submit's, else local[*]; a local master binds\n"
            + "                          to 127.0.0.1 without the web UI)\n"
            + "  -h, --help              print this and exit\n";

    /** The options that take a value (the next argument). */
    private static final Set<String> VALUED = Set.of("--shards", "--max-side", "--quality", "--seed", "--on-corrupt",
            "--master");

    private ShardJobArgs() {
    }

    /** True if {@code -h} or {@code --help} stands where an option may (not as the value of another option). */
    static boolean asksForHelp(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-h") || args[i].equals("--help")) {
                return true;
            }
            if (VALUED.contains(args[i])) {
                i++;
            }
        }
        return false;
    }

    /** Parses the command line; see {@link ShardJob.Invocation#parse}. */
    static ShardJob.Invocation parse(String... args) {
        List<String> positional = new ArrayList<>();
        ShardJob.Options.Builder options = ShardJob.Options.builder();
        String master = null;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && !seen.add(a)) {
                throw new IllegalArgumentException(a + " is given more than once");
            }
            if (!VALUED.contains(a)) {
                switch (a) {
                    case "--overwrite" -> options.overwrite(true);
                    case "-h", "--help" -> throw new IllegalArgumentException(a + " cannot be combined with a job");
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a + "; the options are "
                                    + "--shards, --max-side, --quality, --seed, --on-corrupt, --overwrite, --master");
                        }
                        positional.add(a);
                    }
                }
                continue;
            }
            if (++i >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[i];
            switch (a) {
                case "--shards" -> options.shards(intValue(a, v));
                case "--max-side" -> options.maxSide(intValue(a, v));
                case "--quality" -> options.quality(intValue(a, v));
                case "--seed" -> options.seed(longValue(a, v));
                case "--on-corrupt" -> options.onCorrupt(ShardJob.OnCorrupt.parse(v));
                case "--master" -> master = v;
                default -> throw new AssertionError(a);   // VALUED and this switch list the same options
            }
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException("expected SRC and OUT, but got " + positional);
        }
        return new ShardJob.Invocation(Path.of(positional.get(0)), positional.get(1), master,
                options.build());
    }

    private static int intValue(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, but got " + value, e);
        }
    }

    private static long longValue(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, but got " + value, e);
        }
    }
}
