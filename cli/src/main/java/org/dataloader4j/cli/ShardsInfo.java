package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dataloader4j.s3.S3Location;
import org.dataloader4j.s3.S3ShardStore;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardedDataset;

/**
 * {@code dataloader4j info} for a shard set rather than an ImageFolder: {@code s3://bucket/prefix} (or its
 * {@code manifest.json}), or a local folder holding a {@code manifest.json}. Prints the manifest's summary: shards,
 * samples, bytes, whether per-shard checksums are recorded, shard sizes, classes, statistics and skipped inputs.
 * S3 settings (endpoint, path style) come from {@link S3ShardStore.Builder#fromEnvironment()} and the SDK's chains.
 */
final class ShardsInfo {
    private ShardsInfo() {
    }

    /**
     * The shard-set location that {@code arg} (as picocli turned it into a path) names, or null if it names none:
     * picocli's path of {@code s3://b/p} reads {@code s3:/b/p}.
     */
    static String location(Path arg) {
        String s3 = s3Location(arg);
        if (s3 != null) {
            return s3;
        }
        if (Files.isDirectory(arg) && Files.isRegularFile(arg.resolve(Manifest.FILE_NAME))) {
            return arg.toAbsolutePath().normalize().toString();
        }
        return null;
    }

    /** The {@code s3://} location that {@code arg} (picocli's path of {@code s3://b/p} reads {@code s3:/b/p}) names, or null. */
    static String s3Location(Path arg) {
        String s = arg.toString();
        return s.startsWith("s3:/") ? S3Location.SCHEME + s.substring("s3:/".length()) : null;
    }

    /** Prints the summary of the manifest at {@code location}, classes and skipped inputs up to {@code list}. */
    static int print(String location, PrintWriter o, int list) {
        Manifest m;
        String where;
        if (S3Location.isS3(location)) {
            try (S3ShardStore store = S3ShardStore.builder().fromEnvironment().build()) {
                ShardedDataset ds = store.dataset(location).build();
                m = ds.manifest();
                where = S3ShardStore.manifestLocation(location);
            }
        } else {
            ShardedDataset ds = ShardedDataset.builder(Path.of(location)).build();
            m = ds.manifest();
            where = Path.of(location, Manifest.FILE_NAME).toString();
        }
        long bytes = m.shards().stream().mapToLong(Manifest.Shard::bytes).sum();
        o.printf(Locale.ROOT, "Shards %s: %d shards, %d samples, %d classes, %s%n", where, m.shards().size(),
                m.samples(), m.classes().size(), size(bytes));
        long with = m.shards().stream().filter(s -> s.sha256() != null).count();
        o.println("checksums: " + (m.checksummed() ? "SHA-256 of every shard (verified on download and first open)"
                : with == 0 ? "none (a manifest written before checksums were recorded: shards are read, and"
                + " downloads checked for size, but their content is not verified)"
                : with + " of " + m.shards().size() + " shards have a SHA-256; the others are checked for size only"));
        long[] counts = m.shards().stream().mapToLong(Manifest.Shard::samples).sorted().toArray();
        if (counts.length > 0) {
            o.printf(Locale.ROOT, "samples per shard: min %d, median %d, max %d%n", counts[0],
                    counts[counts.length / 2], counts[counts.length - 1]);
        }
        o.printf(Locale.ROOT, "seed %d, max side %s, JPEG quality %s%n", m.seed(),
                m.maxSide() == 0 ? "none" : m.maxSide(), m.quality() == 0 ? "as stored" : m.quality());
        if (m.mean().length > 0) {
            o.println("mean " + Arrays.toString(m.mean()) + ", std " + Arrays.toString(m.std()));
        }
        o.println("classes (index, name):");
        printList(o, m.classes().stream().map(c -> c).toList(), list, true);
        o.printf(Locale.ROOT, "skipped when sharding: %d%n", m.skipped().size());
        printList(o, m.skipped().stream().map(s -> s.source() + ": " + s.reason()).toList(), list, false);
        return 0;
    }

    private static void printList(PrintWriter o, List<String> items, int list, boolean indexed) {
        for (int i = 0; i < items.size(); i++) {
            if (list > 0 && i == list) {
                o.printf(Locale.ROOT, "  ... %d more (--list 0 shows all)%n", items.size() - list);
                break;
            }
            o.println(indexed ? String.format(Locale.ROOT, "  %5d  %s", i, items.get(i)) : "  " + items.get(i));
        }
    }

    private static String size(long bytes) {
        return bytes < 1 << 20 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
}
