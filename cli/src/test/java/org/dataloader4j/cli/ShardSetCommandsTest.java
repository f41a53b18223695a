package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.TarWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code dataloader4j info} on shard sets in S3 (S3Mock on 127.0.0.1) and in a local folder, and the checks of
 * {@code shard SRC s3://...} that run before Spark (which these tests do not have).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShardSetCommandsTest {
    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().withSecureConnection(false)
            .withInitialBuckets("data").build();

    @TempDir
    Path dir;

    @BeforeEach
    void pointTheCliAtS3Mock() {
        System.setProperty("dataloader4j.s3.endpoint", "http://127.0.0.1:" + S3_MOCK.getHttpPort());
        System.setProperty("dataloader4j.s3.pathStyle", "true");
        System.setProperty("dataloader4j.s3.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterEach
    void clear() {
        for (String p : List.of("dataloader4j.s3.endpoint", "dataloader4j.s3.pathStyle", "dataloader4j.s3.region",
                "aws.accessKeyId", "aws.secretAccessKey")) {
            System.clearProperty(p);
        }
    }

    /** Three shards (2, 5 and 3 samples) and their manifest, with or without checksums. */
    private Manifest writeShards(Path folder, boolean checksums) throws Exception {
        Files.createDirectories(folder);
        int[] counts = {2, 5, 3};
        List<Manifest.Shard> shards = new java.util.ArrayList<>();
        for (int s = 0; s < counts.length; s++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            for (int i = 0; i < counts[s]; i++) {
                tar.add("k" + s + "_" + i + ".jpg", new byte[] {1, 2, 3});
                tar.add("k" + s + "_" + i + ".cls", "1".getBytes(StandardCharsets.US_ASCII));
            }
            tar.finish();
            String file = "shard-0000" + s + ".tar";
            Files.write(folder.resolve(file), out.toByteArray());
            shards.add(new Manifest.Shard(file, counts[s], out.size(),
                    checksums ? Checksums.hex(Checksums.sha256().digest(out.toByteArray())) : null));
        }
        Manifest m = new Manifest(7, shards, List.of("cat", "dog"), new double[] {0.5, 0.4, 0.3},
                new double[] {0.2, 0.2, 0.2}, 30, 256, 90, List.of(new Manifest.Skipped("/in/bad.jpg", "corrupt")));
        Files.writeString(folder.resolve(Manifest.FILE_NAME), m.toJson());
        return m;
    }

    @Test
    void infoSummarisesTheManifestOfAShardSetInS3() throws Exception {
        Path folder = dir.resolve("set");
        Manifest m = writeShards(folder, true);
        try (S3Client client = S3_MOCK.createS3ClientV2()) {
            client.putObject(b -> b.bucket("data").key("sets/one/manifest.json"),
                    RequestBody.fromFile(folder.resolve(Manifest.FILE_NAME)));
        }
        CliRun run = CliRun.of("info", "s3://data/sets/one");
        assertEquals(0, run.code(), run.all());
        long bytes = m.shards().stream().mapToLong(Manifest.Shard::bytes).sum();
        assertEquals("Shards s3://data/sets/one/manifest.json: 3 shards, 10 samples, 2 classes, " + bytes + " bytes",
                run.line("Shards"), run.all());
        assertTrue(run.line("checksums:").contains("SHA-256 of every shard"), run.all());
        assertEquals("samples per shard: min 2, median 3, max 5", run.line("samples per shard"));
        assertTrue(run.out().contains("    1  dog"), run.all());
        assertTrue(run.out().contains("skipped when sharding: 1") && run.out().contains("/in/bad.jpg: corrupt"),
                run.all());
    }

    @Test
    void infoNamesAMissingManifestInS3() {
        CliRun run = CliRun.of("info", "s3://data/nowhere");
        assertTrue(run.code() != 0, run.all());
        assertTrue(run.err().contains("object s3://data/nowhere/manifest.json does not exist"), run.all());
    }

    @Test
    void infoOnALocalShardFolderSaysWhenTheManifestHasNoChecksums() throws Exception {
        writeShards(dir, false);
        CliRun run = CliRun.of("info", dir.toString());
        assertEquals(0, run.code(), run.all());
        assertTrue(run.line("Shards").contains("3 shards, 10 samples, 2 classes"), run.all());
        assertTrue(run.line("checksums:").startsWith("checksums: none (a manifest written before checksums were"
                + " recorded"), run.all());
    }

    @Test
    void shardIntoAnS3PrefixThatHoldsAManifestNeedsOverwrite() throws Exception {
        Path folder = dir.resolve("set");
        writeShards(folder, true);
        try (S3Client client = S3_MOCK.createS3ClientV2()) {
            client.putObject(b -> b.bucket("data").key("taken/manifest.json"),
                    RequestBody.fromFile(folder.resolve(Manifest.FILE_NAME)));
        }
        Path src = Files.createDirectories(dir.resolve("src/cat"));
        TestImages.png(src.resolve("a.png"), 8, 8, 1);
        CliRun run = CliRun.of("shard", dir.resolve("src").toString(), "s3://data/taken", "--shards", "1");
        assertEquals(2, run.code(), run.all());
        assertTrue(run.err().contains("OUT s3://data/taken already holds s3://data/taken/manifest.json; --overwrite"
                + " replaces it"), run.all());
    }

    @Test
    void shardIntoS3WithoutSparkSaysHowToRunItAndRemovesItsStagingFolder() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/cat"));
        TestImages.png(src.resolve("a.png"), 8, 8, 1);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before;
        try (var files = Files.list(tmp)) {
            before = files.filter(p -> p.getFileName().toString().startsWith("dataloader4j-shard-")).toList();
        }
        CliRun run = CliRun.of("shard", dir.resolve("src").toString(), "s3://data/new", "--shards", "1");
        assertEquals(1, run.code(), run.all());
        assertTrue(run.err().contains("needs Apache Spark on the class path"), run.all());
        try (var files = Files.list(tmp)) {
            assertEquals(before, files.filter(p -> p.getFileName().toString().startsWith("dataloader4j-shard-"))
                    .toList(), "the staging folder is removed");
        }
    }
}
