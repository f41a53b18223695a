package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.ShardSplit;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.LoaderState;
import org.dataloader4j.spark.internal.TarReader;
import org.dataloader4j.spark.internal.TarWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ShardedDataset on hand-written shards of uneven sizes (one empty): exactly-once delivery for every worldSize 1-4
 * and numWorkers 0-4, directly and through a DataLoader, the shuffle buffer, resume, openers and errors.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ShardedDatasetTest {
    /** Samples per shard: uneven, one empty. 5 shards, 25 samples. */
    static final int[] COUNTS = {7, 0, 3, 10, 5};

    @TempDir
    static Path dir;

    static Set<String> allKeys = new HashSet<>();

    @BeforeAll
    static void writeShards() throws IOException {
        writeShardSet(dir, COUNTS, false);
    }

    /**
     * Writes {@code shard-00000.tar, ...} with {@code counts[s]} samples of {@link #shard} each into {@code folder},
     * and a manifest of classes a, b, c (with each shard's SHA-256 when {@code checksums}).
     */
    static void writeShardSet(Path folder, int[] counts, boolean checksums) throws IOException {
        List<Manifest.Shard> shards = new ArrayList<>();
        for (int s = 0; s < counts.length; s++) {
            String file = String.format("shard-%05d.tar", s);
            byte[] tar = shard(s, counts[s]);
            Files.write(folder.resolve(file), tar);
            shards.add(new Manifest.Shard(file, counts[s], tar.length, checksums
                    ? org.dataloader4j.spark.internal.Checksums.hex(
                            org.dataloader4j.spark.internal.Checksums.sha256().digest(tar)) : null));
        }
        Manifest m = new Manifest(0, shards, List.of("a", "b", "c"), new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(folder.resolve(Manifest.FILE_NAME), m.toJson());
    }

    static byte[] shard(int s, int count) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        for (int i = 0; i < count; i++) {
            String key = "s" + s + "/k" + i;
            allKeys.add(key);
            tar.add(key + ".jpg", ("image of " + key).getBytes(StandardCharsets.US_ASCII));
            tar.add(key + ".cls", Integer.toString((s + i) % 3).getBytes(StandardCharsets.US_ASCII));
            tar.add(key + ".json", "{}".getBytes(StandardCharsets.US_ASCII));   // other extensions are ignored
        }
        tar.finish();
        return out.toByteArray();
    }

    static ShardedDataset.Builder builder() {
        return ShardedDataset.builder(dir);
    }

    static List<String> keys(Iterator<ShardSample> it) {
        List<String> keys = new ArrayList<>();
        while (it.hasNext()) {
            ShardSample s = it.next();
            assertEquals("image of " + s.key(), new String(s.image(), StandardCharsets.US_ASCII));
            assertEquals("jpg", s.extension());
            int shard = Integer.parseInt(s.key().substring(1, s.key().indexOf('/')));
            int i = Integer.parseInt(s.key().substring(s.key().indexOf('k') + 1));
            assertEquals((shard + i) % 3, s.label(), s.key());
            keys.add(s.key());
        }
        return keys;
    }

    static void assertExactlyOnce(List<String> delivered, String what) {
        Set<String> seen = new HashSet<>();
        for (String k : delivered) {
            assertTrue(seen.add(k), what + ": " + k + " delivered twice");
        }
        assertEquals(allKeys, seen, what + ": samples missing");
    }

    @ParameterizedTest
    @EnumSource(ShardSplit.class)
    void everyRankAndWorkerCombinationDeliversEachSampleOnceDirectly(ShardSplit split) {
        for (int worldSize = 1; worldSize <= 4; worldSize++) {
            for (int numWorkers = 0; numWorkers <= 4; numWorkers++) {
                for (int buffer : new int[] {0, 4}) {
                    for (long epoch : new long[] {0, 1}) {
                        List<String> delivered = new ArrayList<>();
                        List<Integer> sizes = new ArrayList<>();
                        for (int rank = 0; rank < worldSize; rank++) {
                            ShardedDataset ds = builder().partition(new Partition(rank, worldSize)).seed(3).split(split)
                                    .shuffleBuffer(buffer).build();
                            int w = Math.max(1, numWorkers);   // numWorkers 0: the calling thread is worker 0 of 1
                            long rankCount = 0;
                            for (int id = 0; id < w; id++) {
                                List<String> share = keys(ds.iterator(new WorkerInfo(id, w, 11 + id, epoch)));
                                sizes.add(share.size());
                                rankCount += share.size();
                                delivered.addAll(share);
                            }
                            assertEquals(ds.shareSize(new Partition(rank, worldSize), numWorkers, epoch), rankCount);
                        }
                        String what = split + " worldSize=" + worldSize + " numWorkers=" + numWorkers + " buffer="
                                + buffer + " epoch=" + epoch;
                        assertExactlyOnce(delivered, what);
                        int consumers = worldSize * Math.max(1, numWorkers);
                        if (split == ShardSplit.ELEMENTS || consumers > COUNTS.length) {
                            int min = Collections.min(sizes);
                            int max = Collections.max(sizes);
                            assertTrue(max - min <= 1, what + ": uneven split " + sizes);
                        }
                    }
                }
            }
        }
    }

    @Test
    void decodeRefusesALabelThatDoesNotFitAnIntNamingTheSample() {
        ShardSample sample = new ShardSample("cat_001", "jpg", new byte[] {1, 2, 3}, 1L << 33, "shard-00003.tar");
        IllegalStateException e = assertThrows(IllegalStateException.class, sample::decode);
        assertTrue(e.getMessage().contains("shard-00003.tar:cat_001.jpg") && e.getMessage().contains("8589934592"),
                e.getMessage());
    }

    @Test
    void everyCombinationDeliversEachSampleOnceThroughDataLoaders() {
        for (int worldSize = 1; worldSize <= 4; worldSize++) {
            for (int numWorkers = 0; numWorkers <= 4; numWorkers++) {
                List<String> delivered = new ArrayList<>();
                for (int rank = 0; rank < worldSize; rank++) {
                    ShardedDataset ds = builder().partition(new Partition(rank, worldSize)).seed(5).shuffleBuffer(3)
                            .build();
                    try (DataLoader<List<String>> loader = DataLoader.builder(ds).batchSize(4).numWorkers(numWorkers)
                            .seed(9).collate(batch -> batch.stream().map(ShardSample::key).toList()).build()) {
                        for (List<String> batch : loader.epoch(2)) {
                            delivered.addAll(batch);
                        }
                    }
                }
                assertExactlyOnce(delivered, "DataLoader worldSize=" + worldSize + " numWorkers=" + numWorkers);
            }
        }
    }

    @Test
    void shardOrderChangesWithTheEpochAndIsTheSameForTheSameSeed() {
        ShardedDataset ds = builder().seed(1).build();
        List<String> e0 = keys(ds.iterator(WorkerInfo.single(0, 0)));
        List<String> e0again = keys(builder().seed(1).build().iterator(WorkerInfo.single(99, 0)));
        assertEquals(e0, e0again);   // no buffer: the loader's seed plays no part
        boolean differs = false;
        for (long epoch = 1; epoch < 6 && !differs; epoch++) {
            differs = !e0.equals(keys(ds.iterator(WorkerInfo.single(0, epoch))));
        }
        assertTrue(differs, "the shard order never changed over 6 epochs");
        List<String> fixed = keys(builder().shuffleShards(false).build().iterator(WorkerInfo.single(0, 4)));
        assertTrue(fixed.getFirst().startsWith("s0/") && fixed.getLast().startsWith("s4/"), fixed.toString());
    }

    @Test
    void shuffleBufferReordersWithinAWorkerDeterministically() {
        ShardedDataset plain = builder().seed(2).build();
        ShardedDataset buffered = builder().seed(2).shuffleBuffer(8).build();
        WorkerInfo w = WorkerInfo.single(7, 0);
        List<String> a = keys(buffered.iterator(w));
        assertEquals(a, keys(buffered.iterator(w)));
        assertNotEquals(keys(plain.iterator(w)), a);
        assertEquals(new HashSet<>(keys(plain.iterator(w))), new HashSet<>(a));
    }

    @Test
    void resumesMidEpochThroughTheDataLoader() {
        for (int numWorkers : new int[] {0, 2}) {
            ShardedDataset ds = builder().partition(new Partition(1, 2)).seed(4).shuffleBuffer(5).build();
            List<List<String>> full = new ArrayList<>();
            try (DataLoader<List<String>> loader = loader(ds, numWorkers)) {
                for (List<String> batch : loader.epoch(3)) {
                    full.add(batch);
                }
            }
            assertTrue(full.size() >= 4, "too few batches for the test: " + full.size());
            String saved;
            List<List<String>> resumed = new ArrayList<>();
            try (DataLoader<List<String>> loader = loader(ds, numWorkers)) {
                Iterator<List<String>> it = loader.epoch(3).iterator();
                for (int i = 0; i < 2; i++) {
                    resumed.add(it.next());
                }
                saved = loader.state().toJson();
            }
            ShardedDataset fresh = builder().partition(new Partition(1, 2)).seed(4).shuffleBuffer(5).build();
            try (DataLoader<List<String>> loader = loader(fresh, numWorkers)) {
                for (List<String> batch : loader.resume(LoaderState.fromJson(saved))) {
                    resumed.add(batch);
                }
            }
            assertEquals(full, resumed, "numWorkers=" + numWorkers);
        }
    }

    @Test
    void resumeRefusesAStateSavedWithAnotherWorldSizeRankOrDatasetSeed() {
        String saved;
        try (DataLoader<List<String>> loader = loader(builder().partition(new Partition(1, 2)).seed(4).build(), 2)) {
            loader.epoch(0).iterator().next();
            saved = loader.state().toJson();
        }
        LoaderState state = LoaderState.fromJson(saved);
        for (ShardedDataset other : List.of(builder().partition(new Partition(1, 3)).seed(4).build(),
                builder().partition(new Partition(0, 2)).seed(4).build(), builder().partition(new Partition(1, 2))
                        .seed(5).build(),
                builder().partition(new Partition(1, 2)).seed(4).shuffleBuffer(5).build())) {
            try (DataLoader<List<String>> loader = loader(other, 2)) {
                var e = assertThrows(IllegalArgumentException.class, () -> loader.resume(state));
                assertTrue(e.getMessage().contains("stream: saved ShardedDataset(") && e.getMessage().contains(
                        "this loader ShardedDataset("), e.getMessage());
            }
        }
        try (DataLoader<List<String>> loader = loader(builder().partition(new Partition(1, 2)).seed(4).build(), 2)) {
            loader.resume(state).forEach(batch -> { }); // the same split resumes
        }
    }

    private static DataLoader<List<String>> loader(ShardedDataset ds, int numWorkers) {
        return DataLoader.builder(ds).batchSize(2).numWorkers(numWorkers).seed(13)
                .collate(batch -> batch.stream().map(ShardSample::key).toList()).build();
    }

    @Test
    void readsThroughAUserOpener() throws IOException {
        Map<String, byte[]> store = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                store.put("mem://bucket/set/" + p.getFileName(), Files.readAllBytes(p));
            }
        }
        Map<String, AtomicInteger> opened = new ConcurrentHashMap<>();
        ShardedDataset ds = ShardedDataset.builder("mem://bucket/set/manifest.json", where -> {
            opened.computeIfAbsent(where, k -> new AtomicInteger()).incrementAndGet();
            byte[] b = store.get(where);
            if (b == null) {
                throw new UncheckedIOException(new IOException("no object " + where));
            }
            return new ByteArrayInputStream(b);
        }).build();
        assertExactlyOnce(keys(ds.iterator(WorkerInfo.single(0, 0))), "opener");
        assertEquals(1, opened.get("mem://bucket/set/manifest.json").get());
        assertEquals(1, opened.get("mem://bucket/set/shard-00003.tar").get());
        assertTrue(!opened.containsKey("mem://bucket/set/shard-00001.tar"), "the empty shard need not be opened");
    }

    @Test
    void closingTheIteratorClosesTheShard() throws Exception {
        List<Boolean> closed = Collections.synchronizedList(new ArrayList<>());
        ShardedDataset ds = ShardedDataset.builder(dir.resolve("manifest.json").toString(), where -> {
            try {
                InputStream in = Files.newInputStream(Path.of(where));
                return new java.io.FilterInputStream(in) {
                    @Override
                    public void close() throws IOException {
                        closed.add(true);
                        super.close();
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).shuffleShards(false).build();
        Iterator<ShardSample> it = ds.iterator(WorkerInfo.single(0, 0));
        it.next();
        assertEquals(1, closed.size());   // the manifest
        ((AutoCloseable) it).close();
        assertEquals(2, closed.size());
        assertTrue(!it.hasNext());
    }

    @Test
    void aShardThatDisagreesWithTheManifestIsAnErrorNamingIt(@TempDir Path other) throws IOException {
        Files.write(other.resolve("shard-00000.tar"), shard(0, 3));
        Manifest m = new Manifest(0, List.of(new Manifest.Shard("shard-00000.tar", 4, 1)), List.of("a", "b", "c"),
                new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(other.resolve(Manifest.FILE_NAME), m.toJson());
        Iterator<ShardSample> it = ShardedDataset.builder(other).build().iterator(WorkerInfo.single(0, 0));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            while (it.hasNext()) {
                it.next();
            }
        });
        assertTrue(e.getMessage().contains("shard-00000.tar") && e.getMessage().contains("holds 4"), e.getMessage());

        m = new Manifest(0, List.of(new Manifest.Shard("shard-00000.tar", 2, 1)), List.of("a", "b", "c"),
                new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(other.resolve(Manifest.FILE_NAME), m.toJson());
        Iterator<ShardSample> it2 = ShardedDataset.builder(other).build().iterator(WorkerInfo.single(0, 0));
        e = assertThrows(UncheckedIOException.class, () -> {
            while (it2.hasNext()) {
                it2.next();
            }
        });
        assertTrue(e.getMessage().contains("more samples"), e.getMessage());
    }

    @Test
    void aSampleWithoutLabelIsAnError(@TempDir Path other) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        tar.add("a.jpg", new byte[] {1});
        tar.add("b.jpg", new byte[] {2});
        tar.add("b.cls", new byte[] {'0'});
        tar.finish();
        Files.write(other.resolve("x.tar"), out.toByteArray());
        Files.writeString(other.resolve(Manifest.FILE_NAME), new Manifest(0,
                List.of(new Manifest.Shard("x.tar", 2, 1)), List.of("a"), new double[0], new double[0], 0, 0, 0,
                List.of()).toJson());
        Iterator<ShardSample> it = ShardedDataset.builder(other).build().iterator(WorkerInfo.single(0, 0));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, it::hasNext);
        assertTrue(e.getMessage().contains("sample a of shard x.tar has no .cls"), e.getMessage());
    }

    /** A one-shard set in {@code folder}: samples {@code k0, k1, ...} with an image and the given {@code .cls} texts. */
    private static ShardedDataset labelled(Path folder, List<String> classes, String... labels) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        for (int i = 0; i < labels.length; i++) {
            tar.add("k" + i + ".jpg", new byte[] {(byte) i});
            tar.add("k" + i + ".cls", labels[i].getBytes(StandardCharsets.US_ASCII));
        }
        tar.finish();
        Files.write(folder.resolve("labels.tar"), out.toByteArray());
        Files.writeString(folder.resolve(Manifest.FILE_NAME), new Manifest(0,
                List.of(new Manifest.Shard("labels.tar", labels.length, out.size())), classes, new double[0],
                new double[0], 0, 0, 0, List.of()).toJson());
        return ShardedDataset.builder(folder).shuffleShards(false).build();
    }

    private static String firstFailure(Iterator<ShardSample> it, List<Long> delivered) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            while (it.hasNext()) {
                delivered.add(it.next().label());
            }
        });
        return e.getMessage();
    }

    @Test
    void aLabelOutsideTheManifestsClassesIsRefusedNamingShardKeyAndRange(@TempDir Path other) throws IOException {
        List<String> four = List.of("a", "b", "c", "d");
        for (String bad : List.of("7", "4", "-1", "9223372036854775807")) {
            ShardedDataset ds = labelled(other, four, "3", "0", bad, "1");
            List<Long> delivered = new ArrayList<>();
            String message = firstFailure(ds.iterator(WorkerInfo.single(0, 0)), delivered);
            assertEquals(List.of(3L, 0L), delivered, "the samples before the bad one are delivered");
            assertTrue(message.contains("sample k2 of shard labels.tar has .cls " + bad)
                    && message.contains("[0, 3]") && message.contains("4 classes"), message);

            // through a loader, at 0 and 2 workers, the label never reaches a batch
            for (int workers : new int[] {0, 2}) {
                try (DataLoader<List<Long>> loader = DataLoader.builder(ds).batchSize(4).numWorkers(workers)
                        .collate(batch -> batch.stream().map(ShardSample::label).toList()).build()) {
                    List<Long> labels = new ArrayList<>();
                    var e = assertThrows(org.dataloader4j.loader.DataLoaderException.class, () -> {
                        for (List<Long> batch : loader.epoch(0)) {
                            labels.addAll(batch);
                        }
                    });
                    assertTrue(labels.stream().allMatch(l -> l >= 0 && l < 4), workers + " workers: " + labels);
                    assertTrue(e.getCause() instanceof UncheckedIOException
                            && e.getCause().getMessage().contains("has .cls " + bad), String.valueOf(e));
                }
            }
        }
    }

    @Test
    void aLabelThatIsNotAnIntegerIsRefusedNamingShardKeyAndRange(@TempDir Path other) throws IOException {
        for (String bad : List.of("cat", "1.5", "", "0x2", "99999999999999999999")) {
            String message = firstFailure(labelled(other, List.of("a", "b"), "1", bad).iterator(WorkerInfo.single(0, 0)),
                    new ArrayList<>());
            assertTrue(message.contains("sample k1 of shard labels.tar has a .cls that is not an integer: \"" + bad
                    + "\"") && message.contains("[0, 1]"), message);
        }
    }

    @Test
    void aSampleWithTwoLabelsIsRefused(@TempDir Path other) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        tar.add("a.jpg", new byte[] {1});
        tar.add("a.cls", new byte[] {'0'});
        tar.add("a.cls", new byte[] {'1'});
        tar.finish();
        Files.write(other.resolve("x.tar"), out.toByteArray());
        Files.writeString(other.resolve(Manifest.FILE_NAME), new Manifest(0,
                List.of(new Manifest.Shard("x.tar", 1, 1)), List.of("a", "b"), new double[0], new double[0], 0, 0, 0,
                List.of()).toJson());
        String message = firstFailure(ShardedDataset.builder(other).build().iterator(WorkerInfo.single(0, 0)),
                new ArrayList<>());
        assertTrue(message.contains("sample a of shard x.tar has two .cls labels"), message);
    }

    @Test
    void labelsAreRefusedWhenTheManifestListsNoClasses(@TempDir Path other) throws IOException {
        String message = firstFailure(labelled(other, List.of(), "0").iterator(WorkerInfo.single(0, 0)),
                new ArrayList<>());
        assertTrue(message.contains("sample k0 of shard labels.tar has .cls 0")
                && message.contains("the manifest lists no classes"), message);
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(NullPointerException.class, () -> builder().partition(null));
        var other = assertThrows(IllegalArgumentException.class,
                () -> builder().build().shareSize(new Partition(1, 2), 1, 0));
        assertTrue(other.getMessage().contains("worldSize=2"), other.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder().shuffleBuffer(-1));
        assertThrows(UncheckedIOException.class, () -> ShardedDataset.builder(dir.resolve("nope")).build());
    }

    @Test
    void theReadingSideReferencesNoSparkClass(@TempDir Path plain) throws IOException {
        // jdeps lists, per class of this module, the classes it uses; follow them from ShardedDataset. The classes are
        // looked at without module-info.class, as plain classes: as a module, jdeps would first want every module
        // it requires on a module path, and Spark is in none.
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        Path built = Path.of(ShardedDataset.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path classes = plain.resolve("classes");
        try (Stream<Path> files = Files.walk(built)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")
                    && !f.getFileName().toString().equals("module-info.class")).toList()) {
                Path to = classes.resolve(built.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                classes.toString());
        assertEquals(0, rc, out.toString());
        Map<String, Set<String>> uses = new HashMap<>();
        String from = null;
        for (String line : out.toString().split("\n")) {
            String t = line.strip();
            if (!line.startsWith(" ") || !t.contains("->")) {
                continue;
            }
            String[] parts = t.split("\\s+");
            from = parts[0];
            uses.computeIfAbsent(from, k -> new HashSet<>()).add(parts[2]);
        }
        assertTrue(uses.containsKey(ShardedDataset.class.getName()), out.toString());
        Set<String> reached = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(ShardedDataset.class.getName()));
        while (!todo.isEmpty()) {
            String c = todo.removeLast();
            if (!reached.add(c)) {
                continue;
            }
            for (String used : uses.getOrDefault(c, Set.of())) {
                assertTrue(!used.startsWith("org.apache.spark") && !used.startsWith("scala."),
                        c + " uses " + used);
                if (used.startsWith("org.dataloader4j.spark")) {
                    todo.add(used);
                }
            }
        }
        assertTrue(reached.contains(TarReader.class.getName()) && reached.contains(Manifest.class.getName()),
                reached.toString());
    }
}
