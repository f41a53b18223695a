package org.dataloader4j.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notices pooled (batch) tensors that were never closed: their memory comes back through the garbage
 * collector, late, instead of going straight to the next batch. The first such tensor is reported once as a
 * warning (logger {@code org.dataloader4j.tensor.BufferPool}); with {@code -Ddataloader4j.leaks=trace} every
 * pooled tensor records where it was allocated, and the warning shows that place (this costs a stack trace per
 * batch tensor, so it is off by default). Netty's leak detector is the model.
 */
final class LeakDetector {
    /** The system property that turns on allocation traces: {@code trace}. */
    static final String PROPERTY = "dataloader4j.leaks";
    private static final System.Logger LOG = System.getLogger(BufferPool.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicLong LEAKED = new AtomicLong();
    private static volatile boolean trace = "trace".equalsIgnoreCase(System.getProperty(PROPERTY));

    private LeakDetector() {
    }

    /** What one pooled tensor carries: whether it was closed, and where it was allocated (when tracing). */
    static final class Track {
        private volatile boolean closed;
        private final Throwable allocatedAt;
        private final long bytes;

        private Track(long bytes, Throwable allocatedAt) {
            this.bytes = bytes;
            this.allocatedAt = allocatedAt;
        }

        void closed() {
            closed = true;
        }
    }

    /** A track for a tensor of {@code bytes} being allocated now. */
    static Track track(long bytes) {
        return new Track(bytes, trace ? new Throwable("a pooled tensor of " + bytes + " bytes was allocated here")
                : null);
    }

    /** {@code release}, reporting a leak first when it runs for a tensor that was never closed. */
    static Runnable releasing(Track track, Runnable release) {
        return () -> {
            if (!track.closed) {
                reclaimed(track);
            }
            release.run();
        };
    }

    private static void reclaimed(Track track) {
        LEAKED.incrementAndGet();
        if (!WARNED.compareAndSet(false, true)) {
            return;
        }
        String message = "a batch tensor of " + track.bytes + " bytes was never closed: the garbage collector gave"
                + " its memory back, late, instead of close() handing it to the next batch; close batches after use"
                + " (try (batch) { ... }). This is reported once; "
                + (track.allocatedAt == null ? "run with -D" + PROPERTY + "=trace to see where it was allocated"
                : "where it was allocated follows");
        LOG.log(System.Logger.Level.WARNING, message, track.allocatedAt);
    }

    /** How many pooled tensors were reclaimed without being closed, since the JVM started. */
    static long leaked() {
        return LEAKED.get();
    }

    /** For tests: turns allocation traces on or off and lets the next leak be reported again. */
    static void reset(boolean traceAllocations) {
        trace = traceAllocations;
        WARNED.set(false);
    }
}
