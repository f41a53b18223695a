package org.dataloader4j.bench.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.s3.S3Statistics;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RemoteShardBenchmark} end to end at a tiny size (24 small JPEGs cut into 4 and 8 shards, S3Mock in this
 * JVM), so that the benchmark keeps working; it checks what was delivered and counted, never how fast.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RemoteShardBenchmarkTest {
    @TempDir
    Path images;
    @TempDir
    Path work;

    private void writeImages(int classes, int perClass) throws IOException {
        Random random = new Random(5);
        for (int c = 0; c < classes; c++) {
            Path dir = Files.createDirectories(images.resolve("class_" + c));
            for (int i = 0; i < perClass; i++) {
                BufferedImage image = new BufferedImage(40 + random.nextInt(30), 30 + random.nextInt(30),
                        BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = image.createGraphics();
                g.setColor(new Color(random.nextInt(1 << 24)));
                g.fillRect(0, 0, image.getWidth(), image.getHeight());
                g.dispose();
                ImageIO.write(image, "jpg", dir.resolve("img " + i + ".jpg").toFile());
            }
        }
    }

    @Test
    void localAndRemoteRunsDeliverEverySampleWithinTheCacheBound() throws IOException {
        writeImages(3, 8);
        RemoteShardBenchmark.Config config = RemoteShardBenchmark.parse("--images", images.toString(), "--limit", "24",
                "--shards", "4,8", "--rounds", "1", "--workers", "2", "--batch-size", "4", "--crop", "32",
                "--shuffle-buffer", "8", "--cache-fraction", "0.3", "--download-threads", "2",
                "--server", "in-process", "--work", work.toString());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        RemoteShardBenchmark.Report report = RemoteShardBenchmark.run(config, new PrintStream(printed, true,
                StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);

        assertTrue(report.passed(), text);
        assertEquals(24, report.totalSamples());
        // a warm-up and one round, local and remote, for each shard count
        assertEquals(2 * 2 * 2, report.runs().size(), text);
        for (RemoteShardBenchmark.Run r : report.runs()) {
            assertEquals(24, r.samples(), "every sample once: " + r);
            assertTrue(r.seconds() > 0 && r.peaks().rss() > 0 && r.peaks().heap() > 0, r.toString());
            if (r.mode().equals("remote")) {
                S3Statistics s = r.s3();
                long largest = report.largestShard().get(r.shards());
                assertTrue(s.downloads() > 0 && s.bytesDownloaded() > 0, "a cache smaller than the set downloads"
                        + " again every epoch: " + r);
                assertTrue(s.peakCacheBytes() <= s.cacheLimit() + largest, r.toString());
                assertTrue(r.peaks().cacheFiles() <= s.cacheLimit() + largest, r.toString());
                assertTrue(r.peaks().cacheFiles() > 0, "the sampler saw the cache folder: " + r);
                assertEquals(0, s.retries(), r.toString());
            } else {
                assertEquals(null, r.s3(), r.toString());
            }
        }
        assertTrue(text.contains("| 4 |") && text.contains("| 8 |"), "a summary row per shard count:\n" + text);
        assertTrue(text.contains("cache bound held"), text);
        try (var left = Files.list(work)) {
            assertEquals(List.of(), left.toList(), "the run's folder is deleted");
        }
    }

    @Test
    void theShardSetsHoldTheSameSamplesHoweverManyShards(@TempDir Path few, @TempDir Path many) throws IOException {
        writeImages(2, 10);
        ShardSetWriter.Folder folder = ShardSetWriter.list(images, 100);
        Manifest a = ShardSetWriter.write(folder, 3, 7, few);
        Manifest b = ShardSetWriter.write(folder, 20, 7, many);
        assertEquals(3, a.shards().size());
        assertEquals(20, b.shards().size());
        assertTrue(a.checksummed() && b.checksummed());
        List<String> fromFew = keys(few);
        assertEquals(20, fromFew.size());
        assertEquals(fromFew, keys(many));
        assertTrue(fromFew.contains("class_1/img_9 1"), "keys are class/stem with unsafe characters replaced: "
                + fromFew);
    }

    private static List<String> keys(Path shards) {
        // verifies every shard's SHA-256 against the manifest on its first open
        List<String> keys = new java.util.ArrayList<>();
        try (DataLoader<List<String>> loader = DataLoader.builder(ShardedDataset.builder(shards).build()).batchSize(7)
                .collate(batch -> batch.stream().map(s -> s.key() + " " + s.label()).toList()).build()) {
            for (List<String> batch : loader.epoch(0)) {
                keys.addAll(batch);
            }
        }
        return keys.stream().sorted().toList();
    }

    @Test
    void aPeakAboveTheLimitPlusOneShardIsAViolationCountedOrOnDisk() {
        long limit = 1000;
        long largest = 300;
        S3Statistics within = stats(limit + largest, limit);
        assertEquals(List.of(), RemoteShardBenchmark.cacheViolations(within, limit + largest, largest));
        List<String> counted = RemoteShardBenchmark.cacheViolations(stats(limit + largest + 1, limit), 0, largest);
        assertEquals(1, counted.size());
        assertTrue(counted.getFirst().contains("peak cache bytes 1301 exceed the limit 1000"), counted.toString());
        List<String> onDisk = RemoteShardBenchmark.cacheViolations(within, limit + largest + 1, largest);
        assertEquals(1, onDisk.size());
        assertTrue(onDisk.getFirst().contains("held 1301 bytes on disk"), onDisk.toString());
    }

    private static S3Statistics stats(long peak, long limit) {
        return new S3Statistics(0, 0, 0, 0, 0, 0, 0, 0, 0, peak, limit);
    }

    @Test
    void unknownOptionsAndBadValuesAreRefusedNamingThem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> RemoteShardBenchmark.parse("--shard", "64"));
        assertTrue(unknown.getMessage().contains("--shard"), unknown.getMessage());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> RemoteShardBenchmark.parse("--rounds", "three"));
        assertTrue(notANumber.getMessage().contains("--rounds must be an integer, but got \"three\""),
                notANumber.getMessage());
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> RemoteShardBenchmark.parse("--cache-fraction", "1.5"));
        assertTrue(fraction.getMessage().contains("--cache-fraction"), fraction.getMessage());
    }
}
