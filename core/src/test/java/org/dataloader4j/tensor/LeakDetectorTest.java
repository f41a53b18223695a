package org.dataloader4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Pooled (batch) tensors that are never closed are reported once; closed ones never are. */
@Isolated
class LeakDetectorTest {
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger logger = Logger.getLogger(BufferPool.class.getName());

    @AfterEach
    void reset() {
        logger.removeHandler(handler);
        LeakDetector.reset(false);
    }

    /** Allocates a pooled tensor and drops it unclosed; returns once the collector has reclaimed it. */
    private static void leakOne(BufferPool pool) {
        long before = LeakDetector.leaked();
        pool.allocate(DType.FLOAT32, Shape.of(16, 16)); // dropped at once, never closed
        for (int i = 0; i < 200 && LeakDetector.leaked() == before; i++) {
            System.gc();
            sleep();
        }
        assertEquals(before + 1, LeakDetector.leaked(), "the unclosed tensor was reclaimed and counted");
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private List<LogRecord> warnings() {
        synchronized (records) {
            return records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        }
    }

    @Test
    void anUnclosedBatchTensorIsReportedOnceWithHowToFindIt() {
        LeakDetector.reset(false);
        logger.addHandler(handler);
        try (BufferPool pool = BufferPool.builder().build()) {
            leakOne(pool);
            leakOne(pool);
        }
        List<LogRecord> warnings = warnings();
        assertEquals(1, warnings.size(), "reported once, not per tensor");
        String message = warnings.getFirst().getMessage();
        assertTrue(message.contains("a batch tensor of 1024 bytes was never closed")
                && message.contains("-Ddataloader4j.leaks=trace"), message);
    }

    @Test
    void withTracingTheWarningShowsWhereTheTensorWasAllocated() {
        LeakDetector.reset(true);
        logger.addHandler(handler);
        try (BufferPool pool = BufferPool.builder().build()) {
            leakOne(pool);
        }
        LogRecord warning = warnings().getFirst();
        assertTrue(warning.getThrown() != null, "the allocation trace is attached");
        boolean fromHere = false;
        for (StackTraceElement e : warning.getThrown().getStackTrace()) {
            fromHere |= e.getMethodName().equals("leakOne");
        }
        assertTrue(fromHere, "the trace names the allocating method");
    }

    @Test
    void closedTensorsAreNeverReported() {
        long before = LeakDetector.leaked();
        try (BufferPool pool = BufferPool.builder().build()) {
            for (int i = 0; i < 100; i++) {
                Tensor t = pool.allocate(DType.UINT8, Shape.of(64));
                Tensor view = t.reshape(8, 8);
                view.close(); // a view frees nothing
                t.close();
            }
        }
        OffHeapAssertions.settledLiveBytes();
        assertEquals(before, LeakDetector.leaked());
    }
}
