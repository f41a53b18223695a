package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.sampler.BatchSampler;
import org.dataloader4j.sampler.Sampler;
import org.dataloader4j.testing.NoLeftoversExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of {@link Throwable} thrown from every stage of loading, at 0, 1, 2 and 4 workers, in order,
 * out of order and with persistent workers: the consumer receives a {@link DataLoaderException} whose
 * cause is the very throwable, in the place of the batch it broke, and the epoch goes on (or ends, for
 * the stages after which nothing can go on) exactly as at 0 workers. A watchdog turns a hang into a
 * failure; the extension checks that no thread and no off-heap byte is left.
 */
@ExtendWith(NoLeftoversExtension.class)
class FaultMatrixTest {
    private static final Duration WATCHDOG = Duration.ofSeconds(20);
    private static final int SAMPLES = 12;
    private static final int BATCH = 2;
    private static final long BAD = 5; // sample 5 is in batch 2

    /** Where the failure is thrown. */
    enum Stage { GET, TRANSFORM, COLLATE, SAMPLER, BATCH_SAMPLER, WORKER_INIT, STREAM, STREAM_COLLATE }

    /** How the loader is run. */
    enum Mode { IN_ORDER, OUT_OF_ORDER, PERSISTENT }

    /** A custom Error subclass, as user code may define. */
    static final class CustomError extends Error {
        CustomError(String message) {
            super(message);
        }
    }

    /** The throwables a user's code can throw, each a fresh instance per case. */
    enum Kind {
        RUNTIME(() -> new IllegalStateException("bad sample")),
        CUSTOM_ERROR(() -> new CustomError("custom error")),
        OUT_OF_MEMORY(() -> new OutOfMemoryError("simulated: Java heap space")),
        STACK_OVERFLOW(() -> new StackOverflowError("simulated")),
        ASSERTION(() -> new AssertionError("assertion in user code")),
        UNDECLARED_CHECKED(() -> new IOException("undeclared checked exception, as Kotlin or Lombok throw it"));

        final Supplier<Throwable> make;

        Kind(Supplier<Throwable> make) {
            this.make = make;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Stage stage : Stage.values()) {
            for (Kind kind : Kind.values()) {
                for (int workers : new int[] {0, 1, 2, 4}) {
                    for (Mode mode : Mode.values()) {
                        if (workers == 0 && mode != Mode.IN_ORDER || workers == 0 && stage == Stage.WORKER_INIT) {
                            continue; // options that need workers
                        }
                        all.add(Arguments.of(stage, kind, workers, mode));
                    }
                }
            }
        }
        return all.stream();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** What the consumer saw: a batch (its samples) or a failure. */
    private record Outcome(List<Long> batch, DataLoaderException failure) {
        @Override
        public String toString() {
            return failure != null ? "failure" : batch.toString();
        }
    }

    @ParameterizedTest(name = "{0} throws {1} at {2} workers, {3}")
    @MethodSource("cases")
    void everyThrowableFromEveryStageReachesTheConsumerAndTheEpochGoesOn(Stage stage, Kind kind, int workers,
                                                                          Mode mode) {
        Throwable thrown = kind.make.get();
        List<Outcome> outcomes = assertTimeoutPreemptively(WATCHDOG, () -> run(stage, thrown, workers, mode),
                () -> "a failure of kind " + kind + " in " + stage + " hung the loader");
        List<Outcome> failures = outcomes.stream().filter(o -> o.failure != null).toList();
        assertEquals(1, failures.size(), "exactly one failure reaches the consumer: " + outcomes);
        DataLoaderException failure = failures.getFirst().failure;
        assertSame(thrown, failure.getCause(), "the original throwable is the cause");
        assertTrue(failure.getMessage().contains(thrown.getClass().getName()), failure.getMessage());
        assertTrue(failure.getMessage().contains("epoch 0"), failure.getMessage());
        switch (stage) {
            case GET, TRANSFORM -> {
                assertEquals(List.of(List.of(0L, 1L), List.of(2L, 3L), List.of(6L, 7L), List.of(8L, 9L),
                        List.of(10L, 11L)), delivered(outcomes, mode), "the epoch goes on after the failed batch");
                assertEquals(BAD, failure.sampleIndex().orElseThrow());
                assertTrue(failure.getMessage().contains("sample 5 (/data/5.bin)"), failure.getMessage());
                assertEquals(2, failure.batchNumber().orElseThrow());
                assertEquals(workers > 0, failure.workerId().isPresent(), failure.getMessage());
            }
            case COLLATE -> {
                assertEquals(5, delivered(outcomes, mode).size(), "the epoch goes on after the failed batch");
                assertTrue(failure.getMessage().contains("collate the samples [4, 5]"), failure.getMessage());
            }
            case SAMPLER, BATCH_SAMPLER -> {
                assertEquals(List.of(List.of(0L, 1L), List.of(2L, 3L)), delivered(outcomes, mode),
                        "the batches before the sampler failed, then the epoch ends");
                assertTrue(failure.getMessage().contains("batch sampler"), failure.getMessage());
                assertEquals(2, failure.batchNumber().orElseThrow());
            }
            case WORKER_INIT -> {
                assertEquals(List.of(), delivered(outcomes, mode), "no worker can load: the epoch ends");
                assertTrue(failure.getMessage().contains("workerInit") && failure.workerId().isPresent(),
                        failure.getMessage());
            }
            case STREAM, STREAM_COLLATE -> {
                List<Long> seen = delivered(outcomes, mode).stream().flatMap(List::stream).sorted().toList();
                assertEquals(seen.stream().distinct().toList(), seen, "no element twice");
                assertTrue(seen.size() >= SAMPLES - BATCH, "the stream goes on after the failure: " + outcomes);
                assertTrue(!seen.contains(BAD), "the element that failed is not delivered: " + outcomes);
            }
        }
    }

