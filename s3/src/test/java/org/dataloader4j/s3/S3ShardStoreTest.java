package org.dataloader4j.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardSample;
import org.dataloader4j.spark.ShardStore;
import org.dataloader4j.spark.ShardedDataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link S3ShardStore} against S3Mock on 127.0.0.1, through {@link FaultProxy} for injected faults: the samples read
 * from S3 equal those read locally, the cache stays within its limit, and throttling, dropped connections, server
 * errors, stalls, truncated and corrupt bodies are retried, then refused naming the object. Every test is bounded
 * by a watchdog timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class S3ShardStoreTest {
    static final String BUCKET = "training";
    /** Samples per shard: uneven, one empty. 10 shards, 62 samples. */
    static final int[] COUNTS = {9, 4, 0, 7, 12, 5, 8, 3, 6, 8};

    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().withSecureConnection(false)
            .withInitialBuckets(BUCKET).build();

    @TempDir
    static Path local;
    @TempDir
    static Path oldLocal;
    static Manifest manifest;
    static long largestShard;
    static FaultProxy proxy;

    @BeforeAll
    static void upload() throws IOException {
        manifest = TestShards.write(local, COUNTS, true);
        largestShard = manifest.shards().stream().mapToLong(Manifest.Shard::bytes).max().orElseThrow();
        TestShards.write(oldLocal, new int[] {3, 5}, false);
        try (S3Client client = S3_MOCK.createS3ClientV2()) {
            TestShards.upload(client, local, BUCKET, "set");
            TestShards.upload(client, oldLocal, BUCKET, "old");
        }
        proxy = new FaultProxy(S3_MOCK.getHttpPort());
    }

    @AfterAll
    static void stopProxy() throws IOException {
        proxy.close();
    }

    @BeforeEach
    void clearFaults() {
        proxy.reset();
    }

    static S3ShardStore.Builder store() {
        return S3ShardStore.builder().endpoint(proxy.endpoint()).pathStyle(true).region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .retry(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(50)));
    }

    /** What a DataLoader delivers over ranks 0..worldSize-1 for one epoch, sample by sample. */
    static List<String> load(Consumer<ShardedDataset.Builder> options, java.util.function.Function<Integer,
            ShardedDataset.Builder> builder, int worldSize, int numWorkers, long epoch) {
        List<String> delivered = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            ShardedDataset.Builder b = builder.apply(rank).partition(new Partition(rank, worldSize)).seed(3)
                    .shuffleBuffer(4);
            options.accept(b);
            try (DataLoader<List<String>> loader = DataLoader.builder(b.build()).batchSize(5).numWorkers(numWorkers)
                    .seed(21).collate(batch -> batch.stream().map(TestShards::describe).toList()).build()) {
                for (List<String> batch : loader.epoch(epoch)) {
                    delivered.addAll(batch);
                }
            }
        }
        return delivered;
    }

    static List<String> local(int worldSize, int numWorkers, long epoch) {
        return load(b -> { }, rank -> ShardedDataset.builder(local), worldSize, numWorkers, epoch);
    }

    @Test
    void readingFromS3EqualsReadingLocallyAt0And2Workers() throws IOException {
        for (int workers : new int[] {0, 2}) {
            for (int worldSize : new int[] {1, 2}) {
                try (S3ShardStore store = store().build()) {
                    List<String> expected = local(worldSize, workers, 1);
                    assertEquals(62, expected.size());
                    List<String> remote = load(b -> { }, rank -> store.dataset("s3://" + BUCKET + "/set"), worldSize,
                            workers, 1);
                    assertEquals(expected, remote, "workers=" + workers + " worldSize=" + worldSize);
                    S3Statistics s = store.statistics();
                    long nonEmpty = manifest.shards().stream().filter(x -> x.samples() > 0).count();
                    long bytes = manifest.shards().stream().filter(x -> x.samples() > 0)
                            .mapToLong(Manifest.Shard::bytes).sum();
                    assertEquals(nonEmpty, s.downloads(), s.toString());
                    long manifestBytes = Files.size(local.resolve(Manifest.FILE_NAME)) * worldSize;
                    assertEquals(bytes + manifestBytes, s.bytesDownloaded(), "no shard downloaded twice: " + s);
                    assertEquals(nonEmpty, s.cacheHits() + s.stalls(), "one open per shard: " + s);
                    assertEquals(0, s.retries(), s.toString());
                }
            }
        }
    }

    @Test
    void aSecondEpochIsServedFromTheCache() {
        try (S3ShardStore store = store().build()) {
            load(b -> { }, rank -> store.dataset("s3://" + BUCKET + "/set/manifest.json"), 1, 2, 0);
            long downloads = store.statistics().downloads();
            long hitsBefore = store.statistics().cacheHits();
            List<String> second = load(b -> { }, rank -> store.dataset("s3://" + BUCKET + "/set"), 1, 2, 1);
            assertEquals(local(1, 2, 1), second);
            S3Statistics s = store.statistics();
            assertEquals(downloads, s.downloads(), "nothing downloaded again: " + s);
            assertEquals(hitsBefore + downloads, s.cacheHits(), s.toString());
            assertEquals(0, s.evictions(), s.toString());
        }
    }

    @Test
    void cacheLimitIsNeverExceededByMoreThanOneShard() throws Exception {
        for (int workers : new int[] {2, 4}) {
            long limit = largestShard * (2 * Math.max(2, workers - 1) + 1) / 2;   // 2.5 and 3.5 shards
            try (S3ShardStore store = store().cacheBytes(limit).prefetchShards(3).downloadThreads(3).build()) {
                AtomicLong maxOnDisk = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                    while (!stop.get()) {
                        maxOnDisk.accumulateAndGet(diskBytes(store.cacheDirectory()), Math::max);
                        Thread.onSpinWait();
                    }
                });
                List<String> remote = new ArrayList<>();
                try {
                    for (long epoch = 0; epoch < 2; epoch++) {
                        remote.addAll(load(b -> { }, rank -> store.dataset("s3://" + BUCKET + "/set"), 1, workers,
                                epoch));
                    }
                } finally {
                    stop.set(true);
                    watcher.join();
                }
                List<String> expected = new ArrayList<>(local(1, workers, 0));
                expected.addAll(local(1, workers, 1));
                assertEquals(expected, remote, "workers=" + workers);
                S3Statistics s = store.statistics();
                String where = "workers=" + workers + ", limit " + limit + " + largest shard " + largestShard + ": ";
                assertTrue(s.peakCacheBytes() <= limit + largestShard, where + s);
                assertTrue(maxOnDisk.get() <= limit + largestShard, where + "on disk " + maxOnDisk.get());
                assertTrue(maxOnDisk.get() > 0, "the watcher saw the cache");
                assertTrue(s.evictions() > 0, "a cache smaller than the set must evict: " + s);
                assertTrue(s.prefetches() > 0, "shards were fetched ahead: " + s);
                assertEquals(2 * 9, s.cacheHits() + s.stalls(), "one open per non-empty shard and epoch: " + s);
            }
        }
    }

    @Test
    void prefetchEvictsShardsNoLongerNeededOnceTheCacheIsFull() {
        // one consumer reading 9 non-empty shards in order through a cache of 3 shards: once the cache is full of
        // shards it has read, each prefetch must evict one of those rather than be skipped
        long limit = 3 * largestShard;
        try (S3ShardStore store = store().cacheBytes(limit).prefetchShards(1).downloadThreads(1).build()) {
            List<String> remote = load(b -> { }, rank -> store.dataset("s3://" + BUCKET + "/set"), 1, 0, 0);
            assertEquals(local(1, 0, 0), remote);
            S3Statistics s = store.statistics();
            long nonEmpty = java.util.Arrays.stream(COUNTS).filter(c -> c > 0).count();
            assertTrue(s.prefetches() >= nonEmpty - 2, "every shard after the first (but for a race at the"
                    + " start) was fetched ahead: " + s);
            assertTrue(s.evictions() > 0, "a cache of 3 of 10 shards must evict: " + s);
            assertTrue(s.peakCacheBytes() <= limit + largestShard, s.toString());
        }
    }

    @Test
    void aCacheOfOneShardServesFourWorkers() {
        try (S3ShardStore store = store().cacheBytes(largestShard).waitTimeout(Duration.ofSeconds(20)).build()) {
            for (long epoch = 0; epoch < 3; epoch++) {
                List<String> remote = load(b -> { }, rank -> store.dataset("s3://" + BUCKET + "/set"), 1, 4, epoch);
                assertEquals(local(1, 4, epoch), remote, "epoch " + epoch);
            }
            S3Statistics s = store.statistics();
            assertTrue(s.peakCacheBytes() <= 2 * largestShard, s.toString());
        }
    }

    @Test
    void aConsumerThatCannotGetCacheRoomGivesUpNamingTheShardAndTheLimit() throws IOException {
        List<ShardStore.Ref> refs = new ArrayList<>();
        for (int shard : new int[] {0, 1, 3}) {
            refs.add(new ShardStore.Ref("s3://" + BUCKET + "/set/" + manifest.shards().get(shard).file(),
                    manifest.shards().get(shard)));
        }
        try (S3ShardStore store = store().cacheBytes(largestShard).prefetchShards(0)
                .waitTimeout(Duration.ofMillis(300)).build()) {
            ShardStore.Session a = store.session(List.of(refs.get(0)));
            ShardStore.Session b = store.session(List.of(refs.get(1)));
            ShardStore.Session c = store.session(List.of(refs.get(2)));
            InputStream first = a.open(0);
            try (InputStream second = b.open(0)) {   // admitted: the cache was within its limit
                IOException e = assertThrows(IOException.class, () -> c.open(0));
                assertTrue(e.getMessage().contains("waited 300 ms for room in the shard cache")
                        && e.getMessage().contains("to fetch " + refs.get(2).location())
                        && e.getMessage().contains("of " + largestShard + " bytes"), e.getMessage());
                first.close();
                try (InputStream third = c.open(0)) {   // room again: the first shard is closed and not needed
                    assertEquals(refs.get(2).shard().bytes(), third.readAllBytes().length);
                }
            }
            a.close();
            b.close();
            c.close();
            assertTrue(store.statistics().peakCacheBytes() <= 2 * largestShard, store.statistics().toString());
        }
    }

    private static long diskBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            long n = 0;
            for (Path f : files.toList()) {
                try {
                    n += Files.size(f);
                } catch (IOException gone) {
                    // renamed or evicted between the listing and the size
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads s3://BUCKET/{@code set} in shard order through a store built from {@code store}, which must fail with an
     * {@link UncheckedIOException}; returns its message once the store is closed.
     */
    static String readFailure(S3ShardStore.Builder store, String set) {
        try (S3ShardStore s = store.build()) {
            ShardedDataset ds = s.dataset("s3://" + BUCKET + "/" + set).shuffleShards(false).build();
            return assertThrows(UncheckedIOException.class, () -> readAll(ds)).getMessage();
        }
    }

    /** Reads every sample of a one-rank, one-consumer epoch directly from the dataset. */
    static List<String> readAll(ShardedDataset ds) {
        List<String> out = new ArrayList<>();
        Iterator<ShardSample> it = ds.iterator(new WorkerInfo(0, 1, 0, 0));
        try {
            while (it.hasNext()) {
                out.add(TestShards.describe(it.next()));
            }
        } finally {
            if (it instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    static List<String> localSequential() {
        return readAll(ShardedDataset.builder(local).shuffleShards(false).build());
    }

    @Test
    void throttlingServerErrorsDroppedConnectionsAndShortBodiesAreRetried() {
        proxy.inject("shard-00000.tar", FaultProxy.Fault.SLOW_DOWN, 2);
        proxy.inject("shard-00001.tar", FaultProxy.Fault.INTERNAL_ERROR, 1);
        proxy.inject("shard-00003.tar", FaultProxy.Fault.DROP, 1);
        proxy.inject("shard-00004.tar", FaultProxy.Fault.TRUNCATE, 1);
        proxy.inject("shard-00005.tar", FaultProxy.Fault.CORRUPT, 2);
        proxy.inject("shard-00006.tar", FaultProxy.Fault.SHORT, 1);
        proxy.inject("shard-00007.tar", FaultProxy.Fault.SLOW, 1);
        proxy.inject("shard-00008.tar", FaultProxy.Fault.LONG, 1);
        proxy.inject("manifest.json", FaultProxy.Fault.SLOW_DOWN, 1);
        try (S3ShardStore store = store().prefetchShards(0).build()) {
            List<String> remote = readAll(store.dataset("s3://" + BUCKET + "/set").shuffleShards(false).build());
            assertEquals(localSequential(), remote, "retried downloads deliver intact samples");
            assertEquals(3, proxy.gets("shard-00000.tar"), "two 503 SlowDown, then success");
            assertEquals(2, proxy.gets("shard-00001.tar"));
            assertEquals(2, proxy.gets("shard-00003.tar"));
            assertEquals(2, proxy.gets("shard-00004.tar"));
            assertEquals(3, proxy.gets("shard-00005.tar"));
            assertEquals(2, proxy.gets("shard-00006.tar"));
            assertEquals(1, proxy.gets("shard-00007.tar"), "a slow answer within the read timeout is no failure");
            assertEquals(2, proxy.gets("shard-00008.tar"), "a body longer than the manifest states is retried");
            assertEquals(2, proxy.gets("manifest.json"));
            S3Statistics s = store.statistics();
            assertEquals(10, s.retries(), "1 manifest and 2 + 1 + 1 + 1 + 2 + 1 + 1 shard retries, none for the"
                    + " slow one: " + s);
        }
    }

    @Test
    void aStallBeyondTheReadTimeoutIsRetried() {
        proxy.inject("shard-00001.tar", FaultProxy.Fault.STALL, 1);
        try (S3ShardStore store = store().prefetchShards(0).readTimeout(Duration.ofMillis(500)).build()) {
            List<String> remote = readAll(store.dataset("s3://" + BUCKET + "/set").shuffleShards(false).build());
            assertEquals(localSequential(), remote);
            assertEquals(2, proxy.gets("shard-00001.tar"));
            assertEquals(1, store.statistics().retries());
        }
    }

    @Test
    void aCorruptBodyIsRetriedThenRefusedNamingTheObject() {
        proxy.inject("shard-00003.tar", FaultProxy.Fault.CORRUPT, 100);
        String m = readFailure(store().prefetchShards(0), "set");
        assertTrue(m.contains("refusing s3://" + BUCKET + "/set/shard-00003.tar after 3 transfers"), m);
        assertTrue(m.contains("SHA-256") && m.contains(manifest.shards().get(3).sha256()), m);
        assertEquals(3, proxy.gets("shard-00003.tar"), "bounded attempts");
    }

    @Test
    void aTruncatedBodyIsRetriedThenRefusedNamingTheObject() {
        proxy.inject("shard-00004.tar", FaultProxy.Fault.SHORT, 100);
        String m = readFailure(store().prefetchShards(0), "set");
        assertTrue(m.contains("refusing s3://" + BUCKET + "/set/shard-00004.tar after 3 transfers"), m);
        assertTrue(m.contains("(truncated)") && m.contains("manifest states " + manifest.shards().get(4).bytes()), m);
        assertEquals(3, proxy.gets("shard-00004.tar"));
    }

    @Test
    void persistentThrottlingGivesUpAfterTheLastAttemptNamingTheObject() {
        proxy.inject("shard-00000.tar", FaultProxy.Fault.SLOW_DOWN, 100);
        String m = readFailure(store(), "set");   // with prefetch: its failure is not swallowed
        assertTrue(m.contains("cannot transfer s3://" + BUCKET + "/set/shard-00000.tar after 3 attempts"), m);
        assertTrue(m.contains("HTTP 503 SlowDown"), m);
    }

    @Test
    void aMissingShardFailsAtOnceNamingTheObject() throws IOException {
        Manifest withGhost = new Manifest(0, List.of(manifest.shards().get(0),
                new Manifest.Shard("shard-ghost.tar", 2, 1024, manifest.shards().get(0).sha256())), TestShards.CLASSES,
                new double[0], new double[0], 0, 0, 0, List.of());
        try (S3Client client = S3_MOCK.createS3ClientV2()) {
            client.putObject(b -> b.bucket(BUCKET).key("ghost/manifest.json"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString(withGhost.toJson()));
            client.putObject(b -> b.bucket(BUCKET).key("ghost/shard-00000.tar"),
                    software.amazon.awssdk.core.sync.RequestBody.fromFile(local.resolve("shard-00000.tar")));
        }
        String m = readFailure(store().prefetchShards(0), "ghost");
        assertTrue(m.contains("object s3://" + BUCKET + "/ghost/shard-ghost.tar does not exist"), m);
        assertEquals(1, proxy.gets("shard-ghost.tar"), "a missing object is not retried");
    }

    @Test
    void aMissingManifestFailsNamingIt() {
        try (S3ShardStore store = store().build()) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> store.dataset("s3://" + BUCKET + "/nothing-here").build());
            assertTrue(e.getMessage().contains("object s3://" + BUCKET + "/nothing-here/manifest.json does not exist"),
                    e.getMessage());
        }
    }

    @Test
    void aManifestWithoutChecksumsIsReadWithSizesChecked() throws IOException {
        try (S3ShardStore store = store().build()) {
            ShardedDataset ds = store.dataset("s3://" + BUCKET + "/old").shuffleShards(false).build();
            assertTrue(!ds.manifest().checksummed());
            assertEquals(readAll(ShardedDataset.builder(oldLocal).shuffleShards(false).build()), readAll(ds));
        }
        proxy.inject("shard-00001.tar", FaultProxy.Fault.SHORT, 100);
        String m = readFailure(store().prefetchShards(0), "old");
        assertTrue(m.contains("refusing s3://" + BUCKET + "/old/shard-00001.tar"), m);
    }

    @Test
    void closingTheStoreDeletesItsTemporaryCacheAndEndsItsThreads() throws InterruptedException {
        Path dir;
        try (S3ShardStore store = store().build()) {
            dir = store.cacheDirectory();
            readAll(store.dataset("s3://" + BUCKET + "/set").build());
            assertTrue(diskBytes(dir) > 0);
        }
        assertTrue(!Files.exists(dir), dir + " is left");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("dataloader4j-s3-prefetch"))) {
            assertTrue(System.nanoTime() < deadline, "prefetch threads outlive the store");
            Thread.sleep(10);
        }
    }

    @Test
    void anUploadedShardSetReadsBackEqualWithItsManifestWrittenLast() throws IOException {
        proxy.inject("PUT shard-00004.tar", FaultProxy.Fault.SLOW_DOWN, 1);
        proxy.inject("PUT manifest.json", FaultProxy.Fault.INTERNAL_ERROR, 1);
        try (S3ShardStore store = store().build()) {
            assertEquals(manifest, store.upload(local, "s3://" + BUCKET + "/uploaded"));
            assertEquals(2, proxy.gets("PUT shard-00004.tar"), "a throttled PUT is retried");
            assertEquals(2, proxy.gets("PUT manifest.json"));
            List<String> puts = proxy.requests().stream().filter(r -> r.startsWith("PUT ")).toList();
            assertEquals(COUNTS.length + 3, puts.size(), "each shard once, one retry each for a shard and the"
                    + " manifest: " + puts);
            assertEquals("PUT manifest.json", puts.get(puts.size() - 1));
            assertTrue(puts.subList(0, puts.size() - 2).stream().noneMatch(r -> r.contains("manifest")), puts.toString());
            ShardedDataset back = store.dataset("s3://" + BUCKET + "/uploaded").shuffleShards(false).build();
            assertEquals(manifest, back.manifest());
            assertEquals(localSequential(), readAll(back));
        }
    }

    @Test
    void anUploadRefusesALocalShardThatDoesNotMatchItsManifest(@TempDir Path copy) throws IOException {
        try (Stream<Path> files = Files.list(local)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path bad = copy.resolve("shard-00003.tar");
        byte[] b = Files.readAllBytes(bad);
        b[700] ^= 0x04;
        Files.write(bad, b);
        try (S3ShardStore store = store().build()) {
            IOException e = assertThrows(IOException.class, () -> store.upload(copy, "s3://" + BUCKET + "/bad"));
            assertTrue(e.getMessage().contains("not uploading " + bad) && e.getMessage().contains("(corrupt)"),
                    e.getMessage());
            assertTrue(proxy.requests().stream().noneMatch(r -> r.contains("manifest")), "no manifest was written");
            UncheckedIOException missing = assertThrows(UncheckedIOException.class,
                    () -> store.dataset("s3://" + BUCKET + "/bad").build());
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        }
    }
}
