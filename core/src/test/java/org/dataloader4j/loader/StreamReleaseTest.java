package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.dataloader4j.data.ChainDataset;
import org.dataloader4j.data.CountingStream;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.ShuffleBuffer;
import org.dataloader4j.testing.NoLeftoversExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A loader over a stream releases every iterator it opened, through every wrapper, at 0, 1, 2 and 4 workers: when
 * the consumer stops after any number of batches (closing the epoch's iterator, or breaking out of the loop and
 * closing the loader), when the epoch ends, and when the source or a transform fails; and no worker thread is left.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@org.junit.jupiter.api.extension.ExtendWith(NoLeftoversExtension.class)
class StreamReleaseTest {
    private static final long SIZE = 11;
    private static final int[] WORKERS = {0, 1, 2, 4};

    private record Wrapper(String name, UnaryOperator<IterableDataset<Long>> wrap) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Wrapper> WRAPPERS = List.of(
            new Wrapper("plain", s -> s),
            new Wrapper("map", s -> s.map((x, rng) -> x * 10)),
            new Wrapper("chain(map, plain)", s -> ChainDataset.of(s.map((x, rng) -> x + 100), s)),
            new Wrapper("shuffle(map)", s -> new ShuffleBuffer<>(s.map((x, rng) -> x), 3)),
            new Wrapper("map(shuffle(chain))", s -> new ShuffleBuffer<>(ChainDataset.of(s, s), 2)
                    .map((x, rng) -> x)));

    private static DataLoader<List<Long>> loader(IterableDataset<Long> stream, int workers, boolean persistent) {
        return DataLoader.builder(stream).batchSize(2).numWorkers(workers).persistentWorkers(persistent).seed(5)
                .collate(List::copyOf).build();
    }



    private static void assertReleased(CountingStream source, String what) {
        assertTrue(source.opens() > 0 || what.contains("after 0"), what + ": nothing was opened");
        source.assertReleased(what);
    }

    private static int batchesOfAnEpoch(Wrapper w, int workers) {
        try (DataLoader<List<Long>> loader = loader(w.wrap.apply(new CountingStream(SIZE)), workers, false)) {
            int n = 0;
            for (List<Long> ignored : loader.epoch(0)) {
                n++;
            }
            return n;
        }
    }

    @Test
    void closingTheEpochAfterAnyNumberOfBatchesReleasesEveryIterator() throws InterruptedException {
        for (Wrapper w : WRAPPERS) {
            for (int workers : WORKERS) {
                int batches = batchesOfAnEpoch(w, workers);
                assertTrue(batches >= 6, w + " at " + workers + " workers: " + batches + " batches");
                for (int stop = 0; stop <= batches; stop++) {
                    String what = w + " at " + workers + " workers, closing the epoch after " + stop + " batches";
                    CountingStream source = new CountingStream(SIZE);
                    try (DataLoader<List<Long>> loader = loader(w.wrap.apply(source), workers, false)) {
                        LoaderIterator<List<Long>> it = loader.epoch(0).iterator();
                        for (int b = 0; b < stop; b++) {
                            it.next();
                        }
                        it.close();
                        assertReleased(source, what);   // before the loader is closed
                    }
                    NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                    assertReleased(source, what);
                }
            }
        }
    }

    @Test
    void breakingOutOfTheLoopAndClosingTheLoaderReleasesEveryIterator() throws InterruptedException {
        for (Wrapper w : WRAPPERS) {
            for (int workers : WORKERS) {
                for (boolean persistent : workers == 0 ? new boolean[] {false} : new boolean[] {false, true}) {
                    int batches = batchesOfAnEpoch(w, workers);
                    for (int stop = 0; stop <= batches; stop++) {
                        String what = w + " at " + workers + " workers" + (persistent ? " (persistent)" : "")
                                + ", breaking out after " + stop + " batches";
                        CountingStream source = new CountingStream(SIZE);
                        int seen = 0;
                        try (DataLoader<List<Long>> loader = loader(w.wrap.apply(source), workers, persistent)) {
                            for (List<Long> ignored : loader.epoch(0)) {
                                if (seen == stop) {
                                    break;
                                }
                                seen++;
                            }
                        }
                        assertEquals(stop, seen, what);
                        NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                        assertReleased(source, what);
                    }
                }
            }
        }
    }

