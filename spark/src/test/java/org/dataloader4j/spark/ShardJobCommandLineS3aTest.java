package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.spark.internal.Checksums;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The command-line path into S3: {@code spark-submit}'s arguments with an {@code s3://} OUT, run by
 * {@link ShardJob#run(ShardJob.Invocation, Map)} in a session of its own with the settings that
 * {@code dataloader4j shard} passes (endpoint, path style, region, and the AWS SDK's default credentials chain,
 * here fed by the {@code aws.accessKeyId} system properties), against S3Mock on 127.0.0.1.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShardJobCommandLineS3aTest {
    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockServers.withBuckets("cli");

    @TempDir
    Path tmp;

    @BeforeEach
    void credentials() {
        System.setProperty("aws.accessKeyId", "test-key");
        System.setProperty("aws.secretAccessKey", "test-secret");
    }

    @AfterEach
    void clear() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void anS3OutputOnTheCommandLineIsWrittenWithTheSdkCredentialsChain() throws IOException {
        Path images = tmp.resolve("images");
        ShardJobTest.makeImages(images);
        ShardJob.Invocation invocation = ShardJob.Invocation.parse(images.toString(), "s3://cli/from-args/", "--shards",
                "3", "--seed", "4", "--master", "local[2]");
        assertEquals("s3://cli/from-args", invocation.output());
        Map<String, String> conf = Map.of(
                "spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + S3_MOCK.getHttpPort(),
                "spark.hadoop.fs.s3a.path.style.access", "true",
                "spark.hadoop.fs.s3a.endpoint.region", "us-east-1",
                "spark.hadoop.fs.s3a.aws.credentials.provider",
                "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
                "spark.sql.shuffle.partitions", "2");
        ShardJob.Result r = ShardJob.run(invocation, conf);
        assertEquals("s3://cli/from-args/manifest.json", r.manifestLocation());
        assertTrue(r.summary().contains("manifest: s3://cli/from-args/manifest.json"), r.summary());
        try (S3Client s3 = S3_MOCK.createS3ClientV2()) {
            List<String> keys = s3.listObjectsV2(b -> b.bucket("cli").prefix("from-args/")).contents().stream()
                    .map(S3Object::key).sorted().toList();
            assertEquals(List.of("from-args/manifest.json", "from-args/shard-00000.tar", "from-args/shard-00001.tar",
                    "from-args/shard-00002.tar"), keys);
            String json = s3.getObjectAsBytes(b -> b.bucket("cli").key("from-args/manifest.json")).asString(
                    StandardCharsets.UTF_8);
            Manifest m = Manifest.parse(json, "s3://cli/from-args/manifest.json");
            assertEquals(r.manifest().shards(), m.shards());
            assertEquals(32, m.samples());
            for (Manifest.Shard shard : m.shards()) {
                var bytes = s3.getObject(b -> b.bucket("cli").key("from-args/" + shard.file()));
                assertEquals(null, Checksums.mismatch(shard, Checksums.sha256(bytes)), shard.file());
            }
        }
    }
}
