package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every stream wrapper of the package (map, ChainDataset, ShuffleBuffer, and nestings of them) releases the
 * iterators it opened: once, when closed early at any position, when exhausted, and when the source or a transform
 * fails.
 */
class StreamClosingTest {
    private static final long SIZE = 7;
    private static final WorkerInfo ONE = WorkerInfo.single(3, 0);

    private record Wrapper(String name, UnaryOperator<IterableDataset<Long>> wrap) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Wrapper> WRAPPERS = List.of(
            new Wrapper("map", s -> s.map((x, rng) -> x + 1)),
            new Wrapper("map.map", s -> s.map((x, rng) -> x + 1).map((x, rng) -> x * 2)),
            new Wrapper("chain", s -> ChainDataset.of(s, s.map((x, rng) -> -x))),
            new Wrapper("shuffle", s -> new ShuffleBuffer<>(s, 3)),
            new Wrapper("shuffle(map)", s -> new ShuffleBuffer<>(s.map((x, rng) -> x + 1), 4)),
            new Wrapper("map(chain(shuffle, map))", s -> ChainDataset.of(new ShuffleBuffer<>(s, 2),
                    s.map((x, rng) -> x)).map((x, rng) -> x)));

    private static int elements(Wrapper w) {
        return (int) (w.name.startsWith("chain") || w.name.contains("chain(") ? 2 * SIZE : SIZE);
    }

    @Test
    void everyWrapperClosesItsSourceOnceWhenClosedAfterAnyNumberOfElements() throws Exception {
        for (Wrapper w : WRAPPERS) {
            for (int stop = 0; stop <= elements(w); stop++) {
                CountingStream source = new CountingStream(SIZE);
                Iterator<Long> it = w.wrap.apply(source).iterator(ONE);
                for (int i = 0; i < stop; i++) {
                    it.next();
                }
                AutoCloseable closeable = assertInstanceOf(AutoCloseable.class, it, w + " iterator");
                closeable.close();
                closeable.close();   // idempotent: the source is closed once
                source.assertReleased(w + " stopped after " + stop);
                assertFalse(it.hasNext(), w + ": a closed iterator has no more elements");
                assertThrows(NoSuchElementException.class, it::next, w.name);
            }
        }
    }

    @Test
    void everyWrapperClosesItsSourceWhenExhaustedWithoutBeingClosed() {
        for (Wrapper w : WRAPPERS) {
            CountingStream source = new CountingStream(SIZE);
            Iterator<Long> it = w.wrap.apply(source).iterator(ONE);
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            assertEquals(elements(w), n, w.name);
            source.assertReleased(w + " exhausted");
            assertFalse(it.hasNext(), w.name);
        }
    }

    @Test
    void everyWrapperClosesItsSourceWhenTheSourceFailsAtAnyPosition() {
        for (Wrapper w : WRAPPERS) {
            for (long failAt = 0; failAt < SIZE; failAt++) {
                CountingStream source = new CountingStream(SIZE, failAt, false);
                Iterator<Long> it = w.wrap.apply(source).iterator(ONE);
                assertThrows(CountingStream.SourceFailure.class, () -> {
                    while (it.hasNext()) {
                        it.next();
                    }
                }, w.name);
                source.assertReleased(w + " failing at " + failAt);
                assertFalse(it.hasNext(), w + ": a failed iterator ends");
            }
        }
    }

