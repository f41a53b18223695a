package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.ShuffleBuffer;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A stream's last {@code map} writes its tensors straight into the rows of a batch allocated ahead (once the layout is
 * known), with batches bitwise equal to reading without rows; stages below the last map, whose elements a shuffle
 * buffer may hold across batches, never get batch rows, so no element outlives the batch memory it uses.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class StreamBatchRowsTest {
    private static final int N = 203;
    private static final int BATCH = 8;

    /** A tensor of 16 floats all equal to {@code x}, allocated as a transform's sample output. */
    private static Tensor filled(long x) {
        Tensor t = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(16));
        for (int i = 0; i < 16; i++) {
            t.setFloat(x, i);
        }
        return t;
    }

    private static IterableDataset<Long> numbers() {
        return worker -> LongStream.range(0, N).filter(worker::owns).boxed().iterator();
    }

    @Test
    void theLastMapWritesIntoBatchRowsAndTheBatchesAreTheSame() {
        for (int workers : new int[] {0, 1, 2, 3}) {
            AtomicLong inPlace = new AtomicLong();
            List<Long> addresses = java.util.Collections.synchronizedList(new ArrayList<>());
            IterableDataset<Tensor> tensors = numbers().map((x, rng) -> {
                Tensor t = filled(x);
                addresses.add(t.data().address());
                return t;
            });
            List<float[]> rowsOut = new ArrayList<>();
            try (var loader = DataLoader.builder(tensors).batchSize(BATCH).numWorkers(workers).seed(2).build()) {
                for (Batch batch : loader.epoch(0)) {
                    try (batch) {
                        Tensor t = batch.tensor();
                        long base = t.data().address();
                        long step = t.byteSize() / t.shape().dim(0);
                        for (long a : List.copyOf(addresses)) {
                            long offset = a - base;
                            if (offset >= 0 && offset < t.byteSize() && offset % step == 0) {
                                inPlace.incrementAndGet();
                            }
                        }
                        addresses.clear();
                        float[] values = t.toFloatArray();
                        for (int r = 0; r < t.shape().dim(0); r++) {
                            rowsOut.add(java.util.Arrays.copyOfRange(values, r * 16, r * 16 + 16));
                        }
                    }
                }
            }
            List<float[]> expected = new ArrayList<>();
            try (var plain = DataLoader.builder(numbers()).batchSize(BATCH).numWorkers(workers).seed(2)
                    .collate(List::<Long>copyOf).build()) {
                for (List<Long> batch : plain.epoch(0)) {
                    for (long x : batch) {
                        float[] row = new float[16];
                        java.util.Arrays.fill(row, x);
                        expected.add(row);
                    }
                }
            }
            assertEquals(expected.size(), rowsOut.size(), workers + " workers");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), rowsOut.get(i), workers + " workers, element " + i);
            }
            if (workers == 0) {   // with workers, the batches made ahead list their samples in between
                assertTrue(inPlace.get() > N / 2, workers + " workers: only " + inPlace + " of " + N
                        + " samples were written into their batch rows");
            }
        }
    }

    @Test
    void elementsHeldByAShuffleBufferBelowTheLastMapNeverUseBatchRows() {
        for (int workers : new int[] {0, 2}) {
            IterableDataset<Tensor> produced = numbers().map((x, rng) -> filled(x));      // below the buffer
            IterableDataset<Tensor> shuffled = new ShuffleBuffer<>(produced, 32);
            IterableDataset<Tensor> last = shuffled.map((t, rng) -> t);                   // passes the held tensor on
            List<Float> seen = new ArrayList<>();
            try (var loader = DataLoader.builder(last).batchSize(BATCH).numWorkers(workers).seed(2).build()) {
                for (Batch batch : loader.epoch(0)) {
                    try (batch) {                      // closed at once: its memory goes back to the pool for the next
                        Tensor t = batch.tensor();
                        float[] values = t.toFloatArray();
                        for (int r = 0; r < t.shape().dim(0); r++) {
                            for (int i = 1; i < 16; i++) {
                                assertEquals(values[r * 16], values[r * 16 + i], workers + " workers: row " + r
                                        + " mixes two elements (a batch row was reused under a held element)");
                            }
                            seen.add(values[r * 16]);
                        }
                    }
                }
            }
            List<Float> sorted = new ArrayList<>(seen);
            java.util.Collections.sort(sorted);
            List<Float> expected = LongStream.range(0, N).mapToObj(x -> (float) x).toList();
            assertEquals(expected, sorted, workers + " workers: every element once, each intact");
        }
    }
}
