package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.testing.NoLeftoversExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** onSampleError(skip): failed samples are left out, the same way at any worker count and after a resume. */
@ExtendWith(NoLeftoversExtension.class)
class SampleErrorPolicyTest {
    private static final Duration WATCHDOG = Duration.ofSeconds(20);
    /** 8..11 is a whole batch of four (in sequential order). */
    private static final Set<Long> BAD = Set.of(3L, 7L, 8L, 9L, 10L, 11L, 22L);

    /** Sample i is a float tensor [i, i + 0.5]; the indices in {@code bad} fail as a corrupt file would. */
    private static Dataset<Tensor> tensors(long n, Set<Long> bad) {
        return new Dataset<>() {
            @Override
            public long size() {
                return n;
            }

            @Override
            public Tensor get(long index) {
                if (bad.contains(index)) {
                    throw new UncheckedIOException(new java.io.IOException("corrupt file " + index));
                }
                return Tensor.of(new float[] {index, index + 0.5f});
            }

            @Override
            public Optional<String> source(long index) {
                return Optional.of("/data/" + index + ".bin");
            }
        };
    }

    private static List<String> epoch(DataLoader<Batch> loader, long epoch) {
        List<String> out = new ArrayList<>();
        for (Batch batch : loader.epoch(epoch)) {
            try (batch) {
                out.add(Arrays.toString(batch.tensor().toFloatArray()));
            }
        }
        return out;
    }

    private static DataLoader<Batch> loader(int workers, boolean shuffle, boolean inOrder, SampleErrorPolicy policy) {
        var builder = DataLoader.builder(tensors(40, BAD)).batchSize(4).shuffle(shuffle).seed(21).numWorkers(workers)
                .onSampleError(policy);
        if (workers > 0) {
            builder.inOrder(inOrder);
        }
        return builder.build();
    }

    @Test
    void skippedSamplesAreLeftOutOfTheirBatchAndABatchOfOnlyFailuresIsLeftOut() {
        try (var loader = loader(0, false, true, SampleErrorPolicy.skip(10))) {
            List<String> batches = epoch(loader, 0);
            assertEquals(9, batches.size(), "batch 2 (samples 8..11) failed whole and is left out: " + batches);
            assertEquals("[0.0, 0.5, 1.0, 1.5, 2.0, 2.5]", batches.get(0), "sample 3 is left out of batch 0");
            assertEquals("[4.0, 4.5, 5.0, 5.5, 6.0, 6.5]", batches.get(1));
            assertEquals("[12.0, 12.5, 13.0, 13.5, 14.0, 14.5, 15.0, 15.5]", batches.get(2));
            List<SkippedSample> skipped = loader.skippedSamples();
            assertEquals(List.of(3L, 7L, 8L, 9L, 10L, 11L, 22L), skipped.stream().map(SkippedSample::index).toList());
            SkippedSample first = skipped.getFirst();
            assertEquals(Optional.of("/data/3.bin"), first.source());
            assertEquals(0, first.batchNumber());
            assertTrue(first.cause() instanceof UncheckedIOException, first.toString());
            assertTrue(first.toString().contains("sample 3 (/data/3.bin) in batch 0") && first.toString()
                    .contains("corrupt file 3"), first.toString());
        }
    }

