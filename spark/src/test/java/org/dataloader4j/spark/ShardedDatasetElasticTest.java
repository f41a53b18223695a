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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.ShardSplit;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.LoaderState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ShardedDataset.elastic}: one global order of the shards' samples for any world size and worker count,
 * states of all ranks merged and resumed on another world size with exactly the samples not yet delivered (shards of
 * unequal sizes, one empty), resumes that pass over delivered samples without transforming them, and what it refuses.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ShardedDatasetElasticTest {
    /** Samples per shard: unequal, one empty; 47 samples in 8 shards. */
    static final int[] COUNTS = {7, 0, 3, 10, 5, 12, 1, 9};
    static final int STREAMS = 6;
    static final int BATCH = 3;
    static final int[] WORLD_SIZES = {1, 2, 3, 4, 8};

    @TempDir
    static Path dir;

    static final Set<String> ALL = new HashSet<>();

    @BeforeAll
    static void writeShards() throws IOException {
        ShardedDatasetTest.writeShardSet(dir, COUNTS, false);
        for (int s = 0; s < COUNTS.length; s++) {
            for (int i = 0; i < COUNTS[s]; i++) {
                ALL.add("s" + s + "/k" + i);
            }
        }
    }

    /** A sample's key and a number from its generator, as an augmentation would draw it. */
    record Seen(String key, long drawn) {
    }

    static DataLoader<List<Seen>> loader(ShardedDataset shards, int workers, AtomicLong transforms) {
        IterableDataset<Seen> seen = shards.map((s, rng) -> {
            transforms.incrementAndGet();
            return new Seen(s.key(), rng.nextLong());
        });
        return DataLoader.builder(seen).batchSize(BATCH).numWorkers(workers).seed(21).collate(List::<Seen>copyOf)
                .build();
    }

    static ShardedDataset elastic(Partition rank) {
        return ShardedDataset.builder(dir).elastic(STREAMS).seed(4).partition(rank).build();
    }

    /** The global order of epoch 1 on one rank without workers. */
    static List<Seen> reference() {
        List<Seen> order = new ArrayList<>();
        try (var loader = loader(elastic(Partition.SINGLE), 0, new AtomicLong())) {
            loader.epoch(1).forEach(order::addAll);
        }
        return order;
    }

    @Test
    void oneGlobalOrderForAnyWorldSizeAndWorkers() {
        List<Seen> reference = reference();
        assertEquals(ALL, new HashSet<>(reference.stream().map(Seen::key).toList()));
        assertEquals(ALL.size(), reference.size());
        for (int ranks : WORLD_SIZES) {
            for (int workers : new int[] {0, 2, 3}) {
                Seen[] global = new Seen[reference.size()];
                for (int r = 0; r < ranks; r++) {
                    Partition rank = new Partition(r, ranks);
                    ShardedDataset shards = elastic(rank);
                    List<Seen> mine = new ArrayList<>();
                    try (var loader = loader(shards, workers, new AtomicLong())) {
                        loader.epoch(1).forEach(mine::addAll);
                    }
                    assertEquals(shards.shareSize(rank, workers, 1), mine.size());
                    for (int k = 0; k < mine.size(); k++) {
                        global[k * ranks + r] = mine.get(k);
                    }
                }
                assertEquals(reference, List.of(global), ranks + " ranks x " + workers + " workers");
            }
        }
    }

    @Test
    void theOrderChangesWithTheEpochAndTheBatchesMixShards() {
        List<String> epoch1 = reference().stream().map(Seen::key).toList();
        List<String> epoch2 = new ArrayList<>();
        try (var loader = loader(elastic(Partition.SINGLE), 0, new AtomicLong())) {
            loader.epoch(2).forEach(b -> b.forEach(s -> epoch2.add(s.key())));
        }
        assertTrue(!epoch1.equals(epoch2), "the same order in two epochs");
        assertEquals(new HashSet<>(epoch1), new HashSet<>(epoch2));
        int sameShardNeighbours = 0;
        for (int i = 1; i < epoch1.size(); i++) {
            if (shardOf(epoch1.get(i)).equals(shardOf(epoch1.get(i - 1)))) {
                sameShardNeighbours++;
            }
        }
        assertTrue(sameShardNeighbours < epoch1.size() / 3, "interleaving should mix shards: " + epoch1);
    }

    private static String shardOf(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    @Test
    void mergedStatesResumeAtAnyWorldSizeWithExactlyTheRest() {
        List<Seen> reference = reference();
        Map<String, Long> expected = new HashMap<>();
        reference.forEach(s -> expected.put(s.key(), s.drawn()));
        for (int a : WORLD_SIZES) {
            for (int b : WORLD_SIZES) {
                for (int wa : new int[] {0, 2}) {
                    for (int wb : new int[] {0, 2}) {
                        for (int cut : new int[] {0, 1, 3}) {
                            String what = a + "x" + wa + " after " + cut + " batches -> " + b + "x" + wb;
                            Map<String, Long> delivered = new HashMap<>();
                            List<LoaderState> states = new ArrayList<>();
                            for (int r = 0; r < a; r++) {
                                try (var loader = loader(elastic(new Partition(r, a)), wa, new AtomicLong())) {
                                    var it = loader.epoch(1).iterator();
                                    for (int k = 0; k < cut && it.hasNext(); k++) {
                                        for (Seen s : it.next()) {
                                            assertEquals(null, delivered.put(s.key(), s.drawn()), what);
                                        }
                                    }
                                    states.add(LoaderState.fromJson(loader.state().toJson()));
                                }
                            }
                            LoaderState merged = LoaderState.merge(states);
                            for (int r = 0; r < b; r++) {
                                AtomicLong transforms = new AtomicLong();
                                long after = 0;
                                try (var loader = loader(elastic(new Partition(r, b)), wb, transforms)) {
                                    for (List<Seen> batch : loader.resume(merged)) {
                                        for (Seen s : batch) {
                                            assertEquals(null, delivered.put(s.key(), s.drawn()), what + ": " + s.key()
                                                    + " delivered twice");
                                            after++;
                                        }
                                    }
                                }
                                assertEquals(after, transforms.get(), what + ": decoded what it did not deliver");
                            }
                            assertEquals(expected, delivered, what);
                        }
                    }
                }
            }
        }
    }

    /** An opener that counts the shards it opens and the bytes read from them. */
    static final class CountingOpener implements java.util.function.Function<String, InputStream> {
        final AtomicLong shardsOpened = new AtomicLong();
        final AtomicLong bytesRead = new AtomicLong();

        @Override
        public InputStream apply(String where) {
            try {
                InputStream in = Files.newInputStream(Path.of(where));
                if (where.endsWith(Manifest.FILE_NAME)) {
                    return in;
                }
                shardsOpened.incrementAndGet();
                return new FilterInputStream(in) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        bytesRead.addAndGet(b < 0 ? 0 : 1);
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = super.read(buf, off, len);
                        bytesRead.addAndGet(Math.max(0, n));
                        return n;
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void aResumedShareOfWholeShardsPassesOverWhatWasDeliveredWithoutReadingIt() {
        String manifest = dir.resolve(Manifest.FILE_NAME).toString();
        for (int workers : new int[] {0, 2}) {
            List<List<Seen>> whole = new ArrayList<>();
            CountingOpener full = new CountingOpener();
            ShardedDataset shards = ShardedDataset.builder(manifest, full).seed(4).verifyChecksums(false).build();
            try (var loader = loader(shards, workers, new AtomicLong())) {
                loader.epoch(0).forEach(whole::add);
            }
            int cut = whole.size() - 1;
            LoaderState state;
            try (var loader = loader(shards, workers, new AtomicLong())) {
                var it = loader.epoch(0).iterator();
                for (int k = 0; k < cut; k++) {
                    assertEquals(whole.get(k), it.next());
                }
                state = loader.state();
            }
            CountingOpener resumed = new CountingOpener();
            AtomicLong transforms = new AtomicLong();
            List<List<Seen>> rest = new ArrayList<>();
            ShardedDataset again = ShardedDataset.builder(manifest, resumed).seed(4).verifyChecksums(false).build();
            try (var loader = loader(again, workers, transforms)) {
                loader.resume(state).forEach(rest::add);
            }
            assertEquals(whole.subList(cut, whole.size()), rest, workers + " workers");
            assertEquals(rest.stream().mapToLong(List::size).sum(), transforms.get(), workers + " workers");
            assertTrue(resumed.shardsOpened.get() < full.shardsOpened.get() / 2 + 1, workers + " workers: opened "
                    + resumed.shardsOpened + " shards to resume the last batch (a whole epoch opens " + full.shardsOpened
                    + ")");
            assertTrue(resumed.bytesRead.get() < full.bytesRead.get() / 2, workers + " workers: read "
                    + resumed.bytesRead + " bytes to resume the last batch (a whole epoch reads " + full.bytesRead + ")");
        }
    }

    @Test
    void elasticRefusesWhatWouldChangeItsOrderWithTheWorldSize() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ShardedDataset.builder(dir).elastic(4).shuffleBuffer(10).build());
        assertTrue(e.getMessage().contains("shuffleBuffer(10)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ShardedDataset.builder(dir).elastic(4).split(ShardSplit.ELEMENTS).build());
        assertTrue(e.getMessage().contains("split(ELEMENTS)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShardedDataset.builder(dir).elastic(0));
        assertTrue(e.getMessage().contains("canonicalStreams"), e.getMessage());
        ShardedDataset rank1 = elastic(new Partition(1, 3));
        assertEquals(java.util.Optional.of(new Partition(1, 3)), rank1.elasticPartition());
        assertEquals(elastic(Partition.SINGLE).fingerprint(), rank1.fingerprint());
        assertTrue(ShardedDataset.builder(dir).build().elasticPartition().isEmpty());
    }
}
