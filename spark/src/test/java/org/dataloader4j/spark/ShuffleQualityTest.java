package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.spark.internal.TarWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ShuffleQuality's numbers on orders whose values are known, and on ShardedDataset's shard-level and buffered
 * shuffling of 64 shards of 100 samples (the measurements quoted in spark/README.md come from this test's output).
 */
class ShuffleQualityTest {
    private static final int SHARDS = 64;
    private static final int PER_SHARD = 100;
    private static final int BATCH = 64;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeShards() throws IOException {
        List<Manifest.Shard> shards = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            String file = String.format("shard-%05d.tar", s);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            for (int i = 0; i < PER_SHARD; i++) {
                String key = "s" + s + "/k" + i;
                tar.add(key + ".jpg", key.getBytes(StandardCharsets.US_ASCII));
                tar.add(key + ".cls", "0".getBytes(StandardCharsets.US_ASCII));
            }
            tar.finish();
            Files.write(dir.resolve(file), out.toByteArray());
            shards.add(new Manifest.Shard(file, PER_SHARD, out.size()));
        }
        Files.writeString(dir.resolve(Manifest.FILE_NAME), new Manifest(0, shards, List.of("only"), new double[0],
                new double[0], 0, 0, 0, List.of()).toJson());
    }

    private static List<ShardSample> load(boolean shuffleShards, int buffer, long epoch) {
        ShardedDataset ds = ShardedDataset.builder(dir).seed(11).shuffleShards(shuffleShards).shuffleBuffer(buffer)
                .build();
        List<ShardSample> out = new ArrayList<>();
        ds.iterator(WorkerInfo.single(3, epoch)).forEachRemaining(out::add);
        return out;
    }

    @Test
    void theNumbersOfKnownOrders() {
        List<ShardSample> stored = load(false, 0, 0);
        assertEquals(SHARDS * PER_SHARD, stored.size());
        ShuffleQuality same = ShuffleQuality.of(stored, stored, BATCH);
        assertEquals(0, same.displacement());
        assertEquals((double) (SHARDS * PER_SHARD - SHARDS) / (SHARDS * PER_SHARD - 1), same.sameShardPairs(), 1e-12);
        List<ShardSample> reversed = new ArrayList<>(stored.reversed());
        assertEquals(0.5, ShuffleQuality.of(stored, reversed, BATCH).displacement(), 1e-3);
        ShuffleQuality random = ShuffleQuality.randomPermutation(stored, BATCH, 5);
        assertEquals(1.0 / 3, random.displacement(), 0.02);
        double expectedSame = (double) SHARDS * PER_SHARD * (PER_SHARD - 1)
                / ((double) SHARDS * PER_SHARD * (SHARDS * PER_SHARD - 1));
        assertEquals(expectedSame, random.sameShardPairs(), 0.01);
        assertTrue(random.shardsPerWindow() > 35, random.toString()); // 64 draws from 64 shards: ~40.7 distinct
    }

    @Test
    void ordersOfOtherSamplesAreRefusedNamingOne() {
        List<ShardSample> stored = load(false, 0, 0);
        List<ShardSample> fewer = stored.subList(1, stored.size());
        assertThrows(IllegalArgumentException.class, () -> ShuffleQuality.of(stored, fewer, BATCH));
        List<ShardSample> twice = new ArrayList<>(stored);
        twice.set(0, stored.get(1));
        var e = assertThrows(IllegalArgumentException.class, () -> ShuffleQuality.of(stored, twice, BATCH));
        assertTrue(e.getMessage().contains("s0/k1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShuffleQuality.of(stored, stored, 0));
    }

    /** Shard-level shuffling alone reads shard by shard; a buffer mixes; a buffer of the whole set is near random. */
    @Test
    void bufferedShufflingApproachesARandomPermutationAsTheBufferGrows() {
        List<ShardSample> stored = load(false, 0, 0);
        ShuffleQuality random = ShuffleQuality.randomPermutation(stored, BATCH, 5);
        System.out.println("shuffle quality, " + SHARDS + " shards x " + PER_SHARD + " samples, window " + BATCH);
        System.out.println("  random permutation: " + random);
        ShuffleQuality previous = null;
        for (int buffer : new int[] {0, 100, 1_000, 3_200, 6_400}) {
            ShuffleQuality q = ShuffleQuality.of(stored, load(true, buffer, 1), BATCH);
            System.out.println("  shuffleShards + buffer " + buffer + ": " + q);
            if (previous != null) {
                assertTrue(q.sameShardPairs() <= previous.sameShardPairs() + 0.01, q + " after " + previous);
                assertTrue(q.shardsPerWindow() >= previous.shardsPerWindow() - 0.5, q + " after " + previous);
            }
            previous = q;
        }
        assertTrue(previous.sameShardPairs() < 3 * random.sameShardPairs() + 0.01, previous + " vs " + random);
        assertTrue(previous.shardsPerWindow() > 0.8 * random.shardsPerWindow(), previous + " vs " + random);
        ShuffleQuality shardsOnly = ShuffleQuality.of(stored, load(true, 0, 1), BATCH);
        assertTrue(shardsOnly.sameShardPairs() > 0.95, "without a buffer, samples come shard by shard: " + shardsOnly);
    }

    /** The elastic order mixes batches across its canonical streams: more streams, more shards per batch. */
    @Test
    void elasticInterleavingMixesBatchesAcrossTheCanonicalStreams() {
        List<ShardSample> stored = load(false, 0, 0);
        ShuffleQuality random = ShuffleQuality.randomPermutation(stored, BATCH, 5);
        System.out.println("shuffle quality of elastic(streams), " + SHARDS + " shards x " + PER_SHARD + " samples, window "
                + BATCH);
        ShuffleQuality previous = null;
        for (int streams : new int[] {1, 8, 16, 32, 64}) {
            ShardedDataset ds = ShardedDataset.builder(dir).seed(11).elastic(streams).build();
            List<ShardSample> order = new ArrayList<>();
            ds.iterator(new WorkerInfo(0, 1, 3, 1, null, BATCH, 9)).forEachRemaining(order::add);
            ShuffleQuality q = ShuffleQuality.of(stored, order, BATCH);
            System.out.println("  elastic(" + streams + "): " + q);
            if (previous != null) {
                assertTrue(q.shardsPerWindow() > previous.shardsPerWindow(), q + " after " + previous);
                assertTrue(q.sameShardPairs() < 0.01, "consecutive samples come from different streams: " + q);
            }
            previous = q;
        }
        assertTrue(previous.shardsPerWindow() > 0.8 * random.shardsPerWindow(), previous + " vs " + random);
    }
}
