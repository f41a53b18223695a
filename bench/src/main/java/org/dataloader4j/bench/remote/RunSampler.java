package org.dataloader4j.bench.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Samples, every {@code intervalMillis} while one run lasts, this JVM's used heap, the bytes of the files in the
 * shard cache folder (if any), and the S3 server's RSS (if it has its own process), keeping the peaks. The peak RSS
 * of this JVM is not sampled: it is the kernel's exact {@code VmHWM}, reset at {@link #start}.
 */
final class RunSampler implements AutoCloseable {
    private final Path cacheDir;
    private final LongSupplier serverRss;
    private final long intervalMillis;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private final boolean peakRssReset;
    private volatile boolean stop;
    private volatile long peakHeap;
    private volatile long peakCacheFiles;
    private volatile long peakServerRss = -1;
    private volatile IOException failure;

    private RunSampler(Path cacheDir, LongSupplier serverRss, long intervalMillis) {
        this.cacheDir = cacheDir;
        this.serverRss = serverRss;
        this.intervalMillis = intervalMillis;
        this.peakRssReset = ProcStat.resetPeakRss();
        sample();
        this.thread = Thread.ofPlatform().daemon().name("remote-bench-sampler").start(this::loop);
    }

    /**
     * Resets the peak RSS and starts sampling.
     *
     * @param cacheDir  the shard cache folder to measure, or null
     * @param serverRss the server's RSS now, or -1 where it shares this JVM
     */
    static RunSampler start(Path cacheDir, LongSupplier serverRss, long intervalMillis) {
        return new RunSampler(cacheDir, serverRss, intervalMillis);
    }

    private void loop() {
        while (!stop) {
            sample();
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
        peakServerRss = Math.max(peakServerRss, serverRss.getAsLong());
        if (cacheDir != null) {
            try {
                peakCacheFiles = Math.max(peakCacheFiles, folderBytes(cacheDir));
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** The bytes of the regular files directly in {@code dir} (downloads in progress included). */
    static long folderBytes(Path dir) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try {
                    if (Files.isRegularFile(f)) {
                        total += Files.size(f);
                    }
                } catch (NoSuchFileException evicted) {
                    // deleted between the listing and the size: it no longer counts
                }
            }
        }
        return total;
    }

    /** What was sampled, after a last sample; this JVM's peak RSS is its VmHWM since {@link #start}. */
    record Peaks(long rss, boolean rssSinceStart, long heap, long cacheFiles, long serverRss) {
    }

    /** Stops sampling and returns the peaks. */
    Peaks finish() {
        close();
        sample();
        if (failure != null) {
            throw new UncheckedIOException("cannot measure the cache folder " + cacheDir, failure);
        }
        long rss;
        try {
            rss = ProcStat.statusBytes(Path.of("/proc/self/status"), "VmHWM");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this JVM's peak RSS", e);
        }
        return new Peaks(rss, peakRssReset, peakHeap, peakCacheFiles, peakServerRss);
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