    @ParameterizedTest(name = "{0} workers, inOrder={1}")
    @CsvSource({"1,true", "2,true", "4,true", "2,false", "4,false"})
    void theBatchesAndTheSkipsAreTheSameForAnyWorkerCount(int workers, boolean inOrder) {
        List<String> serial;
        List<Long> serialSkips;
        try (var loader = loader(0, true, true, SampleErrorPolicy.skip(10))) {
            serial = epoch(loader, 3);
            serialSkips = loader.skippedSamples().stream().map(SkippedSample::index).toList();
        }
        assertTimeoutPreemptively(WATCHDOG, () -> {
            try (var loader = loader(workers, true, inOrder, SampleErrorPolicy.skip(10))) {
                List<String> parallel = epoch(loader, 3);
                if (!inOrder) {
                    parallel = parallel.stream().sorted().toList();
                }
                assertEquals(inOrder ? serial : serial.stream().sorted().toList(), parallel);
                List<Long> skips = loader.skippedSamples().stream().map(SkippedSample::index).toList();
                assertEquals(inOrder ? serialSkips : serialSkips.stream().sorted().toList(),
                        inOrder ? skips : skips.stream().sorted().toList());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 4})
    void exceedingTheBudgetFailsListingTheFirstFailuresAndEndsTheEpoch(int workers) {
        assertTimeoutPreemptively(WATCHDOG, () -> {
            try (var loader = loader(workers, false, true, SampleErrorPolicy.skip(2))) {
                Iterator<Batch> it = loader.epoch(0).iterator();
                it.next().close(); // batch 0: sample 3 skipped
                it.next().close(); // batch 1: sample 7 skipped
                var e = assertThrows(DataLoaderException.class, () -> {
                    while (it.hasNext()) {
                        it.next().close();
                    }
                });
                String message = e.getCause().getMessage();
                assertTrue(message.contains("samples failed in epoch 0 up to batch 2, more than the 2 that"
                        + " onSampleError(skip) allows"), message);
                assertTrue(message.contains("sample 3 (/data/3.bin) in batch 0") && message.contains("corrupt file 7"),
                        message);
                assertFalse(it.hasNext(), "the epoch ends");
            }
        });
    }

    @Test
    void aFractionBudgetIsAFractionOfTheDatasetSize() {
        try (var loader = loader(0, false, true, SampleErrorPolicy.skipFraction(0.1))) { // 4 of 40
            var e = assertThrows(DataLoaderException.class, () -> epoch(loader, 0));
            assertTrue(e.getCause().getMessage().contains("more than the 4"), e.getCause().getMessage());
        }
        try (var loader = loader(0, false, true, SampleErrorPolicy.skipFraction(0.2))) { // 8 of 40
            assertEquals(9, epoch(loader, 0).size());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aResumedEpochSkipsTheSameSamplesAndDeliversTheSameBatches(int workers) {
        List<String> full;
        try (var loader = loader(workers, true, true, SampleErrorPolicy.skip(10))) {
            full = epoch(loader, 1);
        }
        List<String> resumed = new ArrayList<>();
        LoaderState saved;
        try (var loader = loader(workers, true, true, SampleErrorPolicy.skip(10))) {
            Iterator<Batch> it = loader.epoch(1).iterator();
            for (int i = 0; i < 4; i++) {
                try (Batch b = it.next()) {
                    resumed.add(Arrays.toString(b.tensor().toFloatArray()));
                }
            }
            saved = loader.state();
        }
        try (var loader = loader(workers, true, true, SampleErrorPolicy.skip(10))) {
            for (Batch batch : loader.resume(saved)) {
                try (batch) {
                    resumed.add(Arrays.toString(batch.tensor().toFloatArray()));
                }
            }
        }
        assertEquals(full, resumed);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void theDefaultPolicyDeliversTheFailure(int workers) {
        try (var loader = DataLoader.builder(tensors(8, Set.of(5L))).batchSize(4).numWorkers(workers).build()) {
            Iterator<Batch> it = loader.epoch(0).iterator();
            it.next().close();
            var e = assertThrows(DataLoaderException.class, it::next);
            assertEquals(5, e.sampleIndex().orElseThrow());
            assertTrue(loader.skippedSamples().isEmpty());
        }
    }

    @Test
    void policiesAreValidatedAndStreamsRefuseSkipping() {
        assertThrows(IllegalArgumentException.class, () -> SampleErrorPolicy.skip(-1));
        assertThrows(IllegalArgumentException.class, () -> SampleErrorPolicy.skipFraction(1.5));
        assertThrows(IllegalArgumentException.class, () -> SampleErrorPolicy.skipFraction(Double.NaN));
        IterableDataset<Long> stream = worker -> List.of(1L).iterator();
        var e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(stream).onSampleError(SampleErrorPolicy.skip(3)).build());
        assertTrue(e.getMessage().contains("onSampleError(skip) applies to map-style datasets"), e.getMessage());
    }
}
