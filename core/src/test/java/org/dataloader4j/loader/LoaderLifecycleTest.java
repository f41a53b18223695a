package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.sampler.BatchSampler;
import org.dataloader4j.testing.NoLeftoversExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loader's life cycle under stress: closing from another thread while the consumer waits, interrupts,
 * timeouts with work that ignores interrupts, empty batches, samplers that fail while planning, starting
 * epochs over open ones, and checkpoints taken at every point. Each waiting test has a watchdog.
 */
@ExtendWith(NoLeftoversExtension.class)
class LoaderLifecycleTest {
    private static final Duration WATCHDOG = Duration.ofSeconds(15);

    /**
     * Sample {@code i} is {@code i}; sample {@code stuckAt} spins on the CPU, ignoring interrupts, until
     * {@code release} is set (or 5 s pass, so that a failing test cannot leave a thread spinning forever).
     */
    /** True while a stuck sample (or stream) spins: a consumer that returned while it is true did not wait for it. */
    private final AtomicBoolean spinning = new AtomicBoolean();

    /** Spins on the CPU, ignoring interrupts, until {@code release} is set (or 10 s pass, so no thread spins on). */
    private void spin(AtomicBoolean release) {
        spinning.set(true);
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!release.get() && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }
        spinning.set(false);
    }

    private Dataset<Long> stuckAt(long n, long stuckAt, AtomicBoolean release, CountDownLatch entered) {
        return new Dataset<>() {
            @Override
            public long size() {
                return n;
            }

            @Override
            public Long get(long index) {
                if (index == stuckAt) {
                    entered.countDown();
                    spin(release);
                }
                return index;
            }
        };
    }

    private enum Closer { LOADER, ITERATOR }

    @ParameterizedTest(name = "{0} workers, persistent={1}, close the {2}")
    @CsvSource({"1,false,LOADER", "2,false,LOADER", "4,false,LOADER", "2,true,LOADER", "4,true,LOADER",
        "1,false,ITERATOR", "2,false,ITERATOR", "2,true,ITERATOR", "4,true,ITERATOR"})
    void closingFromAnotherThreadWakesAWaitingConsumerWithAClearError(int workers, boolean persistent,
                                                                       Closer closer) throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        try {
            assertTimeoutPreemptively(WATCHDOG, () -> {
                var loader = DataLoader.builder(stuckAt(40, 4, release, entered)).batchSize(2).numWorkers(workers)
                        .persistentWorkers(persistent).collate(List::copyOf).build();
                LoaderIterator<List<Long>> it = loader.epoch(0).iterator();
                it.next();
                it.next(); // batches 0 and 1; batch 2 holds the stuck sample
                Thread closing = Thread.ofPlatform().start(() -> {
                    try {
                        assertTrue(entered.await(5, TimeUnit.SECONDS));
                        Thread.sleep(100); // let the consumer wait
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (closer == Closer.LOADER) {
                        loader.close();
                    } else {
                        it.close();
                    }
                });
                var e = assertThrows(DataLoaderException.class, it::next);
                assertTrue(spinning.get(), "the consumer returned without waiting for the stuck sample");
                assertInstanceOf(CancellationException.class, e.getCause(), e.getMessage());
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
                if (closer == Closer.LOADER) {
                    var later = assertThrows(IllegalStateException.class, it::hasNext);
                    assertTrue(later.getMessage().contains("its DataLoader was closed"), later.getMessage());
                } else {
                    assertFalse(it.hasNext());
                }
                release.set(true); // let the stuck sample return, so that close() need not wait for it
                closing.join();
                loader.close();
            });
        } finally {
            release.set(true);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void anInterruptedConsumerGetsAClearErrorAndTheInterruptFlagBack(int workers) {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        try {
            assertTimeoutPreemptively(WATCHDOG, () -> {
                try (var loader = DataLoader.builder(stuckAt(20, 0, release, entered)).batchSize(2)
                        .numWorkers(workers).collate(List::copyOf).build()) {
                    Thread consumer = Thread.currentThread();
                    Thread.ofPlatform().start(() -> {
                        try {
                            entered.await(5, TimeUnit.SECONDS);
                            Thread.sleep(50);
                        } catch (InterruptedException ignored) {
                            Thread.currentThread().interrupt();
                        }
                        consumer.interrupt();
                    });
                    var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).iterator().next());
                    assertInstanceOf(InterruptedException.class, e.getCause());
                    assertTrue(Thread.interrupted(), "the interrupt flag is restored");
                    release.set(true);
                }
            });
        } finally {
            release.set(true);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,true", "2,true", "4,true", "2,false", "4,false"})
    void aTimeoutFiresPromptlyAndNamesTheWorkerEvenWhenTheSampleIgnoresInterrupts(int workers, boolean inOrder) {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        try {
            assertTimeoutPreemptively(WATCHDOG, () -> {
                try (var loader = DataLoader.builder(stuckAt(4, 0, release, entered)).batchSize(4)
                        .numWorkers(workers).inOrder(inOrder).timeout(Duration.ofMillis(200)).collate(List::copyOf)
                        .build()) {
                    Iterator<List<Long>> it = loader.epoch(0).iterator();
                    long start = System.nanoTime();
                    var e = assertThrows(DataLoaderException.class, it::next);
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertTrue(spinning.get(), "the timeout fired without waiting for the stuck sample");
                    assertInstanceOf(TimeoutException.class, e.getCause());
                    assertTrue(e.getMessage().contains("sample 0") && e.getMessage().contains("within PT0.2S"),
                            e.getMessage());
                    assertTrue(e.workerId().isPresent() && e.getMessage().contains("worker " + e.workerId().getAsInt()),
                            e.getMessage());
                    assertFalse(e.getMessage().contains("calling thread"), e.getMessage());
                    assertTrue(millis >= 200, "timed out after " + millis + " ms, before the timeout");
                    assertFalse(it.hasNext(), "a timeout ends the epoch");
                    release.set(true);
                }
            });
        } finally {
            release.set(true);
        }
    }

    @Test
    void aStreamTimeoutNamesTheWorkerThatProducedNothing() {
        AtomicBoolean release = new AtomicBoolean();
        try {
            assertTimeoutPreemptively(WATCHDOG, () -> {
                IterableDataset<Long> stream = worker -> new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        if (worker.id() == 0) {
                            spin(release);
                        }
                        return false;
                    }

                    @Override
                    public Long next() {
                        throw new java.util.NoSuchElementException();
                    }
                };
                try (var loader = DataLoader.builder(stream).numWorkers(2).timeout(Duration.ofMillis(200))
                        .collate(List::copyOf).build()) {
                    long start = System.nanoTime();
                    var e = assertThrows(DataLoaderException.class, () -> loader.epoch(0).iterator().hasNext());
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertTrue(spinning.get(), "the timeout fired without waiting for the stuck worker");
                    assertInstanceOf(TimeoutException.class, e.getCause());
                    assertEquals(0, e.workerId().orElseThrow(), e.getMessage());
                    assertTrue(millis >= 200, "timed out after " + millis + " ms, before the timeout");
                    release.set(true);
                }
            });
        } finally {
            release.set(true);
        }
    }

    @ParameterizedTest(name = "{0} workers, persistent={1}")
    @CsvSource({"1,false", "2,false", "2,true", "4,true"})
    void closingAStreamLoaderFromAnotherThreadWakesAWaitingConsumer(int workers, boolean persistent) {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(workers);
        IterableDataset<Long> stuck = worker -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                entered.countDown();
                spin(release); // CPU work that ignores interrupts
                return false;
            }

            @Override
            public Long next() {
                throw new java.util.NoSuchElementException();
            }
        };
        try {
            assertTimeoutPreemptively(WATCHDOG, () -> {
                var loader = DataLoader.builder(stuck).numWorkers(workers).persistentWorkers(persistent)
                        .collate(List::copyOf).build();
                Iterator<List<Long>> it = loader.epoch(0).iterator();
                Thread closing = Thread.ofPlatform().start(() -> {
                    try {
                        entered.await(5, TimeUnit.SECONDS);
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    loader.close();
                });
                var e = assertThrows(DataLoaderException.class, it::hasNext);
                assertTrue(spinning.get(), "the consumer returned without waiting for the stuck workers");
                assertInstanceOf(CancellationException.class, e.getCause(), e.getMessage());
                release.set(true);
                closing.join();
            });
        } finally {
            release.set(true);
        }
    }

    /** Batches [0, 1], [], [2, 3]: the empty one is refused in its place, and the epoch goes on. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 4})
    void anEmptyBatchFromTheBatchSamplerIsRefusedWithoutHanging(int workers) {
        BatchSampler withEmpty = new BatchSampler() {
            @Override
            public long size() {
                return 3;
            }

            @Override
            public Iterator<long[]> batches(long epoch) {
                return List.of(new long[] {0, 1}, new long[0], new long[] {2, 3}).iterator();
            }
        };
        List<Object> outcomes = assertTimeoutPreemptively(WATCHDOG, () -> {
            List<Object> seen = new ArrayList<>();
            try (var loader = DataLoader.builder(stuckAt(4, -1, new AtomicBoolean(true), new CountDownLatch(1)))
                    .batchSampler(withEmpty).numWorkers(workers).collate(List::copyOf).build()) {
                Iterator<List<Long>> it = loader.epoch(0).iterator();
                while (true) {
                    try {
                        if (!it.hasNext()) {
                            break;
                        }
                        seen.add(it.next());
                    } catch (DataLoaderException e) {
                        seen.add(e.getMessage());
                    }
                }
            }
            return seen;
        });
        assertEquals(3, outcomes.size(), outcomes.toString());
        assertEquals(List.of(0L, 1L), outcomes.get(0));
        assertTrue(outcomes.get(1).toString().contains("yielded an empty batch as batch 1"), outcomes.toString());
        assertEquals(List.of(2L, 3L), outcomes.get(2));
    }

    @ParameterizedTest
    @CsvSource({"1,false", "2,false", "2,true", "4,true"})
    void aSamplerThatFailsBeforeTheFirstBatchLeavesNoThreadAfterClose(int workers, boolean persistent) {
        BatchSampler failing = new BatchSampler() {
            @Override
            public long size() {
                return 5;
            }

            @Override
            public Iterator<long[]> batches(long epoch) {
                throw new IllegalStateException("cannot plan epoch " + epoch);
            }
        };
        assertTimeoutPreemptively(WATCHDOG, () -> {
            var loader = DataLoader.builder(stuckAt(10, -1, new AtomicBoolean(true), new CountDownLatch(1)))
                    .batchSampler(failing).numWorkers(workers).persistentWorkers(persistent).collate(List::copyOf)
                    .build();
            Iterator<List<Long>> it = loader.epoch(0).iterator();
            var e = assertThrows(DataLoaderException.class, it::next);
            assertTrue(e.getMessage().contains("cannot plan epoch 0"), e.getMessage());
            assertFalse(it.hasNext());
            loader.close();
            assertEquals(List.of(), NoLeftoversExtension.aliveWorkers(), "no worker thread after close");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void stateBetweenResumeAndTheFirstBatchIsTheResumedState(int workers) {
        Dataset<Long> data = stuckAt(30, -1, new AtomicBoolean(true), new CountDownLatch(1));
        LoaderState saved;
        try (var loader = DataLoader.builder(data).batchSize(3).shuffle(true).seed(5).numWorkers(workers)
                .collate(List::copyOf).build()) {
            Iterator<List<Long>> it = loader.epoch(2).iterator();
            for (int i = 0; i < 4; i++) {
                it.next();
            }
            saved = loader.state();
        }
        try (var loader = DataLoader.builder(data).batchSize(3).shuffle(true).seed(5).numWorkers(workers)
                .collate(List::copyOf).build()) {
            Iterable<List<Long>> rest = loader.resume(saved);
            assertEquals(saved, loader.state(), "a checkpoint taken here must not skip the rest of epoch 2");
            assertEquals(saved, LoaderState.fromJson(loader.state().toJson()));
            int batches = 0;
            for (List<Long> ignored : rest) {
                batches++;
            }
            assertEquals(6, batches);
        }
    }

    private DataLoader<List<Long>> built(long size, int batchSize, boolean shuffle) {
        return DataLoader.builder(stuckAt(size, -1, new AtomicBoolean(true), new CountDownLatch(1)))
                .batchSize(batchSize).shuffle(shuffle).seed(11).collate(List::copyOf).build();
    }

    @Test
    void resumeRefusesAStateFromALoaderThatMakesOtherBatchesNamingTheDifference() {
        LoaderState saved;
        try (var loader = built(103, 10, true)) {
            loader.epoch(0).iterator().next();
            saved = loader.state();
        }
        AtomicReference<String> message = new AtomicReference<>();
        try (var smaller = built(101, 10, true)) { // same 11 batches per epoch
            message.set(assertThrows(IllegalArgumentException.class, () -> smaller.resume(saved)).getMessage());
            assertTrue(message.get().contains("dataset size: saved 103, this loader 101"), message.get());
        }
        try (var otherBatch = built(103, 10, false)) {
            message.set(assertThrows(IllegalArgumentException.class, () -> otherBatch.resume(saved)).getMessage());
            assertTrue(message.get().contains("batch sampler: saved BatchSampler(batchSize=10, dropLast=false,"
                    + " RandomSampler") && message.get().contains("SequentialSampler"), message.get());
        }
        LoaderState hundred;
        try (var loader = built(100, 10, false)) {
            hundred = loader.state();
        }
        try (var elevens = built(100, 11, false)) { // also 10 batches per epoch
            message.set(assertThrows(IllegalArgumentException.class, () -> elevens.resume(hundred)).getMessage());
            assertTrue(message.get().contains("batchSize=10") && message.get().contains("batchSize=11"),
                    message.get());
        }
        var past = assertThrows(IllegalArgumentException.class, () -> new LoaderState(11, 0, 12, new long[0], 11, 0,
                saved.fingerprint()));
        assertTrue(past.getMessage().contains("past the end of an epoch of 11 batches"), past.getMessage());
        String json = saved.toJson().replace("\"deliveredPrefix\":1", "\"deliveredPrefix\":40");
        assertThrows(IllegalArgumentException.class, () -> LoaderState.fromJson(json));
        try (var same = built(103, 10, true)) {
            assertEquals(10, count(same.resume(saved)), "the same loader resumes");
        }
        Map<String, String> fingerprint = saved.fingerprint();
        assertEquals("103", fingerprint.get("dataset size"));
    }

    private static int count(Iterable<?> batches) {
        int n = 0;
        for (Object ignored : batches) {
            n++;
        }
        return n;
    }
}