    @Test
    void anEpochThatEndsHasReleasedEveryIteratorBeforeAnythingIsClosed() throws InterruptedException {
        for (Wrapper w : WRAPPERS) {
            for (int workers : WORKERS) {
                for (boolean persistent : workers == 0 ? new boolean[] {false} : new boolean[] {false, true}) {
                    String what = w + " at " + workers + " workers" + (persistent ? " (persistent)" : "");
                    CountingStream source = new CountingStream(SIZE);
                    try (DataLoader<List<Long>> loader = loader(w.wrap.apply(source), workers, persistent)) {
                        for (int epoch = 0; epoch < 2; epoch++) {
                            List<Long> all = new ArrayList<>();
                            for (List<Long> batch : loader.epoch(epoch)) {
                                all.addAll(batch);
                            }
                            assertEquals(w.name.contains("chain") ? 2 * SIZE : SIZE, all.size(), what);
                            // the epoch's iterator has told the loop it is over, and was never closed by the caller
                            assertReleased(source, what + ", epoch " + epoch + " over");
                        }
                    }
                    NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                    assertReleased(source, what);
                }
            }
        }
    }

    @Test
    void aFailingSourceAtAnyPositionReleasesEveryIterator() throws InterruptedException {
        for (Wrapper w : WRAPPERS) {
            for (int workers : WORKERS) {
                for (long failAt = 0; failAt < SIZE; failAt++) {
                    String what = w + " at " + workers + " workers, the source failing at " + failAt;
                    CountingStream source = new CountingStream(SIZE, failAt, false);
                    try (DataLoader<List<Long>> loader = loader(w.wrap.apply(source), workers, false)) {
                        DataLoaderException e = assertThrows(DataLoaderException.class, () -> {
                            for (List<Long> ignored : loader.epoch(0)) {
                                // consume until the failure surfaces
                            }
                        }, what);
                        assertTrue(hasCause(e, CountingStream.SourceFailure.class), what + ": " + e);
                        // the epoch goes on after a failed batch (at any worker count), so the other shares may
                        // still be open here; closing the loader must release every one of them (checked below)
                    }
                    NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                    assertReleased(source, what);
                }
            }
        }
    }

    @Test
    void aTransformThatThrowsMidStreamReleasesEveryIterator() throws InterruptedException {
        for (int workers : WORKERS) {
            for (long failAt = 0; failAt < SIZE; failAt++) {
                final long bad = failAt;
                String what = workers + " workers, the transform failing at " + failAt;
                CountingStream source = new CountingStream(SIZE);
                IterableDataset<Long> mapped = source.map((x, rng) -> {
                    if (x == bad) {
                        throw new IllegalArgumentException("bad element " + x);
                    }
                    return x;
                });
                for (Wrapper outer : List.of(new Wrapper("map", s -> s),
                        new Wrapper("shuffle(map)", s -> new ShuffleBuffer<>(s, 2)),
                        new Wrapper("chain(map)", s -> ChainDataset.of(s)))) {
                    try (DataLoader<List<Long>> loader = loader(outer.wrap.apply(mapped), workers, false)) {
                        DataLoaderException e = assertThrows(DataLoaderException.class, () -> {
                            for (List<Long> ignored : loader.epoch(0)) {
                                // consume until the failure surfaces
                            }
                        }, what);
                        assertTrue(hasCause(e, IllegalArgumentException.class), what + ": " + e);
                    }
                    assertReleased(source, what + " in " + outer + ", once the loader is closed");
                }
                NoLeftoversExtension.assertNoWorkerLeft("after " + what);
                assertReleased(source, what);
            }
        }
    }

    @Test
    void aSourceThatFailsToCloseAtTheEndOfItsShareIsAnError() {
        for (int workers : WORKERS) {
            for (boolean mapped : new boolean[] {false, true}) {
                String what = workers + " workers" + (mapped ? ", mapped" : "");
                CountingStream source = new CountingStream(SIZE, -1, true);
                IterableDataset<Long> stream = mapped ? source.map((x, rng) -> x) : source;
                try (DataLoader<List<Long>> loader = loader(stream, workers, false)) {
                    DataLoaderException e = assertThrows(DataLoaderException.class, () -> {
                        for (List<Long> ignored : loader.epoch(0)) {
                            // consume to the end
                        }
                    }, what);
                    assertTrue(hasMessage(e, "closing the counting stream fails"), what + ": " + e);
                }
                assertEquals(source.opens(), source.closes(), what + ": " + source.counts());
                assertEquals(0, source.doubleCloses(), what + ": " + source.counts());
            }
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasMessage(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }
}
