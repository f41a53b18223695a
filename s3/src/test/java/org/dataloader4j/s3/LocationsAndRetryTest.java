package org.dataloader4j.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.dataloader4j.spark.ShardedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locations, local fallbacks (no SDK involved) and the backoff schedule. */
class LocationsAndRetryTest {
    @TempDir
    Path dir;

    @Test
    void s3LocationsParseIntoBucketAndKey() {
        assertEquals(new S3Location("b", "p/manifest.json"), S3Location.parse("s3://b/p/manifest.json"));
        assertEquals(new S3Location("b", ""), S3Location.parse("S3://b"));
        assertEquals("s3://b/k", S3Location.parse("s3://b/k").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3:///k"));
        assertTrue(e.getMessage().contains("no bucket in S3 location \"s3:///k\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> S3Location.parse("/data/x"));
        assertTrue(e.getMessage().contains("not an S3 location: \"/data/x\""), e.getMessage());
    }

    @Test
    void aPrefixOrAManifestNamesTheManifest() {
        assertEquals("s3://b/p/manifest.json", S3ShardStore.manifestLocation("s3://b/p"));
        assertEquals("s3://b/p/manifest.json", S3ShardStore.manifestLocation("s3://b/p/"));
        assertEquals("s3://b/p/other.json", S3ShardStore.manifestLocation("s3://b/p/other.json"));
    }

    @Test
    void plainPathsAndFileUrisAreReadLocallyWithoutAskingForAStore() throws IOException {
        TestShards.write(dir, new int[] {2, 3}, true);
        List<String> expected = S3ShardStoreTest.readAll(ShardedDataset.builder(dir).build());
        assertEquals(5, expected.size());
        for (String location : List.of(dir.toString(), dir.toUri().toString(), dir.resolve("manifest.json").toString())) {
            ShardedDataset ds = ShardLocations.builder(location, () -> {
                throw new AssertionError("no S3 store for a local location: " + location);
            }).build();
            assertEquals(expected, S3ShardStoreTest.readAll(ds), location);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardLocations.builder("gs://bucket/x", () -> null));
        assertTrue(e.getMessage().contains("unsupported location \"gs://bucket/x\""), e.getMessage());
    }

    @Test
    void backoffIsExponentialWithFullJitterAndBounded() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        SplittableRandom random = new SplittableRandom(1);
        for (int attempt = 1; attempt <= 9; attempt++) {
            long bound = Math.min(1000, 100L << (attempt - 1));
            long max = 0;
            long min = Long.MAX_VALUE;
            for (int i = 0; i < 2000; i++) {
                long ms = p.delay(attempt, random).toMillis();
                assertTrue(ms >= 0 && ms <= bound, "attempt " + attempt + ": " + ms + " ms outside [0, " + bound + "]");
                max = Math.max(max, ms);
                min = Math.min(min, ms);
            }
            assertTrue(max > bound * 9 / 10 && min < bound / 10, "attempt " + attempt + ": jitter spans the range, got ["
                    + min + ", " + max + "]");
        }
        assertTrue(p.delay(200, random).toMillis() <= 1000, "no overflow for late attempts");
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
    }

    @Test
    void settingsFromTheEnvironmentApplyAndMalformedOnesAreNamed() {
        Path cache = dir.resolve("cache");
        java.util.Map<String, String> settings = java.util.Map.of("cacheDirectory", cache.toString(), "cacheBytes",
                "123456", "pathStyle", "TRUE", "endpoint", "http://127.0.0.1:1", "region", "eu-west-1");
        try (S3ShardStore store = S3ShardStore.builder().settings(settings::get).build()) {
            assertEquals(cache, store.cacheDirectory());
            assertEquals(123456, store.statistics().cacheLimit());
        }
        assertTrue(java.nio.file.Files.isDirectory(cache), "a cache folder of the user's is kept");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3ShardStore.builder().settings(java.util.Map.of("pathStyle", "yes")::get));
        assertTrue(e.getMessage().contains("pathStyle setting must be true or false, but is \"yes\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> S3ShardStore.builder().settings(java.util.Map.of("cacheBytes", "10G")::get));
        assertTrue(e.getMessage().contains("cacheBytes setting is not a number of bytes: \"10G\""), e.getMessage());
    }

    @Test
    void aCacheFolderIsLockedByOneStoreAndLeftoversOfAnEarlierOneAreRemoved() throws IOException {
        Path cache = dir.resolve("cache");
        java.nio.file.Files.createDirectories(cache);
        Path leftover = java.nio.file.Files.write(cache.resolve("0123456789abcdef-shard-00001.tar"), new byte[100]);
        Path partial = java.nio.file.Files.write(cache.resolve("0123456789abcdef-shard-00002.tar.part"), new byte[9]);
        Path mine = java.nio.file.Files.write(cache.resolve("notes.txt"), new byte[1]);
        java.util.function.Supplier<S3ShardStore> open = () -> S3ShardStore.builder().region("us-east-1")
                .endpoint(java.net.URI.create("http://127.0.0.1:1")).cacheDirectory(cache).build();
        try (S3ShardStore store = open.get()) {
            assertTrue(!java.nio.file.Files.exists(leftover) && !java.nio.file.Files.exists(partial),
                    "an earlier store's files are not counted, so they are removed");
            assertTrue(java.nio.file.Files.exists(mine), "other files are left alone");
            IllegalStateException e = assertThrows(IllegalStateException.class, open::get);
            assertTrue(e.getMessage().contains("the shard cache folder " + cache + " is in use by another store"),
                    e.getMessage());
        }
        try (S3ShardStore again = open.get()) {   // released on close
            assertEquals(cache, again.cacheDirectory());
        }
    }
}
