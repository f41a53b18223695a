package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.dataloader4j.data.ChainDataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.ShuffleBuffer;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.DataLoaderException;
import org.dataloader4j.spark.internal.ImageCodec;
import org.dataloader4j.spark.internal.ShardReport;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.dataloader4j.testing.NoLeftoversExtension;
import org.dataloader4j.testing.ReleaseCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * A loader over shards written by {@link ShardWriter} (real PNG images) releases every shard stream it opened, at
 * 0, 1, 2 and 4 workers, decoded and wrapped in map, chain and shuffle buffers: when the consumer stops after any
 * number of batches, when the epoch ends, and when a transform fails; no worker thread is left.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ShardedDatasetReleaseTest {
    /** Samples per shard: uneven; 3 shards, 13 samples. */
    private static final int[] COUNTS = {6, 3, 4};
    private static final List<String> CLASSES = List.of("red", "green", "blue");
    private static final int[] WORKERS = {0, 1, 2, 4};

    @TempDir
    static Path dir;

    private static final List<String> KEYS = new ArrayList<>();

    @BeforeAll
    static void writeShardsWithTheShardWriter() throws IOException {
        ShardJob.Options options = ShardJob.options(COUNTS.length);
        ShardWriter writer = new ShardWriter(dir.toString(), options);
        List<Manifest.Shard> shards = new ArrayList<>();
        for (int s = 0; s < COUNTS.length; s++) {
            List<Tuple2<ShardJob.Place, ShardJob.Input>> samples = new ArrayList<>();
            for (int i = 0; i < COUNTS[s]; i++) {
                String key = "s" + s + "_" + i;
                int label = (s + i) % CLASSES.size();
                byte[] rgb = new byte[5 * 4 * 3];
                for (int p = 0; p < rgb.length; p++) {
                    rgb[p] = (byte) (p % 3 == label ? 200 + i : 10 * s);
                }
                byte[] png;
                try (Image image = Image.of(Image.Mode.RGB, 5, 4, rgb)) {
                    png = ImageCodec.encodePng(image);
                }
                samples.add(new Tuple2<>(new ShardJob.Place(s, i, key), new ShardJob.Input(key, null, png, label)));
                KEYS.add(key);
            }
            Iterator<ShardReport> reports = writer.call(s, samples.iterator());
            ShardReport report = reports.next();
            assertEquals(COUNTS[s], report.samples);
            shards.add(new Manifest.Shard(report.file, report.samples, report.bytes));
        }
        Manifest m = new Manifest(0, shards, CLASSES, new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(dir.resolve(Manifest.FILE_NAME), m.toJson());
    }

    /** An opener of local files that counts the streams it opened and their closes. */
    private static final class CountingOpener implements Function<String, InputStream> {
        final ReleaseCounter counter = new ReleaseCounter();

        @Override
        public InputStream apply(String where) {
            try {
                InputStream in = Files.newInputStream(Path.of(where));
                ReleaseCounter.Handle handle = counter.opened();
                return new FilterInputStream(in) {
                    @Override
                    public void close() throws IOException {
                        handle.close();
                        super.close();
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void assertReleased(String what) {
            assertTrue(counter.opens() > 1, what + ": no shard was opened: " + counter.counts());
            counter.assertReleased(what);
        }
    }

    /** Builds a {@link ShardedDataset} of the test's shards, reading them through the counting opener. */
    @FunctionalInterface
    private interface Shards {
        ShardedDataset build(UnaryOperator<ShardedDataset.Builder> options);
    }

    private record Wrapper(String name, Function<Shards, IterableDataset<Sample<Image>>> wrap) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Wrapper> WRAPPERS = List.of(
            new Wrapper("decoded", shards -> shards.build(b -> b).decoded()),
            new Wrapper("decoded through the dataset's shuffle buffer",
                    shards -> shards.build(b -> b.shuffleBuffer(4)).decoded()),
            new Wrapper("shuffle buffer, then decoded",
                    shards -> new ShuffleBuffer<>(shards.build(b -> b), 3).map(ShardedDataset.decodeRGB())),
            new Wrapper("decoded, mapped again", shards -> shards.build(b -> b).decoded()
                    .map((s, rng) -> new Sample<>(s.input(), s.target() + 0))),
            new Wrapper("chain of two decoded sets", shards -> ChainDataset.of(shards.build(b -> b).decoded(),
                    shards.build(b -> b.seed(9)).decoded())));

    private static IterableDataset<Sample<Image>> counted(Wrapper w, CountingOpener opener) {
        return w.wrap.apply(options -> options.apply(
                ShardedDataset.builder(dir.resolve(Manifest.FILE_NAME).toString(), opener)).build());
    }

    private static DataLoader<List<Long>> loader(IterableDataset<Sample<Image>> stream, int workers,
                                                 boolean persistent) {
        return DataLoader.builder(stream).batchSize(2).numWorkers(workers).persistentWorkers(persistent).seed(3)
                .collate(batch -> {
                    List<Long> labels = new ArrayList<>();
                    for (Sample<Image> s : batch) {
                        s.input().close();
                        labels.add((long) s.target());
                    }
                    return labels;
                }).build();
    }



    private static int batchesOfAnEpoch(Wrapper w, int workers) {
        try (DataLoader<List<Long>> loader = loader(counted(w, new CountingOpener()), workers, false)) {
            int n = 0;
            for (List<Long> ignored : loader.epoch(0)) {
                n++;
            }
            return n;
        }
    }

    @Test
    void stoppingAfterAnyNumberOfBatchesClosesEveryShardStream() throws InterruptedException {
        for (Wrapper w : WRAPPERS) {
            for (int workers : WORKERS) {
                int batches = batchesOfAnEpoch(w, workers);
                assertTrue(batches >= 4, w + " at " + workers + " workers: " + batches + " batches");
                for (int stop = 0; stop <= batches; stop++) {
                    String what = w + " at " + workers + " workers, stopping after " + stop + " batches";
                    CountingOpener opener = new CountingOpener();
                    int seen = 0;
                    try (DataLoader<List<Long>> loader = loader(counted(w, opener), workers, false)) {
                        for (List<Long> labels : loader.epoch(0)) {
                            if (seen == stop) {
                                break;
                            }
                            assertTrue(labels.stream().allMatch(l -> l >= 0 && l < CLASSES.size()), what);
                            seen++;
                        }
                    }
                    assertEquals(stop, seen, what);
                    NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                    opener.assertReleased(what);
                }
            }
        }
    }

    @Test
    void anEpochThatEndsHasClosedEveryShardStreamBeforeTheLoaderCloses() throws InterruptedException {
        for (Wrapper w : WRAPPERS) {
            for (int workers : WORKERS) {
                for (boolean persistent : workers == 0 ? new boolean[] {false} : new boolean[] {false, true}) {
                    String what = w + " at " + workers + " workers" + (persistent ? " (persistent)" : "");
                    CountingOpener opener = new CountingOpener();
                    try (DataLoader<List<Long>> loader = loader(counted(w, opener), workers, persistent)) {
                        List<Long> labels = new ArrayList<>();
                        for (List<Long> batch : loader.epoch(0)) {
                            labels.addAll(batch);
                        }
                        assertEquals(w.name.startsWith("chain") ? 2 * KEYS.size() : KEYS.size(), labels.size(), what);
                        opener.assertReleased(what + ", epoch over");
                    }
                    NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                    opener.assertReleased(what);
                }
            }
        }
    }

    @Test
    void aTransformFailingAtAnySampleClosesEveryShardStream() throws InterruptedException {
        for (int workers : WORKERS) {
            for (String bad : KEYS) {
                String what = workers + " workers, the transform failing at " + bad;
                CountingOpener opener = new CountingOpener();
                ShardedDataset ds = ShardedDataset.builder(dir.resolve(Manifest.FILE_NAME).toString(), opener).build();
                IterableDataset<Sample<Image>> failing = ds.map((s, rng) -> {
                    if (s.key().equals(bad)) {
                        throw new IllegalStateException("cannot augment " + s.key());
                    }
                    return s.decode();
                });
                try (DataLoader<List<Long>> loader = loader(failing, workers, false)) {
                    DataLoaderException e = assertThrows(DataLoaderException.class, () -> {
                        for (List<Long> ignored : loader.epoch(0)) {
                            // consume until the failure surfaces
                        }
                    }, what);
                    assertTrue(e.getCause() instanceof IllegalStateException
                            && e.getCause().getMessage().equals("cannot augment " + bad), what + ": " + e);
                    // the epoch goes on after a failed batch, so other workers' shards may still be open here
                }
                NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                opener.assertReleased(what);
            }
        }
    }
}