    @Test
    void aMappedStreamClosesItsSourceWhenTheTransformThrowsMidStream() throws Exception {
        for (long failAt = 0; failAt < SIZE; failAt++) {
            final long bad = failAt;
            CountingStream source = new CountingStream(SIZE);
            IterableDataset<Long> mapped = source.map((x, rng) -> {
                if (x == bad) {
                    throw new IllegalStateException("transform fails at " + x);
                }
                return x;
            });
            for (Wrapper outer : List.of(new Wrapper("alone", s -> s), new Wrapper("in a chain",
                    s -> ChainDataset.of(s)), new Wrapper("in a shuffle buffer", s -> new ShuffleBuffer<>(s, 2)),
                    new Wrapper("mapped again", s -> s.map((x, rng) -> x)))) {
                Iterator<Long> it = outer.wrap.apply(mapped).iterator(ONE);
                List<Long> seen = new ArrayList<>();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                    while (it.hasNext()) {
                        seen.add(it.next());
                    }
                }, outer.name);
                assertEquals("transform fails at " + bad, e.getMessage());
                source.assertReleased("transform failing at " + bad + ", " + outer);
                assertFalse(it.hasNext(), outer + ": a failed iterator ends");
                ((AutoCloseable) it).close();   // closing after the failure closes nothing twice
                source.assertReleased("closed after the failure at " + bad + ", " + outer);
                assertTrue(seen.size() <= bad, outer + ": " + seen);
            }
        }
    }

    @Test
    void aChainKeepsOnePartOpenAtATime() {
        CountingStream a = new CountingStream(3);
        CountingStream b = new CountingStream(2);
        CountingStream c = new CountingStream(4);
        Iterator<Long> it = ChainDataset.of(a, b, c).iterator(ONE);
        int n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
            int open = (a.opens() - a.closes()) + (b.opens() - b.closes()) + (c.opens() - c.closes());
            assertTrue(open <= 1, "after " + n + " elements: " + a.counts() + " / " + b.counts() + " / " + c.counts());
        }
        assertEquals(9, n);
        for (CountingStream s : List.of(a, b, c)) {
            s.assertReleased("chain part");
            assertEquals(1, s.opens());
        }
    }

    @Test
    void aShuffleBufferClosesItsSourceOnceWhenTheSourceEndsBeforeTheBufferIsDelivered() throws Exception {
        CountingStream source = new CountingStream(5);
        ShuffleBuffer<Long> shuffled = new ShuffleBuffer<>(source, 10);
        ShuffleBuffer.Shuffled<Long> it = shuffled.iterator(ONE);
        it.next();   // the whole source is buffered, and it has ended
        source.assertReleased("source ended into the buffer");
        assertEquals(4, it.buffered());
        it.close();
        source.assertReleased("closed afterwards");
        assertEquals(0, shuffled.bufferedElements());
    }

    @Test
    void aShuffleBufferEmptiesItsBufferWhenTheSourceFails() {
        CountingStream source = new CountingStream(10, 6, false);
        ShuffleBuffer<Long> shuffled = new ShuffleBuffer<>(source, 4);
        ShuffleBuffer.Shuffled<Long> it = shuffled.iterator(ONE);
        assertThrows(CountingStream.SourceFailure.class, () -> {
            while (it.hasNext()) {
                it.next();
            }
        });
        assertEquals(0, it.buffered());
        assertEquals(0, shuffled.bufferedElements());
        source.assertReleased("failed source");
    }

    @Test
    void aSourceThatFailsToCloseIsReportedAndDoesNotHideAnEarlierFailure() {
        for (Wrapper w : WRAPPERS) {
            CountingStream source = new CountingStream(SIZE, -1, true);
            Iterator<Long> it = w.wrap.apply(source).iterator(ONE);
            it.next();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ((AutoCloseable) it).close(),
                    w.name);
            assertTrue(e.getMessage().contains("closing the source stream's iterator")
                    && e.getMessage().contains("closing the counting stream fails"), e.getMessage());
            assertEquals(1, source.closes(), w + ": " + source.counts());

            CountingStream failing = new CountingStream(SIZE, 2, true);
            Iterator<Long> it2 = w.wrap.apply(failing).iterator(ONE);
            CountingStream.SourceFailure first = assertThrows(CountingStream.SourceFailure.class, () -> {
                while (it2.hasNext()) {
                    it2.next();
                }
            }, w.name);
            assertEquals(failing.opens(), failing.closes(), w + ": " + failing.counts());
            assertTrue(first.getSuppressed().length >= 1
                    && first.getSuppressed()[0].getMessage().contains("closing the counting stream fails"),
                    w + ": the failure to close is attached to the first failure");
        }
    }
}
