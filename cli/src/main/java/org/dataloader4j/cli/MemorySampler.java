package org.dataloader4j.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Samples the memory of a process family ({@link ProcessFamily}: a process and all its descendants) on a
 * background thread while a benchmark run goes on, and keeps the peaks of the family's summed PSS and
 * summed RSS. The same sampler measures our JVM (alone: the PyTorch script it started is its child, but not
 * part of it) and PyTorch's main process with its worker processes, so the two sides are measured alike.
 *
 * <p>RSS comes from {@code /proc/PID/status}, a counter that is cheap to read, at every tick (once when
 * started, every interval, once when stopped). PSS comes from {@code /proc/PID/smaps_rollup}, for which the
 * kernel walks every page table of the process (tens of milliseconds for a process with torch loaded, CPU
 * taken from the run being measured), so it is read only when it can have grown: at the first and the last
 * tick, when the family gained or lost a process, when its summed RSS grew by more than 2 % since the last
 * PSS read, and at least every {@link #PSS_REFRESH_TICKS} ticks (which catches pages a worker copies on write:
 * they add to the family's PSS but not to its RSS). {@link Peak#samplingMillis()} says what it all cost.
 */
final class MemorySampler {
    /** A PSS read is at most this many ticks old. */
    static final int PSS_REFRESH_TICKS = 10;

    /**
     * The peaks one sampler saw.
     *
     * @param peakPssBytes   the largest sum of the family's PSS over the PSS reads, or -1 when none was read
     * @param peakRssBytes   the largest sum of the family's RSS (pages shared between them counted once per
     *                       process) over the ticks, or -1 when none was read
     * @param maxProcesses   the most processes the family had at one tick
     * @param samples        how many ticks read the family's RSS
     * @param pssSamples     how many of them also read its PSS
     * @param intervalMillis the time between ticks
     * @param samplingMillis the wall time spent reading /proc, all together
     * @param error          why a read failed, or null when none did
     */
    record Peak(long peakPssBytes, long peakRssBytes, int maxProcesses, int samples, int pssSamples,
            long intervalMillis, double samplingMillis, String error) {

        /** True when the PSS was read at least once. */
        boolean known() {
            return pssSamples > 0;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peakPssBytes", peakPssBytes);
            m.put("peakRssBytes", peakRssBytes);
            m.put("maxProcesses", maxProcesses);
            m.put("samples", samples);
            m.put("pssSamples", pssSamples);
            m.put("intervalMillis", intervalMillis);
            m.put("samplingMillis", samplingMillis);
            if (error != null) {
                m.put("error", error);
            }
            return m;
        }
    }

    private final long root;
    private final boolean descendants;
    private final Duration interval;
    private final Thread thread;
    /** Counted down by stop(); the loop waits on it between ticks (no interrupt: it would close a file being read). */
    private final CountDownLatch stopping = new CountDownLatch(1);
    // written by the sampling thread, and by the caller of start() and stop() before and after it runs
    private long peakPss = -1;
    private long peakRss = -1;
    private int maxProcesses;
    private int samples;
    private int pssSamples;
    private long samplingNanos;
    private String error;
    private int ticksSincePss;
    private int lastPssProcesses = -1;
    private long lastPssRss;

    private MemorySampler(long root, boolean descendants, Duration interval) {
        this.root = root;
        this.descendants = descendants;
        this.interval = interval;
        this.thread = Thread.ofPlatform().daemon().name("bench-memory-sampler-" + root).unstarted(this::loop);
    }

    /**
     * Starts sampling the family of process {@code root} every {@code interval}.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    static MemorySampler start(long root, Duration interval) {
        return start(root, true, interval);
    }

    /** Starts sampling this JVM alone, without the processes it started (such as the PyTorch script). */
    static MemorySampler startSelf(Duration interval) {
        return start(ProcessHandle.current().pid(), false, interval);
    }

    private static MemorySampler start(long root, boolean descendants, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the sampling interval must be positive, but got " + interval);
        }
        MemorySampler sampler = new MemorySampler(root, descendants, interval);
        sampler.tick(true);
        sampler.thread.start();
        return sampler;
    }

    /** Stops sampling after one last tick (with PSS) and returns the peaks. */
    Peak stop() {
        stopping.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tick(true);
        synchronized (this) {
            return new Peak(peakPss, peakRss, maxProcesses, samples, pssSamples, interval.toMillis(),
                    samplingNanos / 1e6, error);
        }
    }

    private void loop() {
        try {
            while (!stopping.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                tick(false);
            }
        } catch (InterruptedException e) {
            // nobody interrupts this thread; end quietly if something does
        }
    }

    /** Reads the family's RSS and, when {@code forcePss} or when it may have grown, its PSS. */
    private synchronized void tick(boolean forcePss) {
        long start = System.nanoTime();
        try {
            List<Long> family = descendants ? ProcessFamily.of(root) : List.of(root);
            long rss = 0;
            int processes = 0;
            for (long pid : family) {
                long bytes = ProcessMemory.rssBytes(pid);
                if (bytes >= 0) {
                    rss += bytes;
                    processes++;
                }
            }
            if (processes == 0) {
                return; // the root is gone: nothing to add
            }
            samples++;
            peakRss = Math.max(peakRss, rss);
            maxProcesses = Math.max(maxProcesses, processes);
            ticksSincePss++;
            boolean needPss = forcePss || pssSamples == 0 || processes != lastPssProcesses
                    || rss > lastPssRss + lastPssRss / 50 || ticksSincePss >= PSS_REFRESH_TICKS;
            if (needPss) {
                readPss(family);
            }
        } catch (IOException | RuntimeException e) {
            if (error == null) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        } finally {
            samplingNanos += System.nanoTime() - start;
        }
    }

    private void readPss(List<Long> family) throws IOException {
        long pss = 0;
        long rss = 0;
        int processes = 0;
        for (long pid : family) {
            Optional<SmapsRollup> rollup = SmapsRollup.read(pid);
            if (rollup.isPresent()) {
                pss += rollup.get().pssBytes();
                rss += rollup.get().rssBytes();
                processes++;
            }
        }
        if (processes == 0) {
            return;
        }
        pssSamples++;
        peakPss = Math.max(peakPss, pss);
        peakRss = Math.max(peakRss, rss);
        ticksSincePss = 0;
        lastPssProcesses = processes;
        lastPssRss = rss;
    }
}
