package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.LoaderIterator;

/**
 * The measurements of one loader at one worker count, for either side (ours or PyTorch): every
 * epoch's timing and the process's peak resident memory while it ran.
 *
 * @param workers      worker count
 * @param epochs       per-epoch timings, in order
 * @param peakRssBytes the process's peak resident set size (VmHWM) during the run, or since process start
 *                     when {@code peakRssReset} is false; -1 if unknown
 * @param peakRssReset whether the peak was reset before the run
 * @param sampled      the peaks of the process family's PSS and RSS sampled from {@code /proc/PID/smaps_rollup}
 *                     while the run went on (ours: the JVM; PyTorch: its main process and all its workers), or
 *                     null when not sampled
 */
record BenchRun(int workers, List<Epoch> epochs, long peakRssBytes, boolean peakRssReset,
        MemorySampler.Peak sampled) {

    BenchRun {
        epochs = List.copyOf(epochs);
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one epoch");
        }
    }

    /**
     * One epoch.
     *
     * @param firstBatchMillis time from creating the epoch's iterator to receiving its first batch
     */
    record Epoch(int epoch, long samples, long batches, double seconds, double firstBatchMillis) {
        double samplesPerSecond() {
            return samples / seconds;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("samples", samples);
            m.put("batches", batches);
            m.put("seconds", seconds);
            m.put("samplesPerSecond", samplesPerSecond());
            m.put("firstBatchMillis", firstBatchMillis);
            return m;
        }
    }

    /** This run with {@code peak} as its sampled memory. */
    BenchRun withSampled(MemorySampler.Peak peak) {
        return new BenchRun(workers, epochs, peakRssBytes, peakRssReset, peak);
    }

    /** The sampled peak PSS of the process family in bytes, or -1 when not sampled. */
    long sampledPssBytes() {
        return sampled != null && sampled.known() ? sampled.peakPssBytes() : -1;
    }

    /** The sampled peak RSS of the process family in bytes, or -1 when not sampled. */
    long sampledRssBytes() {
        return sampled != null ? sampled.peakRssBytes() : -1;
    }

    /** Samples per second over the epochs after the first (warm-up), or of the only epoch when there is one. */
    double steadySamplesPerSecond() {
        List<Epoch> steady = epochs.size() > 1 ? epochs.subList(1, epochs.size()) : epochs;
        long samples = 0;
        double seconds = 0;
        for (Epoch e : steady) {
            samples += e.samples();
            seconds += e.seconds();
        }
        return samples / seconds;
    }

    /** Samples per second of the first epoch (with warm-up: JIT on our side, first forks on PyTorch's). */
    double firstEpochSamplesPerSecond() {
        return epochs.getFirst().samplesPerSecond();
    }

    /** First-batch latency of the first epoch: what a user waits for after starting to iterate. */
    double firstBatchMillis() {
        return epochs.getFirst().firstBatchMillis();
    }

    /** First-batch latency of the last epoch (warm). */
    double steadyFirstBatchMillis() {
        return epochs.getLast().firstBatchMillis();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samplesPerSecond", steadySamplesPerSecond());
        m.put("firstEpochSamplesPerSecond", firstEpochSamplesPerSecond());
        m.put("firstBatchMillis", firstBatchMillis());
        m.put("steadyFirstBatchMillis", steadyFirstBatchMillis());
        m.put("peakRssBytes", peakRssBytes);
        m.put("peakRssReset", peakRssReset);
        m.put("sampledMemory", sampled != null ? sampled.toJson() : null);
        m.put("epochs", epochs.stream().map(Epoch::toJson).toList());
        return m;
    }

    /** Reads the {@code "result"} object the PyTorch scripts print. */
    static BenchRun fromScriptJson(Map<?, ?> json) {
        List<?> rawEpochs = (List<?>) json.get("epochs");
        List<Epoch> epochs = rawEpochs.stream().map(o -> {
            Map<?, ?> e = (Map<?, ?>) o;
            return new Epoch(num(e, "epoch").intValue(), num(e, "samples").longValue(), num(e, "batches").longValue(),
                    num(e, "seconds").doubleValue(), num(e, "firstBatchMillis").doubleValue());
        }).toList();
        Object reset = json.get("peakRssReset");
        return new BenchRun(num(json, "workers").intValue(), epochs, num(json, "peakRssBytes").longValue(),
                Boolean.TRUE.equals(reset), null);
    }

    private static Number num(Map<?, ?> json, String key) {
        if (json.get(key) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("expected a number for '" + key + "' but got " + json.get(key));
    }

    /**
     * Loads {@code dataset} shuffled with the default collate for {@code epochs} epochs at {@code workers},
     * closing every batch as a training loop would, and measures each epoch and the process's peak RSS.
     */
    static BenchRun measure(Dataset<?> dataset, int batchSize, long seed, int workers, int epochs,
            PrintWriter progress) {
        return measure(dataset, batchSize, seed, workers, epochs, LoaderTuning.DEFAULTS, progress);
    }

    /** As {@link #measure(Dataset, int, long, int, int, PrintWriter)}, with {@code tuning}'s in-flight limits. */
    static BenchRun measure(Dataset<?> dataset, int batchSize, long seed, int workers, int epochs, LoaderTuning tuning,
            PrintWriter progress) {
        ProcessMemory.settle();
        boolean reset = ProcessMemory.resetPeak();
        List<BenchRun.Epoch> timings = new ArrayList<>();
        try (DataLoader<Batch> loader = loader(dataset, batchSize, seed, workers, tuning)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                long start = System.nanoTime();
                long firstBatch = -1;
                long count = 0;
                long batches = 0;
                try (LoaderIterator<Batch> it = (LoaderIterator<Batch>) loader.epoch(epoch).iterator()) {
                    while (it.hasNext()) {
                        try (Batch batch = it.next()) {
                            if (firstBatch < 0) {
                                firstBatch = System.nanoTime() - start;
                            }
                            count += batch.size();
                            batches++;
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                BenchRun.Epoch e = new BenchRun.Epoch(epoch, count, batches, seconds, firstBatch / 1e6);
                timings.add(e);
                progress.printf(Locale.ROOT, "  ours     workers=%d epoch %d: %,.0f samples/s, first batch %.2f ms%n",
                        workers, epoch, e.samplesPerSecond(), e.firstBatchMillis());
            }
        }
        return new BenchRun(workers, timings, ProcessMemory.peakRssBytes(), reset, null);
    }

    /**
     * When a first batch arrived.
     *
     * @param millis          from creating the iterator to receiving the batch
     * @param wallClockMillis the system clock when it was received ({@link System#currentTimeMillis()})
     */
    record FirstBatch(double millis, long wallClockMillis) {
    }

    /**
     * The first batch of the first epoch, as {@link #measure} loads it. The iterator and the loader are closed
     * right after it.
     */
    static FirstBatch firstBatch(Dataset<?> dataset, int batchSize, long seed, int workers, LoaderTuning tuning) {
        try (DataLoader<Batch> loader = loader(dataset, batchSize, seed, workers, tuning)) {
            long start = System.nanoTime();
            try (LoaderIterator<Batch> it = (LoaderIterator<Batch>) loader.epoch(0).iterator();
                    Batch batch = it.next()) {
                long arrived = System.nanoTime();
                return new FirstBatch((arrived - start) / 1e6, System.currentTimeMillis());
            }
        }
    }

    private static DataLoader<Batch> loader(Dataset<?> dataset, int batchSize, long seed, int workers,
            LoaderTuning tuning) {
        return tuning.apply(DataLoader.builder(dataset).batchSize(batchSize).shuffle(true).seed(seed)
                .numWorkers(workers), workers).build();
    }
}
