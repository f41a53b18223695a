package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShuffleBufferTest {
    private static final IterableDataset<Long> NUMBERS = worker -> LongStream.range(0, 300)
            .filter(worker::owns).boxed().iterator();

    private static List<Long> drain(Iterator<Long> it) {
        List<Long> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 1000})
    void deliversEveryElementExactlyOnce(int bufferSize) {
        List<Long> got = drain(new ShuffleBuffer<>(NUMBERS, bufferSize).iterator(WorkerInfo.single(1, 0)));
        List<Long> sorted = new ArrayList<>(got);
        sorted.sort(null);
        assertEquals(LongStream.range(0, 300).boxed().toList(), sorted);
        if (bufferSize == 1) {
            assertEquals(sorted, got, "a buffer of one cannot reorder");
        } else {
            assertNotEquals(sorted, got);
        }
    }

    @Test
    void orderDerivesFromSeedEpochAndWorker() {
        ShuffleBuffer<Long> shuffled = new ShuffleBuffer<>(NUMBERS, 50);
        List<Long> a = drain(shuffled.iterator(new WorkerInfo(0, 1, 7, 3)));
        assertEquals(a, drain(shuffled.iterator(new WorkerInfo(0, 1, 7, 3))));
        assertNotEquals(a, drain(shuffled.iterator(new WorkerInfo(0, 1, 7, 4))));
        assertNotEquals(a, drain(shuffled.iterator(new WorkerInfo(0, 1, 8, 3))));
    }

    @Test
    void shardedSourceStaysExactlyOnceAcrossWorkersAndThroughTheLoader() {
        ShuffleBuffer<Long> shuffled = new ShuffleBuffer<>(NUMBERS, 16);
        List<Long> all = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            all.addAll(drain(shuffled.iterator(new WorkerInfo(w, 3, 5, 0))));
        }
        all.sort(null);
        assertEquals(LongStream.range(0, 300).boxed().toList(), all);
        List<Long> loaded = new ArrayList<>();
        try (DataLoader<List<Long>> loader = DataLoader.builder(shuffled).batchSize(10).numWorkers(2)
                .<List<Long>>collate(List::copyOf).seed(1).build()) {
            for (List<Long> batch : loader.epoch(0)) {
                loaded.addAll(batch);
            }
        }
        loaded.sort(null);
        assertEquals(LongStream.range(0, 300).boxed().toList(), loaded);
        assertEquals(0, shuffled.bufferedElements());
    }

    @Test
    void reportsBufferedElementsAndTensorBytes() {
        List<Tensor> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(Tensor.of(new float[] {i, i, i, i}));   // 16 bytes each
        }
        IterableDataset<List<Tensor>> source = worker -> rows.stream().map(t -> List.of(t)).iterator();
        ShuffleBuffer<List<Tensor>> shuffled = new ShuffleBuffer<>(source, 10);
        ShuffleBuffer.Shuffled<List<Tensor>> it = shuffled.iterator(WorkerInfo.single(0, 0));
        assertEquals(0, it.buffered());
        it.next();
        assertEquals(9, it.buffered());
        assertEquals(9 * 16, it.bufferedBytes());
        assertEquals(9, shuffled.bufferedElements());
        assertEquals(9 * 16, shuffled.bufferedBytes());
        for (int i = 0; i < 30; i++) {
            it.next();
        }
        assertEquals(9, it.buffered(), "source exhausted: draining");
        it.forEachRemaining(x -> { });
        assertEquals(0, shuffled.bufferedElements());
        assertEquals(0, shuffled.bufferedBytes());
        rows.forEach(Tensor::close);
    }

    @Test
    void closingEarlyReleasesTheBufferAndClosesTheSource() {
        AtomicBoolean sourceClosed = new AtomicBoolean();
        class Closeable implements Iterator<Long>, AutoCloseable {
            long n;

            public boolean hasNext() {
                return true;
            }

            public Long next() {
                return n++;
            }

            public void close() {
                sourceClosed.set(true);
            }
        }
        ShuffleBuffer<Long> shuffled = new ShuffleBuffer<>(worker -> new Closeable(), 100);
        ShuffleBuffer.Shuffled<Long> it = shuffled.iterator(WorkerInfo.single(0, 0));
        for (int i = 0; i < 5; i++) {
            it.next();
        }
        assertEquals(99, shuffled.bufferedElements(), "full buffer minus the element just delivered");
        it.close();
        assertEquals(0, shuffled.bufferedElements());
        assertTrue(sourceClosed.get());
        assertFalse(it.hasNext());
    }

    @Test
    void bufferSizeMustBePositive() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ShuffleBuffer<>(NUMBERS, 0)).getMessage()
                .contains("bufferSize=0"));
    }
}
