package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** 100 steps == 50 steps + save + restore + 50 steps, bitwise, at every resume point. */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ResumeTest {
    private static final int SIZE = 11;
    private static final int BATCH = 3; // 4 batches per epoch, the last one short

    private static Dataset<Tensor> augmented() {
        return Datasets.of(LongStream.range(0, SIZE).boxed().toList()).map((i, rng) -> {
            float[] v = new float[4];
            for (int k = 0; k < v.length; k++) {
                v[k] = i * 10 + rng.nextFloat();
            }
            return Tensor.of(v);
        });
    }

    private static DataLoader<Batch> loader(int workers, boolean inOrder) {
        var builder = DataLoader.builder(augmented()).batchSize(BATCH).shuffle(true).seed(77).inOrder(inOrder);
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        return builder.build();
    }

    private static String bytes(Batch batch) {
        try (batch) {
            return Arrays.toString(batch.tensor().toBytes());
        }
    }

    private static List<String> drain(Iterable<Batch> batches) {
        List<String> out = new ArrayList<>();
        batches.forEach(b -> out.add(bytes(b)));
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void resumingAtEveryBatchGivesExactlyTheRemainingBatchesAndLaterEpochs(int workers) {
        List<List<String>> reference = new ArrayList<>();
        try (var uninterrupted = loader(0, true)) {
            for (int epoch = 0; epoch < 3; epoch++) {
                reference.add(drain(uninterrupted.epoch(epoch)));
            }
        }
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int k = 0; k <= reference.get(epoch).size(); k++) {
                String saved;
                try (var first = loader(workers, true)) {
                    Iterator<Batch> it = first.epoch(epoch).iterator();
                    for (int i = 0; i < k; i++) {
                        assertEquals(reference.get(epoch).get(i), bytes(it.next()));
                    }
                    saved = first.state().toJson();
                }
                try (var second = loader(workers, true)) {
                    List<String> rest = drain(second.resume(LoaderState.fromJson(saved)));
                    assertEquals(reference.get(epoch).subList(k, reference.get(epoch).size()), rest,
                            "epoch " + epoch + " resumed after " + k + " batches");
                    assertEquals(reference.get(epoch + 1), drain(() -> second.iterator()),
                            "the epoch after a resume");
                }
            }
        }
    }

    @Test
    void outOfOrderDeliveryResumesWithNothingRepeatedOrLost() {
        List<String> reference;
        try (var plain = loader(0, true)) {
            reference = drain(plain.epoch(0));
        }
        for (int k = 0; k <= reference.size(); k++) {
            List<String> seen = new ArrayList<>();
            String saved;
            try (var first = loader(3, false)) {
                Iterator<Batch> it = first.epoch(0).iterator();
                for (int i = 0; i < k; i++) {
                    seen.add(bytes(it.next()));
                }
                saved = first.state().toJson();
            }
            try (var second = loader(3, false)) {
                seen.addAll(drain(second.resume(LoaderState.fromJson(saved))));
            }
            assertEquals(reference.stream().sorted().toList(), seen.stream().sorted().toList(), "resumed after " + k);
        }
    }

    private static DataLoader<long[]> streamLoader(int workers) {
        IterableDataset<Long> stream = worker -> LongStream.range(0, 23).filter(worker::owns).boxed().iterator();
        var builder = DataLoader.builder(stream).batchSize(4)
                .collate(samples -> samples.stream().mapToLong(Long::longValue).toArray());
        if (workers > 0) {
            builder.numWorkers(workers);
        }
        return builder.seed(5).build();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void streamsResumeAtEveryBatch(int workers) {
        List<long[]> reference = new ArrayList<>();
        try (var loader = streamLoader(workers)) {
            loader.epoch(0).forEach(reference::add);
        }
        for (int k = 0; k <= reference.size(); k++) {
            LoaderState state;
            try (var first = streamLoader(workers)) {
                Iterator<long[]> it = first.epoch(0).iterator();
                for (int i = 0; i < k; i++) {
                    it.next();
                }
                state = first.state();
            }
            List<long[]> rest = new ArrayList<>();
            try (var second = streamLoader(workers)) {
                second.resume(state).forEach(rest::add);
            }
            assertEquals(reference.size() - k, rest.size());
            for (int i = 0; i < rest.size(); i++) {
                assertArrayEquals(reference.get(k + i), rest.get(i));
            }
        }
    }

    @Test
    void stateBeforeAnyEpochDescribesTheStartOfTheNext() {
        try (var loader = loader(0, true)) {
            LoaderState state = loader.state();
            assertEquals(0, state.epoch());
            assertEquals(0, state.deliveredCount());
            assertEquals(4, state.batchesPerEpoch());
            loader.iterator();
            assertEquals(0, loader.state().epoch());
        }
    }

    @Test
    void stateRoundTripsThroughJson() {
        LoaderState state = new LoaderState(-3, 7, 2, new long[] {4, 9}, 12, 2,
                Map.of("dataset size", "100", "batch sampler", "BatchSampler(batchSize=9, \"quoted\")"));
        assertEquals(state, LoaderState.fromJson(state.toJson()));
        assertEquals("{\"version\":3,\"seed\":-3,\"epoch\":7,\"deliveredPrefix\":2,\"deliveredExtra\":[4,9],"
                + "\"batchesPerEpoch\":12,\"numWorkers\":2,\"fingerprint\":{\"batch sampler\": \"BatchSampler(batchSize=9,"
                + " \\\"quoted\\\")\",\"dataset size\": \"100\"},\"stream\":null}", state.toJson());
        assertEquals(state, LoaderState.fromJson(" { \"version\" : 2, \"seed\":-3, \"epoch\":7, \"deliveredPrefix\":2,"
                + " \"deliveredExtra\": [ 4 , 9 ], \"batchesPerEpoch\":12, \"numWorkers\":2, \"fingerprint\": {"
                + " \"dataset size\": \"100\", \"batch sampler\": \"BatchSampler(batchSize=9, \\\"quoted\\\")\" } } "));
    }

    @Test
    void malformedStatesAreRefusedNamingTheProblem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LoaderState.fromJson("{\"version\":2,\"fingerprint\":{}}"));
        assertTrue(e.getMessage().contains("deliveredExtra"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoaderState.fromJson("{\"version\":2}"));
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoaderState.fromJson("{\"version\":4,\"seed\":1}"));
        assertTrue(e.getMessage().contains("version 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoaderState.fromJson("{\"version\":1,\"seed\":1}"));
        assertTrue(e.getMessage().contains("version 1 carries no fingerprint"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LoaderState.fromJson("not json"));
        assertTrue(e.getMessage().contains("not a loader state"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LoaderState(0, 0, 5, new long[] {3}, 9, 0, Map.of()));
        assertTrue(e.getMessage().contains("deliveredPrefix=5"), e.getMessage());
    }

    @Test
    void aStateFromADifferentLoaderIsRefused() {
        LoaderState state;
        try (var loader = loader(0, true)) {
            state = loader.state();
        }
        try (var otherSeed = DataLoader.builder(augmented()).batchSize(BATCH).seed(78).build()) {
            var e = assertThrows(IllegalArgumentException.class, () -> otherSeed.resume(state));
            assertTrue(e.getMessage().contains("seed 77") && e.getMessage().contains("seed 78"), e.getMessage());
        }
        try (var otherBatching = DataLoader.builder(augmented()).batchSize(2).seed(77).build()) {
            var e = assertThrows(IllegalArgumentException.class, () -> otherBatching.resume(state));
            assertTrue(e.getMessage().contains("4 batches per epoch") && e.getMessage().contains("has 6"),
                    e.getMessage());
        }
        LoaderState streamState;
        try (var stream = streamLoader(2)) {
            streamState = stream.state();
        }
        try (var otherWorkers = streamLoader(3)) {
            var e = assertThrows(IllegalArgumentException.class, () -> otherWorkers.resume(streamState));
            assertTrue(e.getMessage().contains("numWorkers=2") && e.getMessage().contains("numWorkers=3"),
                    e.getMessage());
        }
    }
}
