package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.dataloader4j.spark.internal.Checksums;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The shard job writing straight to an S3 API server (Adobe S3Mock, in this JVM on 127.0.0.1) through hadoop-aws's
 * S3A with path-style access, the way it writes to MinIO, Ceph or R2: the objects are checked through the AWS SDK
 * against the manifest and against the same job written to a local folder, and read back with
 * {@link ShardedDataset}. Bucket {@code elsewhere} points at a closed port on 127.0.0.1 (per-bucket S3A settings).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShardJobS3aTest {
    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockServers.withBuckets("shards", "big");

    static SparkSession spark;
    static S3Client s3;
    static int closedPort;

    @TempDir
    static Path tmp;
    static Path images;

    @BeforeAll
    static void start() throws IOException {
        images = tmp.resolve("images");
        ShardJobTest.makeImages(images);
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();   // nothing listens there once it is closed
        }
        spark = ShardJob.loopback(SparkSession.builder().master("local[2]").appName("ShardJobS3aTest"))
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + S3_MOCK.getHttpPort())
                .config("spark.hadoop.fs.s3a.path.style.access", "true")
                .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
                .config("spark.hadoop.fs.s3a.access.key", "test-key")
                .config("spark.hadoop.fs.s3a.secret.key", "test-secret")
                .config("spark.hadoop.fs.s3a.bucket.elsewhere.endpoint", "http://127.0.0.1:" + closedPort)
                .config("spark.hadoop.fs.s3a.bucket.elsewhere.retry.limit", "1")
                .config("spark.hadoop.fs.s3a.bucket.elsewhere.retry.interval", "10ms")
                .config("spark.hadoop.fs.s3a.bucket.elsewhere.attempts.maximum", "1")
                .config("spark.hadoop.fs.s3a.bucket.big.multipart.size", "5M")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        s3 = S3_MOCK.createS3ClientV2();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static byte[] object(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private static List<String> keys(String bucket, String prefix) {
        return s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).sorted()
                .toList();
    }

    /** Downloads a shard set with the SDK, checking every object against the manifest's size and SHA-256. */
    private static Manifest download(String bucket, String prefix, Path folder) throws IOException {
        Files.createDirectories(folder);
        byte[] json = object(bucket, prefix + "/" + Manifest.FILE_NAME);
        Manifest m = Manifest.parse(new String(json, StandardCharsets.UTF_8), prefix);
        Files.write(folder.resolve(Manifest.FILE_NAME), json);
        for (Manifest.Shard shard : m.shards()) {
            byte[] bytes = object(bucket, prefix + "/" + shard.file());
            String mismatch = Checksums.mismatch(shard, Checksums.sha256(new java.io.ByteArrayInputStream(bytes)));
            assertEquals(null, mismatch, shard.file());
            Files.write(folder.resolve(shard.file()), bytes);
        }
        return m;
    }

    @Test
    void writesTheSameShardsToS3aAsToALocalFolderAndShardedDatasetReadsThemBack() throws IOException {
        Path local = tmp.resolve("local");
        Manifest expected = ShardJob.run(spark, images, local, ShardJob.options(4).seed(3)).manifest();

        ShardJob.Result r = ShardJob.run(spark, images, "s3a://shards/sets/one", ShardJob.options(4).seed(3));
        assertEquals("s3a://shards/sets/one/manifest.json", r.manifestLocation());
        assertEquals(expected.shards(), r.manifest().shards());
        assertTrue(r.manifest().checksummed(), "a SHA-256 for every shard");
        assertEquals(List.of("sets/one/manifest.json", "sets/one/shard-00000.tar", "sets/one/shard-00001.tar",
                "sets/one/shard-00002.tar", "sets/one/shard-00003.tar"), keys("shards", "sets/one/"),
                "the shards and the manifest, and nothing else (no temporary objects)");
        for (Manifest.Shard shard : expected.shards()) {
            assertArrayEquals(Files.readAllBytes(local.resolve(shard.file())),
                    object("shards", "sets/one/" + shard.file()), shard.file());
        }
        Path copy = tmp.resolve("downloaded");
        Manifest stored = download("shards", "sets/one", copy);
        assertEquals(expected.shards(), stored.shards());
        assertEquals(expected.classes(), stored.classes());
        assertEquals(expected.seed(), stored.seed());

        Map<String, ShardSample> fromLocal = ShardJobTest.readAll(local);
        Map<String, ShardSample> fromS3 = ShardJobTest.readAll(copy);
        assertEquals(fromLocal.keySet(), fromS3.keySet());
        assertEquals(32, fromS3.size());
        for (var e : fromLocal.entrySet()) {
            assertEquals(e.getValue().label(), fromS3.get(e.getKey()).label(), e.getKey());
        }
    }

    @Test
    void anS3LocationIsWrittenThroughS3aToo() throws IOException {
        Path local = tmp.resolve("local-s3");
        Manifest expected = ShardJob.run(spark, images, local, ShardJob.options(2).seed(9)).manifest();
        ShardJob.Result r = ShardJob.run(spark, images, "s3://shards/via-s3/", ShardJob.options(2).seed(9));
        assertEquals("s3://shards/via-s3/manifest.json", r.manifestLocation());
        assertEquals(expected.shards(), download("shards", "via-s3", tmp.resolve("via-s3")).shards());
    }

    @Test
    void aLargeShardGoesUpAsAMultipartUploadAndArrivesWhole() throws IOException {
        Path noise = tmp.resolve("noise");
        Random random = new Random(11);
        for (int i = 0; i < 3; i++) {   // ~2.3 MB PNGs, stored as they are: one ~7 MB shard, more than one 5 MiB part
            Path file = noise.resolve("n/img" + i + ".png");
            ShardJobTest.write(file, ShardJobTest.picture(random, 8, 8, 0, false), "png");
            byte[] filler = new byte[2_300_000];
            random.nextBytes(filler);
            Files.write(file, withAncillaryChunk(Files.readAllBytes(file), filler));
        }
        Path local = tmp.resolve("noise-local");
        Manifest expected = ShardJob.run(spark, noise, local, ShardJob.options(1)).manifest();
        assertTrue(expected.shards().getFirst().bytes() > 5 << 20, "larger than one part: " + expected.shards());

        ShardJob.run(spark, noise, "s3a://big/noise", ShardJob.options(1));
        String etag = s3.headObject(b -> b.bucket("big").key("noise/shard-00000.tar")).eTag();
        assertTrue(etag.matches("\"?[0-9a-f]+-2\"?"), "a multipart upload of two 5 MiB parts: ETag " + etag);
        assertArrayEquals(Files.readAllBytes(local.resolve("shard-00000.tar")),
                object("big", "noise/shard-00000.tar"));
        download("big", "noise", tmp.resolve("noise-downloaded"));
    }

    /**
     * A PNG with a private ancillary chunk ({@code raNd}, which decoders skip) of {@code data} after its header: many
     * bytes, few pixels to decode.
     */
    private static byte[] withAncillaryChunk(byte[] png, byte[] data) {
        int afterHeader = 8 + 4 + 4 + 13 + 4;   // signature, then IHDR: length, type, 13 bytes, CRC
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put("raNd".getBytes(StandardCharsets.US_ASCII)).put(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        out.writeBytes(chunk.array());
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    @Test
    void aFailedTaskLeavesNoObjectAndNoManifest() throws IOException {
        Path root = tmp.resolve("with-corrupt");
        ShardJobTest.makeImages(root);
        byte[] jpeg = Files.readAllBytes(root.resolve("cat/img_1.jpg"));
        Files.write(root.resolve("cat/broken.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 3));
        ShardJobException e = assertThrows(ShardJobException.class,
                () -> ShardJob.run(spark, root, "s3a://shards/failed", ShardJob.options(1)));
        assertTrue(e.getMessage().contains("broken.jpg") && e.getMessage().contains("s3a://shards/failed"),
                e.getMessage());
        assertEquals(List.of(), keys("shards", "failed/"),
                "the one shard's upload was aborted, not completed with what it had, and no manifest was written");
    }

    @Test
    void anEarlierRunIsRefusedOrReplacedWithOverwrite() {
        ShardJob.run(spark, images, "s3a://shards/again", ShardJob.options(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.run(spark, images, "s3a://shards/again", ShardJob.options(2)));
        assertTrue(e.getMessage().contains("s3a://shards/again already holds shards or a manifest (manifest.json and 3"
                + " more)"), e.getMessage());
        ShardJob.run(spark, images, "s3a://shards/again", ShardJob.options(2).overwrite(true));
        assertEquals(List.of("again/manifest.json", "again/shard-00000.tar", "again/shard-00001.tar"),
                keys("shards", "again/"), "the third shard of the earlier run is gone");
    }

    @Test
    void aMissingBucketFailsNamingItAndTheLocation() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ShardJob.run(spark, images, "s3a://no-such-bucket/shards", ShardJob.options(2)));
        assertTrue(e.getMessage().startsWith("cannot use the output s3a://no-such-bucket/shards (bucket no-such-bucket,"
                + " endpoint http://127.0.0.1:" + S3_MOCK.getHttpPort() + "): "), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void anUnreachableEndpointFailsNamingTheLocationAndEndpoint() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ShardJob.run(spark, images, "s3://elsewhere/shards", ShardJob.options(2)));
        assertTrue(e.getMessage().startsWith("cannot use the output s3://elsewhere/shards (bucket elsewhere, endpoint"
                + " http://127.0.0.1:" + closedPort + "): "), e.getMessage());
    }

    @Test
    void outputsOfOtherSchemesOrWithoutABucketAreRefusedBeforeTheJob() {
        IllegalArgumentException gs = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.run(spark, images, "gs://bucket/shards", ShardJob.options(2)));
        assertTrue(gs.getMessage().contains("OUT gs://bucket/shards") && gs.getMessage().contains("not to gs://"),
                gs.getMessage());
        IllegalArgumentException noBucket = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.run(spark, images, "s3a:///shards", ShardJob.options(2)));
        assertTrue(noBucket.getMessage().contains("names no bucket"), noBucket.getMessage());
        IllegalArgumentException oneSlash = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.Invocation.parse("src", "s3:/bucket/shards", "--shards", "2"));
        assertTrue(oneSlash.getMessage().contains("expected s3://bucket/prefix"), oneSlash.getMessage());
    }
}
