package org.dataloader4j.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.dataloader4j.data.Partition;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.LoaderState;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardedDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An elastic {@link ShardedDataset} read through {@link S3ShardStore} (S3Mock on 127.0.0.1): the same global order
 * as local files at any world size, each shard downloaded once per process although several cursors of several
 * workers read it, and a job stopped on 3 ranks resumed on 2 from S3 with exactly the rest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class S3ElasticTest {
    static final String BUCKET = "elastic";
    static final int[] COUNTS = {9, 4, 0, 7, 12, 5, 8, 3, 6, 8};

    @RegisterExtension
    static final S3MockExtension S3_MOCK = S3MockExtension.builder().silent().withSecureConnection(false)
            .withInitialBuckets(BUCKET).build();

    @TempDir
    static Path local;
    static Manifest manifest;

    @BeforeAll
    static void upload() throws IOException {
        manifest = TestShards.write(local, COUNTS, true);
        try (S3Client client = S3_MOCK.createS3ClientV2()) {
            TestShards.upload(client, local, BUCKET, "set");
        }
    }

    static S3ShardStore store() {
        return S3ShardStore.builder().endpoint(java.net.URI.create("http://127.0.0.1:" + S3_MOCK.getHttpPort()))
                .pathStyle(true).region("us-east-1")
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    static DataLoader<List<String>> loader(ShardedDataset shards, int workers) {
        return DataLoader.builder(shards).batchSize(4).numWorkers(workers).seed(5)
                .collate(batch -> batch.stream().map(TestShards::describe).toList()).build();
    }

    /** The global order over {@code worldSize} ranks: rank r's k-th sample is at k × worldSize + r. */
    static List<String> global(Function<Partition, ShardedDataset> dataset, int worldSize, int workers) {
        List<List<String>> ranks = new ArrayList<>();
        int total = 0;
        for (int r = 0; r < worldSize; r++) {
            List<String> mine = new ArrayList<>();
            try (var loader = loader(dataset.apply(new Partition(r, worldSize)), workers)) {
                loader.epoch(1).forEach(mine::addAll);
            }
            ranks.add(mine);
            total += mine.size();
        }
        String[] order = new String[total];
        for (int r = 0; r < worldSize; r++) {
            for (int k = 0; k < ranks.get(r).size(); k++) {
                order[k * worldSize + r] = ranks.get(r).get(k);
            }
        }
        return List.of(order);
    }

    @Test
    void elasticReadingFromS3EqualsLocalAtAnyWorldSizeAndDownloadsEachShardOnce() {
        List<String> expected = global(p -> ShardedDataset.builder(local).elastic(4).seed(3).partition(p).build(), 1, 0);
        assertEquals(62, expected.size());
        for (int worldSize : new int[] {1, 2, 3}) {
            for (int workers : new int[] {0, 2}) {
                try (S3ShardStore store = store()) {
                    List<String> remote = global(p -> store.dataset("s3://" + BUCKET + "/set").elastic(4).seed(3)
                            .partition(p).build(), worldSize, workers);
                    assertEquals(expected, remote, worldSize + " ranks x " + workers + " workers");
                    S3Statistics s = store.statistics();
                    long nonEmpty = manifest.shards().stream().filter(x -> x.samples() > 0).count();
                    assertEquals(nonEmpty, s.downloads(), "each shard once: " + s);
                    assertEquals(0, s.retries(), s.toString());
                }
            }
        }
    }

    @Test
    void aJobStoppedOnThreeRanksResumesOnTwoFromS3WithExactlyTheRest() {
        List<String> all = global(p -> ShardedDataset.builder(local).elastic(4).seed(3).partition(p).build(), 1, 0);
        try (S3ShardStore store = store()) {
            List<String> delivered = new ArrayList<>();
            List<LoaderState> states = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                try (var loader = loader(store.dataset("s3://" + BUCKET + "/set").elastic(4).seed(3)
                        .partition(new Partition(r, 3)).build(), 2)) {
                    var it = loader.epoch(1).iterator();
                    for (int k = 0; k < 2; k++) {
                        delivered.addAll(it.next());
                    }
                    states.add(loader.state());
                }
            }
            LoaderState merged = LoaderState.merge(states);
            for (int r = 0; r < 2; r++) {
                try (var loader = loader(store.dataset("s3://" + BUCKET + "/set").elastic(4).seed(3)
                        .partition(new Partition(r, 2)).build(), 0)) {
                    loader.resume(merged).forEach(delivered::addAll);
                }
            }
            assertEquals(all.size(), delivered.size());
            assertEquals(new java.util.HashSet<>(all), new java.util.HashSet<>(delivered));
            assertTrue(store.statistics().retries() == 0);
        }
    }
}
