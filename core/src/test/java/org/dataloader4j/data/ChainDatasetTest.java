package org.dataloader4j.data;

import static org.dataloader4j.data.SampleAssertions.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ChainDatasetTest {

    /** The stream {@code from .. to - 1}, sharded round-robin by position among the workers. */
    static IterableDataset<Long> numbers(long from, long to) {
        return worker -> LongStream.range(from, to).filter(n -> worker.owns(n - from)).boxed().iterator();
    }

    @Test
    void yieldsTheFirstDatasetThenTheSecond() {
        ChainDataset<Long> chain = ChainDataset.of(numbers(0, 3), numbers(100, 102));
        assertEquals(List.of(0L, 1L, 2L, 100L, 101L), drain(chain.iterator(WorkerInfo.single(0, 0))));
    }

    @Test
    void eachWorkerGetsItsShareOfEveryDatasetInTurn() {
        ChainDataset<Long> chain = ChainDataset.of(numbers(0, 5), numbers(100, 103));
        assertEquals(List.of(1L, 3L, 101L), drain(chain.iterator(new WorkerInfo(1, 2, 7, 0))));
    }

    @Test
    void unionOverWorkersIsTheWholeChainWithoutDuplicates() {
        ChainDataset<Long> chain = ChainDataset.of(numbers(0, 7), numbers(10, 10), numbers(20, 25));
        for (int workers = 1; workers <= 4; workers++) {
            List<Long> all = new ArrayList<>();
            for (int id = 0; id < workers; id++) {
                all.addAll(drain(chain.iterator(new WorkerInfo(id, workers, id, 0))));
            }
            all.sort(null);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 20L, 21L, 22L, 23L, 24L), all, workers + " workers");
        }
    }

    @Test
    void asksEachDatasetForItsIteratorOnlyWhenTheChainReachesIt() {
        AtomicInteger opened = new AtomicInteger();
        IterableDataset<Long> second = worker -> {
            opened.incrementAndGet();
            return List.of(9L).iterator();
        };
        Iterator<Long> it = ChainDataset.of(numbers(0, 2), second).iterator(WorkerInfo.single(0, 0));
        assertEquals(0L, it.next());
        assertEquals(1L, it.next());
        assertEquals(0, opened.get());
        assertTrue(it.hasNext());
        assertEquals(1, opened.get());
        assertEquals(9L, it.next());
    }

    @Test
    void skipsEmptyDatasetsAndThenReportsTheEnd() {
        Iterator<Long> it = ChainDataset.of(numbers(0, 0), numbers(5, 6), numbers(0, 0))
                .iterator(WorkerInfo.single(0, 0));
        assertEquals(5L, it.next());
        assertFalse(it.hasNext());
        var e = assertThrows(java.util.NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("3 chained datasets"), e.getMessage());
    }

    @Test
    void iteratorsAreIndependent() {
        ChainDataset<Long> chain = ChainDataset.of(numbers(0, 2), numbers(10, 11));
        Iterator<Long> a = chain.iterator(WorkerInfo.single(0, 0));
        a.next();
        assertEquals(List.of(0L, 1L, 10L), drain(chain.iterator(WorkerInfo.single(0, 0))));
        assertEquals(List.of(1L, 10L), drain(a));
    }

    @Test
    void aNullIteratorIsReportedNamingTheDataset() {
        IterableDataset<Long> broken = worker -> null;
        Iterator<Long> it = ChainDataset.of(numbers(0, 1), broken).iterator(WorkerInfo.single(0, 0));
        it.next();
        var e = assertThrows(NullPointerException.class, it::hasNext);
        assertTrue(e.getMessage().startsWith("dataset 1 of the chain returned a null iterator"), e.getMessage());
    }

    @Test
    void refusesAnEmptyListAndNullDatasets() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ChainDataset<Long>(List.of()))
                .getMessage().contains("at least one dataset"));
        assertEquals("dataset 0 is null",
                assertThrows(NullPointerException.class, () -> ChainDataset.of(null, numbers(0, 1))).getMessage());
        assertEquals("worker", assertThrows(NullPointerException.class,
                () -> ChainDataset.of(numbers(0, 1)).iterator(null)).getMessage());
    }
}