    private static List<List<Long>> delivered(List<Outcome> outcomes, Mode mode) {
        List<List<Long>> batches = new ArrayList<>(outcomes.stream().filter(o -> o.failure == null)
                .map(Outcome::batch).toList());
        if (mode == Mode.OUT_OF_ORDER) {
            batches.sort((a, b) -> Long.compare(a.getFirst(), b.getFirst()));
        }
        return batches;
    }

    private static List<Outcome> run(Stage stage, Throwable thrown, int workers, Mode mode) {
        List<Outcome> outcomes = new ArrayList<>();
        try (DataLoader<List<Long>> loader = build(stage, thrown, workers, mode)) {
            Iterator<List<Long>> it = loader.epoch(0).iterator();
            for (int calls = 0; calls < 100; calls++) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    outcomes.add(new Outcome(it.next(), null));
                } catch (DataLoaderException e) {
                    outcomes.add(new Outcome(null, e));
                } catch (NoSuchElementException e) {
                    break;
                }
            }
        }
        return outcomes;
    }

    private static DataLoader<List<Long>> build(Stage stage, Throwable thrown, int workers, Mode mode) {
        Collate<Long, List<Long>> collate = stage == Stage.COLLATE || stage == Stage.STREAM_COLLATE
                ? samples -> {
                    if (samples.contains(BAD)) {
                        throw sneaky(thrown);
                    }
                    return List.copyOf(samples);
                }
                : List::copyOf;
        if (stage == Stage.STREAM || stage == Stage.STREAM_COLLATE) {
            IterableDataset<Long> stream = worker -> elements(worker, stage == Stage.STREAM ? thrown : null);
            var builder = DataLoader.builder(stream).batchSize(BATCH).numWorkers(workers).collate(collate);
            if (mode == Mode.PERSISTENT) {
                builder.persistentWorkers(true);
            }
            return builder.build();
        }
        Dataset<Long> numbers = numbers(stage == Stage.GET ? thrown : null);
        Dataset<Long> data = stage == Stage.TRANSFORM ? numbers.map((i, rng) -> {
            if (i == BAD) {
                throw sneaky(thrown);
            }
            return i;
        }) : numbers;
        var builder = DataLoader.builder(data).numWorkers(workers).collate(collate);
        if (stage == Stage.BATCH_SAMPLER) {
            builder.batchSampler(failingBatchSampler(thrown));
        } else {
            builder.batchSize(BATCH);
            if (stage == Stage.SAMPLER) {
                builder.sampler(failingSampler(thrown));
            }
        }
        if (stage == Stage.WORKER_INIT) {
            builder.workerInit(info -> {
                throw sneaky(thrown);
            });
        }
        if (mode == Mode.OUT_OF_ORDER) {
            builder.inOrder(false);
        }
        if (mode == Mode.PERSISTENT) {
            builder.persistentWorkers(true);
        }
        return builder.build();
    }

    private static Dataset<Long> numbers(Throwable thrownAtBad) {
        return new Dataset<>() {
            @Override
            public long size() {
                return SAMPLES;
            }

            @Override
            public Long get(long index) {
                if (index == BAD && thrownAtBad != null) {
                    throw sneaky(thrownAtBad);
                }
                return index;
            }

            @Override
            public java.util.Optional<String> source(long index) {
                return java.util.Optional.of("/data/" + index + ".bin");
            }
        };
    }

    /** Sequential indices; the iterator throws when asked for index {@code BAD}. */
    private static Sampler failingSampler(Throwable thrown) {
        return new Sampler() {
            @Override
            public long size() {
                return SAMPLES;
            }

            @Override
            public PrimitiveIterator.OfLong indices(long epoch) {
                PrimitiveIterator.OfLong all = LongStream.range(0, SAMPLES).iterator();
                return new PrimitiveIterator.OfLong() {
                    long next;

                    @Override
                    public boolean hasNext() {
                        return all.hasNext();
                    }

                    @Override
                    public long nextLong() {
                        if (next++ == BAD) {
                            throw sneaky(thrown);
                        }
                        return all.nextLong();
                    }
                };
            }
        };
    }

    /** Batches of two in order; drawing batch 2 throws. */
    private static BatchSampler failingBatchSampler(Throwable thrown) {
        return new BatchSampler() {
            @Override
            public long size() {
                return SAMPLES / BATCH;
            }

            @Override
            public Iterator<long[]> batches(long epoch) {
                return new Iterator<>() {
                    long number;

                    @Override
                    public boolean hasNext() {
                        return number < size();
                    }

                    @Override
                    public long[] next() {
                        if (number == BAD / BATCH) {
                            number++;
                            throw sneaky(thrown);
                        }
                        long first = BATCH * number++;
                        return new long[] {first, first + 1};
                    }
                };
            }
        };
    }

    /** The worker's share of 0..SAMPLES-1 (round robin); reading element {@code BAD} throws when asked. */
    private static Iterator<Long> elements(WorkerInfo worker, Throwable thrownAtBad) {
        PrimitiveIterator.OfLong share = LongStream.range(0, SAMPLES)
                .filter(i -> i % worker.numWorkers() == worker.id()).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return share.hasNext();
            }

            @Override
            public Long next() {
                long i = share.nextLong();
                if (i == BAD && thrownAtBad != null) {
                    throw sneaky(thrownAtBad);
                }
                return i;
            }
        };
    }
}
