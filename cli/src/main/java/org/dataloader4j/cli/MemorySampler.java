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
 * summed RSS from {@code /proc/PID/smaps_rollup}. The same sampler measures our JVM (alone: the PyTorch
 * script it started is its child, but not part of it) and PyTorch's main process with its worker processes,
 * so the two sides are measured alike. It samples once
 * when started, every interval after that, and once more when stopped. A sample is not free: the kernel walks
 * the page tables of every process read (on the 2-core build machine about 25 ms per GiB resident), which is
 * CPU taken from the run being measured; {@link Peak#samplingMillis()} says how much.
 */
final class MemorySampler {

    /**
     * The peaks one sampler saw.
     *
     * @param peakPssBytes  the largest sum of the family's PSS over the samples, or -1 when no sample was read
     * @param peakRssBytes  the largest sum of the family's RSS (pages shared between them counted once per process)
     * @param maxProcesses  the most processes the family had in one sample
     * @param samples       how many samples were read
     * @param intervalMillis the time between samples
     * @param samplingMillis the wall time spent reading the samples, all together
     * @param error         why samples failed, or null when none did
     */
    record Peak(long peakPssBytes, long peakRssBytes, int maxProcesses, int samples, long intervalMillis,
            double samplingMillis, String error) {

        /** True when at least one sample was read. */
        boolean known() {
            return samples > 0;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peakPssBytes", peakPssBytes);
            m.put("peakRssBytes", peakRssBytes);
            m.put("maxProcesses", maxProcesses);
            m.put("samples", samples);
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
    /** Counted down by stop(); the loop waits on it between samples (no interrupt: it would close a file being read). */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private long peakPss = -1;
    private long peakRss = -1;
    private int maxProcesses;
    private int samples;
    private long samplingNanos;
    private String error;

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

    private static MemorySampler start(long root, boolean descendants, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the sampling interval must be positive, but got " + interval);
        }
        MemorySampler sampler = new MemorySampler(root, descendants, interval);
        sampler.sample();
        sampler.thread.start();
        return sampler;
    }

    /** Starts sampling this JVM alone, without the processes it started (such as the PyTorch script). */
    static MemorySampler startSelf(Duration interval) {
        return start(ProcessHandle.current().pid(), false, interval);
    }

    /** Stops sampling after one last sample and returns the peaks. */
    Peak stop() {
        stopping.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        synchronized (this) {
            return new Peak(peakPss, peakRss, maxProcesses, samples, interval.toMillis(), samplingNanos / 1e6, error);
        }
    }

    private void loop() {
        try {
            while (!stopping.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                sample();
            }
        } catch (InterruptedException e) {
            // nobody interrupts this thread; end quietly if something does
        }
    }

    /** Reads every member of the family once and adds the sums to the peaks. */
    private void sample() {
        long start = System.nanoTime();
        try {
            read();
        } finally {
            long took = System.nanoTime() - start;
            synchronized (this) {
                samplingNanos += took;
            }
        }
    }

    private void read() {
        long pss = 0;
        long rss = 0;
        int processes = 0;
        try {
            List<Long> family = descendants ? ProcessFamily.of(root) : List.of(root);
            for (long pid : family) {
                Optional<SmapsRollup> rollup = SmapsRollup.read(pid);
                if (rollup.isPresent()) {
                    pss += rollup.get().pssBytes();
                    rss += rollup.get().rssBytes();
                    processes++;
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (error == null) {
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
            return;
        }
        if (processes == 0) {
            return; // the root is gone: nothing to add
        }
        synchronized (this) {
            peakPss = Math.max(peakPss, pss);
            peakRss = Math.max(peakRss, rss);
            maxProcesses = Math.max(maxProcesses, processes);
            samples++;
        }
    }
}
