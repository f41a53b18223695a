package org.dataloader4j.bench.remote;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.s3.S3ShardStore;
import org.dataloader4j.s3.S3Statistics;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardedDataset;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.ToTensor;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The same shards read from local files and from S3 (Adobe S3Mock on 127.0.0.1) through the same train pipeline
 * (decode, RandomResizedCrop(224), RandomHorizontalFlip, ToTensor, Normalize; batches of 64; 2 loader workers),
 * local and remote alternating within every round, for each way of cutting the same images into shards (64 and
 * 1,024 by default). Remote reads go through {@link S3ShardStore} with its prefetch and a disk cache smaller than
 * the data set (a quarter by default), so every epoch downloads again most of what it reads.
 *
 * <p>It reports, per run and as medians over the rounds: samples per second and remote/local; this JVM's peak RSS
 * (the kernel's {@code VmHWM}, reset before each run) and sampled peak heap; the CPU seconds of this JVM and of the
 * S3 server; and for remote runs the store's {@link S3Statistics} (bytes downloaded, downloads, prefetches, cache
 * hits, stalls and their time, retries, evictions, peak cache bytes against the limit) and the peak bytes found on
 * disk in the cache folder. A run whose peak cache bytes (the store's count or the folder sampled on disk) exceed the
 * limit plus the largest shard is reported as FAILED, and the exit status is then 1.
 *
 * <p>The shards are written from an ImageFolder of JPEGs by {@link ShardSetWriter} (the shard job's tar layout and
 * checksummed manifest, with the bytes copied, without Spark). S3Mock runs in a child JVM by default, so that the
 * loader's memory and CPU are its own; {@code --server in-process} runs it inside this JVM. Run it with the bench
 * module's class path (S3Mock is {@code provided}, so not in {@code benchmarks.jar}):
 *
 * <pre>{@code
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
 *     org.dataloader4j.bench.remote.RemoteShardBenchmark --images /tmp/bench-imagenet-2000 --limit 2000 --rounds 3
 * }</pre>
 */
public final class RemoteShardBenchmark {
    static final String BUCKET = "bench";
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private RemoteShardBenchmark() {
    }

    /** Where the S3 server runs. */
    enum Server { CHILD, IN_PROCESS }

    /**
     * What to measure.
     *
     * @param images          the ImageFolder of JPEGs the shards are cut from
     * @param limit           at most this many of its images (taken round-robin over the classes)
     * @param shardCounts     the numbers of shards to cut the same images into, each measured local and remote
     * @param rounds          timed rounds; each runs every shard count local and remote (the order alternating)
     * @param workers         loader workers
     * @param batchSize       samples per batch
     * @param cropSize        RandomResizedCrop's output size
     * @param shuffleBuffer   ShardedDataset's shuffle buffer, in samples
     * @param cacheFraction   the S3 store's cache limit as a fraction of the shard set's bytes
     * @param prefetchShards  the store's shards fetched ahead per consumer
     * @param downloadThreads the store's background download pool
     * @param server          where S3Mock runs
     * @param work            where the run's own temporary folder (shards, S3Mock's objects, the caches) is created;
     *                        that folder is deleted at the end
     */
    record Config(Path images, int limit, int[] shardCounts, int rounds, int workers, int batchSize, int cropSize,
                  int shuffleBuffer, double cacheFraction, int prefetchShards, int downloadThreads, Server server,
                  Path work) {
        Config {
            if (limit < 1 || rounds < 1 || workers < 0 || batchSize < 1 || cropSize < 1 || shuffleBuffer < 0
                    || prefetchShards < 0 || downloadThreads < 1 || shardCounts.length == 0) {
                throw new IllegalArgumentException("bad configuration: " + describe(limit, shardCounts, rounds,
                        workers, batchSize, cropSize, shuffleBuffer, prefetchShards, downloadThreads));
            }
            if (!(cacheFraction > 0 && cacheFraction <= 1)) {
                throw new IllegalArgumentException("--cache-fraction must be in (0, 1], but is " + cacheFraction);
            }
            shardCounts = shardCounts.clone();
        }

        private static String describe(int limit, int[] counts, int rounds, int workers, int batchSize, int crop,
                                       int buffer, int prefetch, int threads) {
            return String.format(Locale.ROOT, "--limit %d --shards %s --rounds %d --workers %d --batch-size %d"
                    + " --crop %d --shuffle-buffer %d --prefetch-shards %d --download-threads %d (limit, rounds,"
                    + " batch size, crop and download threads must be at least 1, the others not negative, and at"
                    + " least one shard count given)", limit, Arrays.toString(counts), rounds, workers, batchSize,
                    crop, buffer, prefetch, threads);
        }
    }

    /**
     * One epoch of one configuration.
     *
     * @param mode       {@code local} or {@code remote}
     * @param round      the round, or -1 for the warm-up
     * @param s3         for remote runs, what the store did during this run (counts are this run's; cache bytes,
     *                   peak and limit are the store's over its whole life); null for local runs
     * @param loaderCpu  this JVM's CPU seconds during the run
     * @param serverCpu  the S3 server's CPU seconds during the run (NaN if it shares this JVM)
     */
    record Run(String mode, int shards, int round, long samples, double seconds, RunSampler.Peaks peaks,
               S3Statistics s3, double loaderCpu, double serverCpu) {
        double samplesPerSecond() {
            return samples / seconds;
        }
    }

    /** Everything measured, and the failures found (cache above limit + one shard, samples missing; empty if none). */
    record Report(List<Run> runs, Map<Integer, Long> largestShard, long totalSamples, List<String> failures) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    /**
     * Runs the benchmark with the options of {@link #usage()}.
     *
     * @throws IOException if the images cannot be read, the shards written or S3Mock started
     */
    public static void main(String[] args) throws IOException {
        S3MockServer.bindLogging();
        Config config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("RemoteShardBenchmark: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        Report report = run(config, System.out);
        System.exit(report.passed() ? 0 : 1);
    }

    static String usage() {
        return """
                usage: RemoteShardBenchmark [--images DIR] [--limit N] [--shards 64,1024] [--rounds 3] [--workers 2]
                       [--batch-size 64] [--crop 224] [--shuffle-buffer 256] [--cache-fraction 0.25]
                       [--prefetch-shards 2] [--download-threads 4] [--server child|in-process] [--work DIR]
                  --images: an ImageFolder of JPEGs (default /tmp/bench-imagenet-2000 if present, else
                  /tmp/bench-imagenet; ../shared/bench/make-bench-data.sh makes them); --limit: images used (2000)""";
    }

    static Config parse(String... args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, but got \"" + args[i] + "\"");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        Path large = Path.of("/tmp/bench-imagenet-2000");
        Path defaultImages = Files.isDirectory(large) ? large : Path.of("/tmp/bench-imagenet");
        Config c = new Config(Path.of(o.getOrDefault("images", defaultImages.toString())),
                integer(o, "limit", 2000),
                Arrays.stream(o.getOrDefault("shards", "64,1024").split(",")).mapToInt(s -> parseInt("shards", s))
                        .toArray(),
                integer(o, "rounds", 3), integer(o, "workers", 2), integer(o, "batch-size", 64),
                integer(o, "crop", 224), integer(o, "shuffle-buffer", 256),
                parseDouble("cache-fraction", o.getOrDefault("cache-fraction", "0.25")),
                integer(o, "prefetch-shards", 2), integer(o, "download-threads", 4),
                switch (o.getOrDefault("server", "child")) {
                    case "child" -> Server.CHILD;
                    case "in-process" -> Server.IN_PROCESS;
                    default -> throw new IllegalArgumentException("--server must be child or in-process, but is \""
                            + o.get("server") + "\"");
                },
                Path.of(o.getOrDefault("work", System.getProperty("java.io.tmpdir"))));
        for (String k : o.keySet()) {
            if (!List.of("images", "limit", "shards", "rounds", "workers", "batch-size", "crop", "shuffle-buffer",
                    "cache-fraction", "prefetch-shards", "download-threads", "server", "work").contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        return c;
    }

    private static int integer(Map<String, String> o, String name, int fallback) {
        return o.containsKey(name) ? parseInt(name, o.get(name)) : fallback;
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, but got \"" + value + "\"");
        }
    }

    private static double parseDouble(String name, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, but got \"" + value + "\"");
        }
    }

    /** One way of cutting the images: the local shards, the S3 store over their upload, and the datasets. */
    private record ShardSet(int count, Path local, String remote, Manifest manifest, long limit, S3ShardStore store,
                            IterableDataset<Sample<Tensor>> localData, IterableDataset<Sample<Tensor>> remoteData) {
        long bytes() {
            return manifest.shards().stream().mapToLong(Manifest.Shard::bytes).sum();
        }

        long largest() {
            return manifest.shards().stream().mapToLong(Manifest.Shard::bytes).max().orElse(0);
        }
    }

    /**
     * Writes the shard sets, starts S3Mock, uploads them, runs one warm-up epoch of every configuration and then
     * {@code rounds} timed rounds, printing as it goes and a summary at the end; deletes its folder in {@code work}.
     */
    static Report run(Config c, PrintStream out) throws IOException {
        Path work = Files.createTempDirectory(Files.createDirectories(c.work()), "remote-shard-bench");
        ShardSetWriter.Folder folder = ShardSetWriter.list(c.images(), c.limit());
        out.printf(Locale.ROOT, "RemoteShardBenchmark %s on %s, %d cores, load average %s%n", Instant.now(),
                hostname(), Runtime.getRuntime().availableProcessors(), loadAverage());
        out.printf(Locale.ROOT, "%d JPEGs (%.1f MiB) of %d classes from %s; shards %s; %d workers, batch %d,"
                        + " RandomResizedCrop(%d) + flip + ToTensor + Normalize, shuffle buffer %d%n",
                folder.images().size(), folder.bytes() / 1048576.0, folder.classes().size(), c.images(),
                Arrays.toString(c.shardCounts()), c.workers(), c.batchSize(), c.cropSize(), c.shuffleBuffer());
        Compose<Image, Tensor> augment = Compose.of(new RandomResizedCrop(c.cropSize()))
                .then(new RandomHorizontalFlip()).then(new ToTensor()).then(new Normalize(MEAN, STD));
        Path objects = Files.createDirectories(work.resolve("s3mock"));
        List<ShardSet> sets = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (S3MockServer server = c.server() == Server.CHILD
                ? S3MockServer.child(BUCKET, objects, work.resolve("s3mock.log"), "1g")
                : S3MockServer.inProcess(BUCKET, objects)) {
            out.printf(Locale.ROOT, "server: %s at %s%n", server.describe(), server.endpoint());
            try {
                for (int count : c.shardCounts()) {
                    sets.add(shardSet(c, work, folder, count, server.endpoint(), augment, out));
                }
                for (int round = -1; round < c.rounds(); round++) {
                    for (ShardSet set : sets) {
                        boolean remoteFirst = round % 2 != 0;   // alternate which goes first from round to round
                        for (boolean remote : remoteFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                            Run r = epoch(c, set, remote, round, server);
                            runs.add(r);
                            out.println(line(r));
                            check(r, set, failures, out);
                        }
                    }
                }
            } finally {
                for (ShardSet set : sets) {
                    set.store().close();
                }
            }
        } finally {
            delete(work);
        }
        Map<Integer, Long> largest = new LinkedHashMap<>();
        sets.forEach(s -> largest.put(s.count(), s.largest()));
        Report report = new Report(List.copyOf(runs), largest, folder.images().size(), List.copyOf(failures));
        summary(c, report, sets, out);
        return report;
    }

    private static ShardSet shardSet(Config c, Path work, ShardSetWriter.Folder folder, int count, URI endpoint,
                                     Compose<Image, Tensor> augment, PrintStream out) throws IOException {
        Path local = work.resolve("shards-" + count);
        Manifest manifest = ShardSetWriter.write(folder, count, 7, local);
        long bytes = manifest.shards().stream().mapToLong(Manifest.Shard::bytes).sum();
        long largest = manifest.shards().stream().mapToLong(Manifest.Shard::bytes).max().orElse(0);
        long limit = Math.max(largest, (long) (bytes * c.cacheFraction()));
        String remote = "s3://" + BUCKET + "/shards-" + count;
        S3ShardStore store = S3ShardStore.builder().endpoint(endpoint).pathStyle(true).region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .cacheDirectory(work.resolve("cache-" + count)).cacheBytes(limit)
                .prefetchShards(c.prefetchShards()).downloadThreads(c.downloadThreads()).build();
        long t0 = System.nanoTime();
        store.upload(local, remote);
        out.printf(Locale.ROOT, "%5d shards: %.1f MiB (largest %.1f KiB), uploaded in %.1f s; cache limit %.1f MiB"
                        + " (%.0f%% of the set), prefetch %d shards/consumer, %d download threads%n", count,
                bytes / 1048576.0, largest / 1024.0, (System.nanoTime() - t0) / 1e9, limit / 1048576.0,
                100.0 * limit / bytes, c.prefetchShards(), c.downloadThreads());
        IterableDataset<Sample<Tensor>> localData = pipeline(ShardedDataset.builder(local), c, augment);
        IterableDataset<Sample<Tensor>> remoteData = pipeline(store.dataset(remote), c, augment);
        return new ShardSet(count, local, remote, manifest, limit, store, localData, remoteData);
    }

    private static IterableDataset<Sample<Tensor>> pipeline(ShardedDataset.Builder b, Config c,
                                                            Compose<Image, Tensor> augment) {
        return b.seed(3).shuffleBuffer(c.shuffleBuffer()).build().decoded()
                .map((s, rng) -> new Sample<>(augment.apply(s.input(), rng), s.target()));
    }

    /** One epoch ({@code round + 1}: the same samples in the same order for local and remote) through a new loader. */
    private static Run epoch(Config c, ShardSet set, boolean remote, int round, S3MockServer server) {
        System.gc();
        S3Statistics before = set.store().statistics();
        double cpu0 = processCpuSeconds();
        double server0 = server.cpuSeconds();
        long samples = 0;
        long t0;
        long t1;
        RunSampler.Peaks peaks;
        Path cacheDir = remote ? set.store().cacheDirectory() : null;
        try (RunSampler sampler = RunSampler.start(cacheDir, server::rssBytes, 20)) {
            t0 = System.nanoTime();
            try (DataLoader<Batch> loader = DataLoader.builder(remote ? set.remoteData() : set.localData())
                    .batchSize(c.batchSize()).numWorkers(c.workers()).seed(11).build()) {
                for (Batch batch : loader.epoch(round + 1)) {
                    try (batch) {
                        samples += batch.tensor("input").shape().dim(0);
                    }
                }
            }
            t1 = System.nanoTime();
            peaks = sampler.finish();
        }
        S3Statistics after = set.store().statistics();
        return new Run(remote ? "remote" : "local", set.count(), round, samples, (t1 - t0) / 1e9, peaks,
                remote ? minus(after, before) : null, processCpuSeconds() - cpu0, server.cpuSeconds() - server0);
    }

    /** The counts of {@code after} less those of {@code before}; cache bytes, peak and limit as in {@code after}. */
    static S3Statistics minus(S3Statistics after, S3Statistics before) {
        return new S3Statistics(after.bytesDownloaded() - before.bytesDownloaded(),
                after.downloads() - before.downloads(), after.prefetches() - before.prefetches(),
                after.cacheHits() - before.cacheHits(), after.stalls() - before.stalls(),
                after.stallNanos() - before.stallNanos(), after.retries() - before.retries(),
                after.evictions() - before.evictions(), after.cacheBytes(), after.peakCacheBytes(),
                after.cacheLimit());
    }

    /**
     * The cache's bound: what the store counted and what was found on disk must not exceed the limit plus the
     * largest shard.
     *
     * @return a description of each violation (empty if none)
     */
    static List<String> cacheViolations(S3Statistics s, long diskPeak, long largestShard) {
        List<String> found = new ArrayList<>();
        long bound = s.cacheLimit() + largestShard;
        if (s.peakCacheBytes() > bound) {
            found.add("the store's peak cache bytes " + s.peakCacheBytes() + " exceed the limit " + s.cacheLimit()
                    + " + one shard (" + largestShard + ") = " + bound);
        }
        if (diskPeak > bound) {
            found.add("the cache folder held " + diskPeak + " bytes on disk, above the limit " + s.cacheLimit()
                    + " + one shard (" + largestShard + ") = " + bound);
        }
        return found;
    }

    /** Records a remote run's cache violations, and any run that did not deliver every sample of the set once. */
    private static void check(Run r, ShardSet set, List<String> failures, PrintStream out) {
        for (String v : r.s3() == null ? List.<String>of()
                : cacheViolations(r.s3(), r.peaks().cacheFiles(), set.largest())) {
            String message = "FAILED: " + r.shards() + " shards remote, " + roundName(r.round()) + ": " + v;
            failures.add(message);
            out.println(message);
        }
        if (r.samples() != set.manifest().shards().stream().mapToLong(Manifest.Shard::samples).sum()) {
            String message = "FAILED: " + r.shards() + " shards " + r.mode() + ", " + roundName(r.round())
                    + ": delivered " + r.samples() + " samples, the set holds " + set.manifest().shards().stream()
                    .mapToLong(Manifest.Shard::samples).sum();
            failures.add(message);
            out.println(message);
        }
    }

    private static String roundName(int round) {
        return round < 0 ? "warm-up" : "round " + round;
    }

    private static String line(Run r) {
        String s = String.format(Locale.ROOT, "%-8s %5d shards %-6s %6d samples %6.2f s %7.1f samples/s  RSS %5.0f MiB"
                        + "  heap %5.0f MiB  CPU %5.1f s (server %4.1f s)", roundName(r.round()), r.shards(), r.mode(),
                r.samples(), r.seconds(), r.samplesPerSecond(), mib(r.peaks().rss()), mib(r.peaks().heap()),
                r.loaderCpu(), r.serverCpu());
        if (r.s3() != null) {
            S3Statistics t = r.s3();
            s += String.format(Locale.ROOT, "%n%35s downloaded %.1f MiB in %d shards (%d prefetched), %d hits, %d"
                            + " stalls (%.2f s), %d retries, %d evictions, peak cache %.1f / limit %.1f MiB, on disk"
                            + " %.1f MiB", "", mib(t.bytesDownloaded()), t.downloads(), t.prefetches(), t.cacheHits(),
                    t.stalls(), t.stallNanos() / 1e9, t.retries(), t.evictions(), mib(t.peakCacheBytes()),
                    mib(t.cacheLimit()), mib(r.peaks().cacheFiles()));
        }
        return s;
    }

    private static void summary(Config c, Report report, List<ShardSet> sets, PrintStream out) {
        out.printf(Locale.ROOT, "%nmedians of %d rounds (load average now %s):%n", c.rounds(), loadAverage());
        out.printf(Locale.ROOT, "| shards | local samples/s | remote samples/s | remote/local | stalls/epoch (s) |"
                + " peak RSS local / remote (MiB) | peak heap local / remote (MiB) | S3Mock CPU s/epoch |"
                + " peak cache / limit (MiB) |%n|---|---|---|---|---|---|---|---|---|%n");
        for (ShardSet set : sets) {
            List<Run> local = timed(report, set.count(), "local");
            List<Run> remote = timed(report, set.count(), "remote");
            double[] ratios = new double[Math.min(local.size(), remote.size())];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = remote.get(i).samplesPerSecond() / local.get(i).samplesPerSecond();
            }
            S3Statistics last = remote.getLast().s3();
            out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.2f | %.1f (%.2f) | %.0f / %.0f | %.0f / %.0f | %.1f |"
                            + " %.1f / %.1f |%n", set.count(),
                    median(local.stream().mapToDouble(Run::samplesPerSecond).toArray()),
                    median(remote.stream().mapToDouble(Run::samplesPerSecond).toArray()), median(ratios),
                    median(remote.stream().mapToDouble(r -> r.s3().stalls()).toArray()),
                    median(remote.stream().mapToDouble(r -> r.s3().stallNanos() / 1e9).toArray()),
                    mib(local.stream().mapToLong(r -> r.peaks().rss()).max().orElse(0)),
                    mib(remote.stream().mapToLong(r -> r.peaks().rss()).max().orElse(0)),
                    mib(local.stream().mapToLong(r -> r.peaks().heap()).max().orElse(0)),
                    mib(remote.stream().mapToLong(r -> r.peaks().heap()).max().orElse(0)),
                    median(remote.stream().mapToDouble(Run::serverCpu).toArray()),
                    mib(last.peakCacheBytes()), mib(last.cacheLimit()));
        }
        out.println(report.passed() ? "cache bound held: peak cache bytes (counted and on disk) never above the limit"
                + " + one shard" : "FAILED: " + report.failures().size() + " failures (above)");
    }

    private static List<Run> timed(Report report, int shards, String mode) {
        return report.runs().stream().filter(r -> r.round() >= 0 && r.shards() == shards && r.mode().equals(mode))
                .toList();
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/etc/hostname")).trim();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
