package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.PositionedIterator;
import org.dataloader4j.data.StreamStart;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.internal.ElasticPositions;
import org.junit.jupiter.api.Test;

/**
 * Elastic streams through the loader: one global order and the same augmentation for any world size and worker
 * count; states of all ranks merged and resumed at another world size deliver exactly the rest, transforming nothing
 * twice; and a stream's own resume passes over what was delivered without transforming it.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ElasticResumeTest {
    private static final int N = 103;
    private static final int BATCH = 4;
    private static final int[] WORLD_SIZES = {1, 2, 3, 4, 8};

    /** Global positions 0 .. n-1, elastic: element p is p. */
    record Positions(long n, Partition partition) implements IterableDataset<Long> {
        @Override
        public Iterator<Long> iterator(WorkerInfo worker) {
            return iterator(worker, StreamStart.BEGINNING);
        }

        @Override
        public Iterator<Long> iterator(WorkerInfo worker, StreamStart start) {
            ElasticPositions positions = ElasticPositions.of(n, partition, worker, start);
            return new PositionedIterator<>() {
                private long last = -1;

                @Override
                public long position() {
                    return last;
                }

                @Override
                public boolean hasNext() {
                    return positions.hasNext();
                }

                @Override
                public Long next() {
                    last = positions.nextLong();
                    return last;
                }
            };
        }

        @Override
        public Optional<Partition> elasticPartition() {
            return Optional.of(partition);
        }

        @Override
        public Optional<String> fingerprint() {
            return Optional.of("Positions(" + n + ")");
        }
    }

    /** An augmented element: its position and a number drawn from its generator. */
    record Augmented(long position, long drawn) {
    }

    private static DataLoader<List<Augmented>> loader(Partition rank, int workers, AtomicLong transforms) {
        IterableDataset<Augmented> augmented = new Positions(N, rank).map((p, rng) -> {
            transforms.incrementAndGet();
            return new Augmented(p, rng.nextLong());
        });
        return DataLoader.builder(augmented).batchSize(BATCH).numWorkers(workers).seed(11)
                .collate(List::<Augmented>copyOf).build();
    }

    /** The reference: one rank, no workers, the whole epoch. */
    private static Map<Long, Long> reference() {
        Map<Long, Long> drawn = new HashMap<>();
        try (var loader = loader(Partition.SINGLE, 0, new AtomicLong())) {
            for (List<Augmented> batch : loader.epoch(2)) {
                batch.forEach(a -> drawn.put(a.position(), a.drawn()));
            }
        }
        return drawn;
    }

    @Test
    void theGlobalOrderAndTheAugmentationAreTheSameForAnyWorldSizeAndWorkers() {
        Map<Long, Long> reference = reference();
        assertEquals(N, reference.size());
        for (int ranks : WORLD_SIZES) {
            for (int workers : new int[] {0, 2, 3}) {
                for (int r = 0; r < ranks; r++) {
                    List<Augmented> seen = new ArrayList<>();
                    try (var loader = loader(new Partition(r, ranks), workers, new AtomicLong())) {
                        loader.epoch(2).forEach(seen::addAll);
                    }
                    for (int k = 0; k < seen.size(); k++) {
                        Augmented a = seen.get(k);
                        String where = "rank " + r + " of " + ranks + ", " + workers + " workers, element " + k;
                        assertEquals((long) k * ranks + r, a.position(), where);
                        assertEquals(reference.get(a.position()), a.drawn(), where);
                    }
                    assertEquals(ElasticPositions.rankSize(N, new Partition(r, ranks)), seen.size());
                }
            }
        }
    }

    @Test
    void mergedStatesResumeAtAnyWorldSizeWithExactlyTheRestTransformingNothingTwice() {
        Map<Long, Long> reference = reference();
        for (int a : WORLD_SIZES) {
            for (int b : WORLD_SIZES) {
                for (int wa : new int[] {0, 2}) {
                    for (int wb : new int[] {0, 2}) {
                        for (int cut : new int[] {0, 2, 5}) {
                            resumeAcross(reference, a, wa, b, wb, cut);
                        }
                    }
                }
            }
        }
    }

    private static void resumeAcross(Map<Long, Long> reference, int a, int wa, int b, int wb, int cut) {
        String what = a + " ranks x " + wa + " workers, " + cut + " batches each -> " + b + " ranks x " + wb;
        Map<Long, Long> delivered = new HashMap<>();
        List<LoaderState> states = new ArrayList<>();
        for (int r = 0; r < a; r++) {
            try (var loader = loader(new Partition(r, a), wa, new AtomicLong())) {
                var it = loader.epoch(2).iterator();
                for (int k = 0; k < cut && it.hasNext(); k++) {
                    for (Augmented x : it.next()) {
                        assertEquals(null, delivered.put(x.position(), x.drawn()), what);
                    }
                }
                states.add(LoaderState.fromJson(loader.state().toJson()));   // saved as a checkpoint would
            }
        }
        LoaderState merged = LoaderState.fromJson(LoaderState.merge(states).toJson());
        for (int r = 0; r < b; r++) {
            AtomicLong transforms = new AtomicLong();
            long after = 0;
            try (var loader = loader(new Partition(r, b), wb, transforms)) {
                for (List<Augmented> batch : loader.resume(merged)) {
                    for (Augmented x : batch) {
                        assertEquals(null, delivered.put(x.position(), x.drawn()), what + ": " + x + " twice");
                        after++;
                    }
                }
            }
            assertEquals(after, transforms.get(), what + ", rank " + r + ": transformed what it did not deliver");
        }
        assertEquals(reference, delivered, what);
    }

    @Test
    void aStreamsOwnResumeDoesNotTransformWhatWasDelivered() {
        for (int workers : new int[] {0, 1, 2, 3}) {
            IterableDataset<Long> numbers = worker -> LongStream.range(0, 57).filter(worker::owns).boxed().iterator();
            AtomicLong transforms = new AtomicLong();
            IterableDataset<Long> doubled = numbers.map((x, rng) -> {
                transforms.incrementAndGet();
                return x * 1000 + rng.nextInt(1000);
            });
            List<List<Long>> whole = new ArrayList<>();
            try (var loader = DataLoader.builder(doubled).batchSize(5).numWorkers(workers).seed(3)
                    .collate(List::<Long>copyOf).build()) {
                loader.epoch(0).forEach(whole::add);
            }
            for (int cut = 0; cut <= whole.size(); cut++) {
                LoaderState state;
                try (var loader = DataLoader.builder(doubled).batchSize(5).numWorkers(workers).seed(3)
                        .collate(List::<Long>copyOf).build()) {
                    var it = loader.epoch(0).iterator();
                    for (int k = 0; k < cut; k++) {
                        assertEquals(whole.get(k), it.next());
                    }
                    state = LoaderState.fromJson(loader.state().toJson());
                }
                transforms.set(0);
                List<List<Long>> rest = new ArrayList<>();
                try (var loader = DataLoader.builder(doubled).batchSize(5).numWorkers(workers).seed(3)
                        .collate(List::<Long>copyOf).build()) {
                    loader.resume(state).forEach(rest::add);
                }
                assertEquals(whole.subList(cut, whole.size()), rest, workers + " workers, cut " + cut);
                long restElements = rest.stream().mapToLong(List::size).sum();
                assertEquals(restElements, transforms.get(), workers + " workers, cut " + cut
                        + ": transformed elements it had delivered before");
            }
        }
    }

    @Test
    void mergeAndResumeRefuseWhatTheyCannotDoExactly() {
        List<LoaderState> states = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            try (var loader = loader(new Partition(r, 3), 2, new AtomicLong())) {
                loader.epoch(0).iterator().next().size();
                states.add(loader.state());
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> LoaderState.merge(states.subList(0, 2)));
        assertTrue(e.getMessage().contains("rank 2 of 3 is missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LoaderState.merge(List.of(states.get(0), states.get(1), states.get(1))));
        assertTrue(e.getMessage().contains("rank 1 of 3 has two states"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoaderState.merge(List.of()));
        assertTrue(e.getMessage().contains("got none"), e.getMessage());
        try (var otherRank = loader(new Partition(1, 3), 2, new AtomicLong())) {
            e = assertThrows(IllegalArgumentException.class, () -> otherRank.resume(states.get(0)));
            assertTrue(e.getMessage().contains("LoaderState.merge") && e.getMessage().contains("rank 0 of 3"),
                    e.getMessage());
        }
        try (var otherWorkers = loader(new Partition(0, 3), 0, new AtomicLong())) {
            e = assertThrows(IllegalArgumentException.class, () -> otherWorkers.resume(states.get(0)));
            assertTrue(e.getMessage().contains("LoaderState.merge"), e.getMessage());
        }
        LoaderState merged = LoaderState.merge(states);
        assertEquals(merged, LoaderState.merge(List.of(merged, merged)));
        IterableDataset<Long> plain = worker -> LongStream.range(0, 9).filter(worker::owns).boxed().iterator();
        try (var notElastic = DataLoader.builder(plain).batchSize(BATCH).seed(11).collate(List::<Long>copyOf)
                .build()) {
            e = assertThrows(IllegalArgumentException.class, () -> notElastic.resume(merged));
            assertTrue(e.getMessage().contains("not elastic"), e.getMessage());
            LoaderState own = notElastic.state();
            e = assertThrows(IllegalArgumentException.class, () -> LoaderState.merge(List.of(own)));
            assertTrue(e.getMessage().contains("only the states of an elastic stream"), e.getMessage());
            String v2 = own.toJson().replace("\"version\":3", "\"version\":2").replaceAll(",\"stream\":\\{.*\\}}$", "}");
            e = assertThrows(IllegalArgumentException.class, () -> notElastic.resume(LoaderState.fromJson(v2)));
            assertTrue(e.getMessage().contains("older version"), e.getMessage());
        }
    }

    /** A share whose iterator fails to close reports that in its turn, and the progress saved after it stays exact. */
    @Test
    void aShareThatFailsToCloseKeepsItsProgress() {
        for (int workers : new int[] {0, 2}) {
            IterableDataset<Long> failingClose = worker -> {
                Iterator<Long> numbers = LongStream.range(0, 10).filter(worker::owns).boxed().iterator();
                return new CloseFailing(numbers);
            };
            try (var loader = DataLoader.builder(failingClose).batchSize(2).numWorkers(workers).seed(1)
                    .collate(List::<Long>copyOf).build()) {
                var it = loader.epoch(0).iterator();
                long delivered = 0;
                int failures = 0;
                while (true) {
                    try {
                        if (!it.hasNext()) {
                            break;
                        }
                        delivered += it.next().size();
                    } catch (DataLoaderException e) {
                        failures++;
                    }
                }
                assertEquals(10, delivered, workers + " workers");
                assertTrue(failures >= 1, workers + " workers: the close failure is reported");
                long[] consumed = loader.state().stream().consumed();
                assertEquals(10, LongStream.of(consumed).sum(), workers + " workers: " + java.util.Arrays.toString(
                        consumed));
            }
        }
    }

    /** An iterator whose close fails. */
    record CloseFailing(Iterator<Long> numbers) implements Iterator<Long>, AutoCloseable {
        @Override
        public boolean hasNext() {
            return numbers.hasNext();
        }

        @Override
        public Long next() {
            return numbers.next();
        }

        @Override
        public void close() {
            throw new IllegalStateException("cannot close");
        }
    }

    /**
     * A loader with persistent workers that has just run an epoch resumes a merged state of the next one exactly (an
     * epoch its workers may have started ahead must not stand in for the resumed one).
     */
    @Test
    void aLoaderWithPersistentWorkersResumesAMergedStateOfTheNextEpochExactly() {
        java.util.Set<Long> delivered = new java.util.HashSet<>();
        List<LoaderState> states = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            try (var loader = loader(new Partition(r, 2), 2, new AtomicLong())) {
                var it = loader.epoch(1).iterator();
                for (int k = 0; k < 2; k++) {
                    it.next().forEach(a -> delivered.add(a.position()));
                }
                states.add(loader.state());
            }
        }
        LoaderState merged = LoaderState.merge(states);
        IterableDataset<Augmented> augmented = new Positions(N, Partition.SINGLE).map((p, rng) ->
                new Augmented(p, rng.nextLong()));
        try (var loader = DataLoader.builder(augmented).batchSize(BATCH).numWorkers(2).persistentWorkers(true).seed(11)
                .collate(List::<Augmented>copyOf).build()) {
            loader.epoch(0).forEach(batch -> { });
            List<Long> rest = new ArrayList<>();
            loader.resume(merged).forEach(batch -> batch.forEach(a -> rest.add(a.position())));
            for (long p : rest) {
                assertTrue(delivered.add(p), "position " + p + " was delivered before the resume");
            }
        }
        assertEquals(N, delivered.size());
    }
}
