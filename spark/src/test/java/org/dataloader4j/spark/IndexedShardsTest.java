package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.DataLoaderException;
import org.dataloader4j.loader.LoaderState;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.TarWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map-style view of local shards: the stream's samples at their manifest positions, the same batches at any
 * worker count, one index per shard under concurrent reads, and the stream's refusals of bad shards, plus a shard
 * that changed after it was indexed.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class IndexedShardsTest {
    /** Samples per shard: uneven, one empty at the start and one in the middle. 26 samples. */
    static final int[] COUNTS = {0, 7, 0, 3, 11, 5};

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeShards() throws IOException {
        ShardedDatasetTest.writeShardSet(dir, COUNTS, true);
    }

    @Test
    void everySampleIsTheStreamsSampleAtItsManifestPosition() {
        ShardedDataset stream = ShardedDataset.builder(dir).shuffleShards(false).build();
        IndexedShards indexed = stream.indexed();
        List<ShardSample> expected = new ArrayList<>();
        stream.iterator(WorkerInfo.single(0, 0)).forEachRemaining(expected::add);
        assertEquals(26, expected.size());
        assertEquals(expected.size(), indexed.size());
        for (int i = 0; i < expected.size(); i++) {
            ShardSample want = expected.get(i);
            ShardSample got = indexed.get(i);
            assertEquals(want.key(), got.key(), "sample " + i);
            assertEquals(want.extension(), got.extension(), "sample " + i);
            assertArrayEquals(want.image(), got.image(), "sample " + i);
            assertEquals(want.label(), got.label(), "sample " + i);
            assertEquals(want.shard(), got.shard(), "sample " + i);
        }
        assertEquals(4, indexed.indexedShards());   // the four shards that hold samples
        assertEquals(stream.classes(), indexed.classes());
    }

    @Test
    void indicesOutsideTheDatasetAreRefusedNamingTheSize() {
        IndexedShards indexed = ShardedDataset.builder(dir).build().indexed();
        for (long bad : new long[] {-1, 26, Long.MAX_VALUE}) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> indexed.get(bad));
            assertTrue(e.getMessage().contains(Long.toString(bad)) && e.getMessage().contains("26"), e.getMessage());
        }
        assertEquals(0, indexed.indexedShards());
    }

    @Test
    void aShardIsIndexedWhenOneOfItsSamplesIsFirstReadAndTheIndexHoldsNoImages() {
        IndexedShards indexed = ShardedDataset.builder(dir).build().indexed();
        assertEquals(0, indexed.indexBytes());
        assertEquals("shard-00004.tar (sample 2 of the shard)", indexed.source(12).orElseThrow());
        indexed.get(10);   // shard 4: samples 10..20
        assertEquals(1, indexed.indexedShards());
        long one = indexed.indexBytes();
        // 11 samples: offset 8, size 4, extension 1, label 4, key end 4 bytes each, and keys "s4/k0".."s4/k10"
        assertEquals(11 * 21 + 10 * 5 + 6, one);
        assertEquals("shard-00004.tar:s4/k2.jpg", indexed.source(12).orElseThrow());
        indexed.get(0);
        assertEquals(2, indexed.indexedShards());
        assertTrue(indexed.indexBytes() > one);
        assertTrue(indexed.toString().contains("samples=26") && indexed.toString().contains("indexed=2"),
                indexed.toString());
    }

    @Test
    void theSameBatchesComeAtAnyWorkerCountAndEachSampleOncePerEpoch() {
        IndexedShards indexed = ShardedDataset.builder(dir).build().indexed();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < indexed.size(); i++) {
            all.add(indexed.get(i).key());
        }
        List<List<String>> first = null;
        for (int workers = 0; workers <= 4; workers++) {
            try (DataLoader<List<String>> loader = keys(indexed, workers)) {
                List<List<String>> batches = new ArrayList<>();
                for (long epoch = 0; epoch < 2; epoch++) {
                    List<String> keys = new ArrayList<>();
                    for (List<String> batch : loader.epoch(epoch)) {
                        batches.add(batch);
                        keys.addAll(batch);
                    }
                    assertEquals(all.size(), keys.size(), workers + " workers, epoch " + epoch);
                    assertEquals(all, new HashSet<>(keys), workers + " workers, epoch " + epoch);
                }
                if (first == null) {
                    first = batches;
                    assertNotEquals(first.subList(0, 7), first.subList(7, 14), "the two epochs have one order");
                } else {
                    assertEquals(first, batches, workers + " workers against 0");
                }
            }
        }
    }

    @Test
    void aResumedEpochGivesTheRemainingBatchesAtAnotherWorkerCountButNotForOtherShards(@TempDir Path other)
            throws IOException {
        IndexedShards indexed = ShardedDataset.builder(dir).build().indexed();
        List<List<String>> whole = new ArrayList<>();
        LoaderState state;
        try (DataLoader<List<String>> loader = keys(indexed, 0)) {
            loader.epoch(3).forEach(whole::add);
        }
        try (DataLoader<List<String>> loader = keys(indexed, 2)) {
            Iterator<List<String>> it = loader.epoch(3).iterator();
            for (int b = 0; b < 3; b++) {
                assertEquals(whole.get(b), it.next());
            }
            state = loader.state();
        }
        try (DataLoader<List<String>> loader = keys(ShardedDataset.builder(dir).build().indexed(), 3)) {
            List<List<String>> rest = new ArrayList<>();
            loader.resume(state).forEach(rest::add);
            assertEquals(whole.subList(3, whole.size()), rest);
        }
        copyShards(other);
        Path file = other.resolve(Manifest.FILE_NAME);
        Manifest m = Manifest.parse(Files.readString(file), file.toString());
        List<Manifest.Shard> renamed = new ArrayList<>();
        for (Manifest.Shard s : m.shards()) {
            Path moved = other.resolve("x-" + s.file());
            Files.move(other.resolve(s.file()), moved);
            renamed.add(new Manifest.Shard(moved.getFileName().toString(), s.samples(), s.bytes(), s.sha256()));
        }
        Files.writeString(file, new Manifest(0, renamed, m.classes(), new double[0], new double[0], 0, 0, 0, List.of())
                .toJson());
        try (DataLoader<List<String>> loader = keys(ShardedDataset.builder(other).build().indexed(), 0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.resume(state));
            assertTrue(e.getMessage().contains("IndexedShards"), e.getMessage());
        }
    }

    private static DataLoader<List<String>> keys(IndexedShards indexed, int workers) {
        return DataLoader.builder(indexed).batchSize(4).shuffle(true).seed(13).numWorkers(workers)
                .collate(batch -> batch.stream().map(ShardSample::key).toList()).build();
    }

    @Test
    void concurrentReadsIndexEachShardOnceAndAgree() throws Exception {
        IndexedShards indexed = ShardedDataset.builder(dir).build().indexed();
        List<String> expected = new ArrayList<>();
        ShardedDataset.builder(dir).shuffleShards(false).build().iterator(WorkerInfo.single(0, 0))
                .forEachRemaining(s -> expected.add(s.key() + "=" + new String(s.image(), StandardCharsets.US_ASCII)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> reads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int start = 3 * t;
                final int stride = new int[] {1, 3, 5, 7, 9, 11, 15, 17}[t];   // prime to 26: every sample is read
                reads.add(pool.submit(() -> {
                    String[] got = new String[expected.size()];
                    for (int n = 0, i = start % got.length; n < got.length; n++, i = (i + stride) % got.length) {
                        ShardSample s = indexed.get(i);
                        got[i] = s.key() + "=" + new String(s.image(), StandardCharsets.US_ASCII);
                    }
                    return List.of(got);
                }));
            }
            for (Future<List<String>> read : reads) {
                assertEquals(expected, read.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4, indexed.indexedShards());
    }

    @Test
    void aBadShardIsRefusedWithTheStreamsMessageForEverySampleOfIt(@TempDir Path other) throws IOException {
        record Bad(String what, java.util.function.Consumer<TarWriter> entries, long stated, String message) {
        }
        List<Bad> cases = List.of(
                new Bad("label outside the classes", tar -> {
                    sample(tar, "k0", "1");
                    sample(tar, "k1", "7");
                }, 2, "sample k1 of shard x.tar has .cls 7, outside the manifest's class list"),
                new Bad("label not a number", tar -> sample(tar, "k0", "one"), 1,
                        "sample k0 of shard x.tar has a .cls that is not an integer"),
                new Bad("two images", tar -> {
                    add(tar, "k0.jpg", "x");
                    add(tar, "k0.png", "y");
                    add(tar, "k0.cls", "0");
                }, 1, "sample k0 of shard x.tar has two images (jpg and png)"),
                new Bad("no label", tar -> add(tar, "k0.jpg", "x"), 1, "sample k0 of shard x.tar has no .cls label"),
                new Bad("no image", tar -> add(tar, "k0.cls", "0"), 1, "sample k0 of shard x.tar has no image"),
                new Bad("fewer samples than stated", tar -> sample(tar, "k0", "0"), 2,
                        "shard x.tar ends after 1 samples, but the manifest says it holds 2"),
                new Bad("more samples than stated", tar -> {
                    sample(tar, "k0", "0");
                    sample(tar, "k1", "0");
                }, 1, "shard x.tar holds more samples than the 1 the manifest states"));
        for (Bad bad : cases) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            bad.entries().accept(tar);
            tar.finish();
            Files.write(other.resolve("x.tar"), out.toByteArray());
            Files.writeString(other.resolve(Manifest.FILE_NAME), new Manifest(0,
                    List.of(new Manifest.Shard("x.tar", bad.stated(), out.size())), List.of("a", "b"), new double[0],
                    new double[0], 0, 0, 0, List.of()).toJson());
            String streamed = streamFailure(ShardedDataset.builder(other).build());
            IndexedShards indexed = ShardedDataset.builder(other).build().indexed();
            for (long i = 0; i < bad.stated(); i++) {
                final long index = i;
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> indexed.get(index),
                        bad.what());
                assertTrue(e.getMessage().contains(bad.message()), bad.what() + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("cannot index shard x.tar of " + other), e.getMessage());
                assertTrue(streamed.contains(bad.message()), bad.what() + ", stream: " + streamed);
            }
            assertEquals(0, indexed.indexedShards(), bad.what());
        }
    }

    @Test
    void aManifestClaimingBillionsOfSamplesCostsNoMoreThanTheShardHolds(@TempDir Path other) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        sample(tar, "k0", "0");
        tar.finish();
        Files.write(other.resolve("x.tar"), out.toByteArray());
        long claimed = 2_000_000_000L;
        Files.writeString(other.resolve(Manifest.FILE_NAME), new Manifest(0,
                List.of(new Manifest.Shard("x.tar", claimed, out.size())), List.of("a"), new double[0],
                new double[0], 0, 0, 0, List.of()).toJson());
        IndexedShards indexed = ShardedDataset.builder(other).build().indexed();
        assertEquals(claimed, indexed.size());
        for (long i : new long[] {0, claimed - 1}) {
            UncheckedIOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(UncheckedIOException.class, () -> indexed.get(i)));
            assertTrue(e.getMessage().contains("shard x.tar ends after 1 samples, but the manifest says it holds "
                    + claimed), e.getMessage());
        }
        assertEquals(0, indexed.indexBytes());
    }

    /** A sample of a JPEG-named image and a label. */
    private static void sample(TarWriter tar, String key, String label) {
        add(tar, key + ".jpg", "image " + key);
        add(tar, key + ".cls", label);
    }

    private static void add(TarWriter tar, String name, String content) {
        try {
            tar.add(name, content.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String streamFailure(ShardedDataset stream) {
        Iterator<ShardSample> it = stream.iterator(WorkerInfo.single(0, 0));
        return assertThrows(UncheckedIOException.class, () -> it.forEachRemaining(s -> { })).getMessage();
    }

    @Test
    void aShardThatFailedToIndexFailsAtOnceUntilANewViewIsMade(@TempDir Path other) throws IOException {
        copyShards(other);
        Path shard = other.resolve("shard-00003.tar");
        byte[] good = Files.readAllBytes(shard);
        Files.write(shard, new byte[1024]);   // an empty archive where the manifest states 3 samples
        IndexedShards indexed = ShardedDataset.builder(other).verifyChecksums(false).build().indexed();
        String first = assertThrows(UncheckedIOException.class, () -> indexed.get(7)).getMessage();
        assertTrue(first.contains("shard shard-00003.tar ends after 0 samples"), first);
        Files.write(shard, good);   // mended: this view does not read the shard again
        for (long i = 7; i < 10; i++) {
            final long index = i;
            assertEquals(first, assertThrows(UncheckedIOException.class, () -> indexed.get(index)).getMessage());
        }
        assertEquals(0, indexed.indexedShards());
        IndexedShards fresh = ShardedDataset.builder(other).verifyChecksums(false).build().indexed();
        assertEquals("s3/k0", fresh.get(7).key());
    }

    @Test
    void aShardThatDoesNotMatchItsChecksumIsRefusedUnlessChecksIsOff(@TempDir Path other) throws IOException {
        copyShards(other);
        Path shard = other.resolve("shard-00003.tar");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[512 + 2] ^= 1;   // inside the first sample's image: the tar still parses
        Files.write(shard, bytes);
        IndexedShards checked = ShardedDataset.builder(other).build().indexed();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> checked.get(7));
        assertTrue(e.getMessage().contains("shard-00003.tar") && e.getMessage().contains("SHA-256"), e.getMessage());
        assertEquals("image of s1/k0", new String(checked.get(0).image(), StandardCharsets.US_ASCII));
        IndexedShards unchecked = ShardedDataset.builder(other).verifyChecksums(false).build().indexed();
        assertEquals("im`ge of s3/k0", new String(unchecked.get(7).image(), StandardCharsets.US_ASCII));
        assertEquals(1, unchecked.indexedShards());
    }

    @Test
    void aShardCutShortAfterItWasIndexedIsNamedWithTheSample(@TempDir Path other) throws IOException {
        copyShards(other);
        IndexedShards indexed = ShardedDataset.builder(other).build().indexed();
        assertEquals("s5/k4", indexed.get(25).key());
        try (FileChannel ch = FileChannel.open(other.resolve("shard-00005.tar"), StandardOpenOption.WRITE)) {
            ch.truncate(3 * 512);   // the first sample's header, image and label header remain
        }
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> indexed.get(25));
        assertTrue(e.getMessage().contains("sample s5/k4.jpg (sample 4) of shard " + other.resolve("shard-00005.tar"))
                && e.getMessage().contains("changed after it was indexed"), e.getMessage());
        Files.delete(other.resolve("shard-00005.tar"));
        e = assertThrows(UncheckedIOException.class, () -> indexed.get(21));
        assertTrue(e.getMessage().contains("sample s5/k0.jpg (sample 0)")
                && e.getMessage().contains("NoSuchFileException"), e.getMessage());
    }

    @Test
    void aMissingShardIsNamedWhenItsFirstSampleIsRead(@TempDir Path other) throws IOException {
        copyShards(other);
        Files.delete(other.resolve("shard-00001.tar"));
        IndexedShards indexed = ShardedDataset.builder(other).verifyChecksums(false).build().indexed();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> indexed.get(3));
        assertTrue(e.getMessage().contains("cannot index shard shard-00001.tar")
                && e.getMessage().contains("shard-00001.tar"), e.getMessage());
        assertEquals("s3/k0", indexed.get(7).key());   // the other shards still read
    }

    @Test
    void aLoaderNamesTheSampleIndexAndTheShardOfABadSample(@TempDir Path other) throws IOException {
        copyShards(other);
        Files.write(other.resolve("shard-00004.tar"), new byte[1024]);   // all zero: an empty archive
        IndexedShards indexed = ShardedDataset.builder(other).verifyChecksums(false).build().indexed();
        for (int workers : new int[] {0, 1, 2, 4}) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try (DataLoader<List<String>> loader = DataLoader.builder(indexed).batchSize(4).numWorkers(workers)
                        .collate(batch -> batch.stream().map(ShardSample::key).toList()).build()) {
                    Iterator<List<String>> it = loader.epoch(0).iterator();
                    it.next();
                    it.next();   // samples 0..7: shards 1 and 3
                    DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                    assertTrue(e.getMessage().contains("shard-00004.tar") && e.getMessage().contains("ends after 0"
                            + " samples, but the manifest says it holds 11"), e.getMessage());
                    assertTrue(e.getMessage().contains("sample 10"), e.getMessage());
                }
            });
        }
    }

    @Test
    void shardsReadThroughAStoreCannotBeIndexed() {
        ShardedDataset remote = ShardedDataset.builder("mem://bucket/manifest.json", where -> {
            try {
                return new ByteArrayInputStream(Files.readAllBytes(dir.resolve(where.substring("mem://bucket/"
                        .length()))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).build();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, remote::indexed);
        assertTrue(e.getMessage().contains("mem://bucket/manifest.json")
                && e.getMessage().contains("ShardedDataset.builder(Path)"), e.getMessage());
    }

    @Test
    void theFingerprintFollowsTheManifestNotTheStreamOptions(@TempDir Path other) throws IOException {
        String a = ShardedDataset.builder(dir).seed(1).build().indexed().fingerprint().orElseThrow();
        assertEquals(a, ShardedDataset.builder(dir).seed(2).shuffleBuffer(5).build().indexed().fingerprint()
                .orElseThrow());
        copyShards(other);
        Path file = other.resolve(Manifest.FILE_NAME);
        Manifest m = Manifest.parse(Files.readString(file), file.toString());
        List<Manifest.Shard> fewer = new ArrayList<>(m.shards());
        Manifest.Shard last = fewer.removeLast();
        fewer.add(new Manifest.Shard(last.file(), last.samples() - 1, last.bytes(), last.sha256()));
        Files.writeString(file, new Manifest(0, fewer, m.classes(), new double[0], new double[0], 0, 0, 0, List.of())
                .toJson());
        String changed = ShardedDataset.builder(other).build().indexed().fingerprint().orElseThrow();
        assertNotEquals(a, changed);
        assertTrue(a.startsWith("IndexedShards(shards=6, samples=26"), a);
    }

    private static void copyShards(Path to) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
