package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.testing.NoLeftoversExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch in which several samples fail reports its first failing sample, the one 0 workers report, whichever worker
 * fails first: the later samples fail at once, the first one only after its share's slow sample has loaded. Every
 * worker count that splits the batch differently, in order and out of order, a runtime exception and an error.
 */
@ExtendWith(NoLeftoversExtension.class)
class FirstFailureTest {
    private static final Duration WATCHDOG = Duration.ofSeconds(30);
    private static final long SLOW = 8;        // the first sample of batch 1 (batch size 8) loads after a pause
    private static final long FIRST_BAD = 9;   // ... and 9 to 15 fail: 9 after the pause, the others at once
    private static final int ROUNDS = 6;

    private static Dataset<Long> failingFrom(LongFunction<Throwable> failure, Set<Long> read) {
        return new Dataset<>() {
            @Override
            public long size() {
                return 24;
            }

            @Override
            public Long get(long index) {
                read.add(index);
                if (index == SLOW) {
                    pause(40);
                }
                if (index >= FIRST_BAD && index < 16) {
                    throw sneaky(failure.apply(index));
                }
                return index;
            }
        };
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 8})
    void aBatchNamesItsFirstFailingSampleAtAnyWorkerCount(int workers) {
        List<LongFunction<Throwable>> kinds = List.of(i -> new IllegalStateException("bad sample " + i),
                i -> new AssertionError("bad sample " + i));
        for (LongFunction<Throwable> kind : kinds) {
            for (boolean inOrder : new boolean[] {true, false}) {
                if (workers == 0 && !inOrder) {
                    continue;
                }
                for (int round = 0; round < ROUNDS; round++) {
                    Set<Long> read = ConcurrentHashMap.newKeySet();
                    List<Object> outcomes = assertTimeoutPreemptively(WATCHDOG,
                            () -> run(failingFrom(kind, read), workers, inOrder));
                    List<DataLoaderException> failures = outcomes.stream()
                            .filter(DataLoaderException.class::isInstance).map(DataLoaderException.class::cast)
                            .toList();
                    assertEquals(1, failures.size(), outcomes::toString);
                    DataLoaderException failure = failures.getFirst();
                    String context = workers + " workers, inOrder " + inOrder + ", round " + round + ": "
                            + failure.getMessage();
                    assertEquals(FIRST_BAD, failure.sampleIndex().orElseThrow(), context);
                    assertEquals(1, failure.batchNumber().orElseThrow(), context);
                    assertTrue(failure.getMessage().contains("sample 9") && failure.getMessage().contains(
                            "bad sample 9"), context);
                    assertTrue(outcomes.contains(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L))
                            && outcomes.contains(List.of(16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L)),
                            "the other batches are delivered: " + outcomes);
                    assertTrue(read.contains(SLOW) && read.contains(FIRST_BAD), "the shares up to the first"
                            + " failure are read: " + read);
                }
            }
        }
    }

    /** The consumer's view of one epoch: each batch's samples, or the failure in its place. */
    private static List<Object> run(Dataset<Long> dataset, int workers, boolean inOrder) {
        List<Object> outcomes = new ArrayList<>();
        try (DataLoader<List<Long>> loader = DataLoader.builder(dataset).batchSize(8).numWorkers(workers)
                .inOrder(workers == 0 || inOrder).collate(List::copyOf).build()) {
            Iterator<List<Long>> it = loader.epoch(0).iterator();
            while (it.hasNext()) {
                try {
                    outcomes.add(it.next());
                } catch (DataLoaderException e) {
                    outcomes.add(e);
                }
            }
            assertFalse(it.hasNext());
        }
        return outcomes;
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {2, 4})
    void aFailureDoesNotWaitForTheSharesAfterIt(int workers) {
        // batch 0's first share fails at once; its last share never returns until released. The failure is
        // delivered without it: only the shares before the first failure are waited for.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Dataset<Long> dataset = new Dataset<>() {
            @Override
            public long size() {
                return 8;
            }

            @Override
            public Long get(long index) {
                if (index == 0) {
                    throw new IllegalStateException("bad sample 0");
                }
                if (index == 7) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return index;
            }
        };
        assertTimeoutPreemptively(WATCHDOG, () -> {
            try (DataLoader<List<Long>> loader = DataLoader.builder(dataset).batchSize(8).numWorkers(workers)
                    .collate(List::copyOf).build()) {
                Iterator<List<Long>> it = loader.epoch(0).iterator();
                DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                assertEquals(0, e.sampleIndex().orElseThrow(), e.getMessage());
            } finally {
                release.countDown();
            }
        });
    }
}
