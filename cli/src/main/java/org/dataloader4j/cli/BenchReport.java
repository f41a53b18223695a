package org.dataloader4j.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.dataloader4j.cli.PyTorchRunner.Setup;

/**
 * The tables of {@code dataloader4j bench}: throughput, first-batch latency and peak memory of ours beside
 * PyTorch's two loader setups (its defaults and {@code persistent_workers=True}), every ratio taken against
 * the stronger of the two, and for the TensorDataset pipeline the comparison with PyTorch's batched indexing
 * and with a raw random gather.
 */
final class BenchReport {
    static final String BEST_NOTE = "best = the faster of PyTorch's default and persistent_workers=True setups at"
            + " that worker count (PyTorch refuses persistent workers at 0); every ratio divides ours by best's figure";

    private BenchReport() {
    }

    /**
     * One worker count of one pipeline: our runs and PyTorch's per setup, one run of each per round.
     * Throughput is the median over rounds; first-batch latency is the first round's (the coldest); peak
     * memory is the largest of the rounds. With {@code bench --fresh-first-batch}, {@code freshOurs} and
     * {@code freshPytorch} hold one first batch per round measured in a process started for it (PyTorch's in its
     * default setup); they are empty otherwise.
     */
    record Row(String pipeline, int workers, List<BenchRun> ours, Map<Setup, List<BenchRun>> pytorch,
            List<FreshProcess.FirstBatch> freshOurs, List<FreshProcess.FirstBatch> freshPytorch) {

        /** A row with no runs yet; the lists are filled round by round. */
        static Row empty(String pipeline, int workers) {
            Map<Setup, List<BenchRun>> byS = new EnumMap<>(Setup.class);
            for (Setup s : Setup.values()) {
                byS.put(s, new ArrayList<>());
            }
            return new Row(pipeline, workers, new ArrayList<>(), byS, new ArrayList<>(), new ArrayList<>());
        }

        /** PyTorch's runs in {@code setup}, empty when it was not run. */
        List<BenchRun> runs(Setup setup) {
            return pytorch.getOrDefault(setup, List.of());
        }

        boolean has(Setup setup) {
            return !runs(setup).isEmpty();
        }

        boolean compared() {
            return best().isPresent();
        }

        /** The loader setup of PyTorch with the higher median throughput, empty when PyTorch did not run. */
        Optional<Setup> best() {
            Setup best = null;
            for (Setup s : List.of(Setup.DEFAULT, Setup.PERSISTENT)) {
                if (has(s) && (best == null || median(runs(s)) > median(runs(best)))) {
                    best = s;
                }
            }
            return Optional.ofNullable(best);
        }

        /** Our median throughput over the best setup's, NaN when not compared. */
        double ratio() {
            return best().map(b -> median(ours) / median(runs(b))).orElse(Double.NaN);
        }

        /** Our median throughput over {@code setup}'s, NaN when it did not run. */
        double ratioTo(Setup setup) {
            return has(setup) ? median(ours) / median(runs(setup)) : Double.NaN;
        }
    }

    /** The median of the runs' steady-state throughputs. */
    static double median(List<BenchRun> runs) {
        return median(runs, BenchRun::steadySamplesPerSecond);
    }

    /** The median of {@code value} over {@code list}, NaN when it is empty. */
    static <T> double median(List<T> list, ToDoubleFunction<? super T> value) {
        double[] v = list.stream().mapToDouble(value).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The largest of the runs' values (peak memory), or -1 when none is known. */
    static long max(List<BenchRun> runs, java.util.function.ToLongFunction<BenchRun> value) {
        return runs.stream().mapToLong(value).max().orElse(-1);
    }

    /** The most processes any of the runs' samples saw. */
    static int maxProcesses(List<BenchRun> runs) {
        return runs.stream().mapToInt(r -> r.sampled() == null ? 0 : r.sampled().maxProcesses()).max().orElse(0);
    }

    /** All tables for {@code rows}; the TensorDataset one only when some row ran the batched or gather setup. */
    static List<TextTable> tables(List<Row> rows, int rounds) {
        List<TextTable> tables = new ArrayList<>();
        tables.add(throughput(rows, rounds));
        tables.add(firstBatch(rows));
        if (rows.stream().anyMatch(r -> !r.freshOurs().isEmpty())) {
            tables.add(freshFirstBatch(rows));
        }
        tables.add(memory(rows));
        if (rows.stream().anyMatch(r -> r.has(Setup.BATCHED) || r.has(Setup.GATHER))) {
            tables.add(limits(rows, rounds));
        }
        return tables;
    }

    static TextTable throughput(List<Row> rows, int rounds) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            Optional<Setup> best = r.best();
            cells.add(List.of(r.pipeline(), Integer.toString(r.workers()), count(median(r.ours())),
                    best.map(b -> count(median(r.runs(b)))).orElse("-"),
                    best.map(b -> times(r.ratio())).orElse("-"),
                    best.map(BenchReport::shortName).orElse("-"),
                    setupCount(r, Setup.DEFAULT), setupCount(r, Setup.PERSISTENT)));
        }
        return new TextTable("Throughput, samples/s: steady-state epochs (after the first; the only one with --epochs 1),"
                + " median of " + rounds + (rounds == 1 ? " round" : " rounds"),
                List.of("pipeline", "workers", "ours samples/s", "PyTorch best samples/s", "ours / best", "best",
                        "PyTorch default", "PyTorch persistent"),
                cells, List.of(BEST_NOTE));
    }

    static TextTable firstBatch(List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            Optional<Setup> best = r.best();
            double ours = r.ours().getFirst().firstBatchMillis();
            cells.add(List.of(r.pipeline(), Integer.toString(r.workers()), millis(ours),
                    setupFirstBatch(r, Setup.DEFAULT), setupFirstBatch(r, Setup.PERSISTENT),
                    best.map(b -> times(ours / r.runs(b).getFirst().firstBatchMillis())).orElse("-")));
        }
        return new TextTable("First batch, ms: first epoch of the first round, from creating the iterator to receiving"
                + " the first batch",
                List.of("pipeline", "workers", "ours ms", "PyTorch default ms", "PyTorch persistent ms", "ours / best"),
                cells, List.of("only the run's first row meets a JVM that has compiled nothing yet; the later rows run"
                        + " in the same JVM after it (--fresh-first-batch measures every row in new processes)"));
    }

    static TextTable freshFirstBatch(List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        int rounds = 0;
        for (Row r : rows) {
            rounds = Math.max(rounds, r.freshOurs().size());
            double ours = median(r.freshOurs(), FreshProcess.FirstBatch::firstBatchMillis);
            double theirs = median(r.freshPytorch(), FreshProcess.FirstBatch::firstBatchMillis);
            double oursLaunch = median(r.freshOurs(), FreshProcess.FirstBatch::fromLaunchMillis);
            double theirsLaunch = median(r.freshPytorch(), FreshProcess.FirstBatch::fromLaunchMillis);
            cells.add(List.of(r.pipeline(), Integer.toString(r.workers()),
                    spread(r.freshOurs(), FreshProcess.FirstBatch::firstBatchMillis),
                    spread(r.freshPytorch(), FreshProcess.FirstBatch::firstBatchMillis), times(ours / theirs),
                    spread(r.freshOurs(), FreshProcess.FirstBatch::fromLaunchMillis),
                    spread(r.freshPytorch(), FreshProcess.FirstBatch::fromLaunchMillis),
                    times(oursLaunch / theirsLaunch)));
        }
        return new TextTable("First batch in a fresh process, ms: median of " + rounds + (rounds == 1 ? " process"
                + " per side" : " processes per side, one a round") + " (fastest-slowest in brackets); ours a new"
                + " JVM with the bench's options, PyTorch a new Python process with its default loader",
                List.of("pipeline", "workers", "ours ms", "PyTorch ms", "ours / PyTorch", "ours from launch",
                        "PyTorch from launch", "ours / PyTorch from launch"),
                cells, List.of("ms: from creating the iterator to receiving the first batch; from launch: from starting"
                        + " the process (the runtime's start, imports or class loading, listing the dataset) to"
                        + " receiving it"));
    }

    /** "median (fastest-slowest)" of the values, the median alone for one value, "-" for none. */
    private static <T> String spread(List<T> list, ToDoubleFunction<? super T> value) {
        if (list.isEmpty()) {
            return "-";
        }
        double[] v = list.stream().mapToDouble(value).sorted().toArray();
        String median = millis(median(list, value));
        return v.length == 1 ? median : median + " (" + millis(v[0]) + "-" + millis(v[v.length - 1]) + ")";
    }

    static TextTable memory(List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            Optional<Setup> best = r.best();
            long rss = max(r.ours(), BenchRun::sampledRssBytes);
            long pss = max(r.ours(), BenchRun::sampledPssBytes);
            long bestPss = best.map(b -> max(r.runs(b), BenchRun::sampledPssBytes)).orElse(-1L);
            cells.add(List.of(r.pipeline(), Integer.toString(r.workers()), mib(rss), mib(pss),
                    mib(max(r.ours(), BenchRun::peakRssBytes)),
                    setupPss(r, Setup.DEFAULT), setupPss(r, Setup.PERSISTENT),
                    ratio(rss, bestPss), ratio(pss, bestPss)));
        }
        String every = rows.stream().flatMap(r -> r.ours().stream()).filter(run -> run.sampled() != null)
                .map(run -> " every " + run.sampled().intervalMillis() + " ms").findFirst().orElse("");
        return new TextTable("Peak memory, MiB: sampled" + every + " during each run (RSS from /proc/PID/status, PSS from"
                + " /proc/PID/smaps_rollup), largest of the rounds; PyTorch's is the PSS of its main process plus all its"
                + " worker processes (processes in parentheses)",
                List.of("pipeline", "workers", "ours RSS", "ours PSS", "ours VmHWM", "PyTorch default PSS",
                        "PyTorch persistent PSS", "ours RSS / best PSS", "ours PSS / best PSS"),
                cells, List.of("ours is the whole JVM (heap, off-heap tensors, code); ours VmHWM is the kernel's exact"
                        + " peak RSS, which sampling can miss; PSS divides each shared page among the processes"
                        + " that map it, so a family's PSS adds up to what it holds"));
    }

    static TextTable limits(List<Row> rows, int rounds) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            if (!r.has(Setup.BATCHED) && !r.has(Setup.GATHER)) {
                continue;
            }
            cells.add(List.of(r.pipeline(), Integer.toString(r.workers()), count(median(r.ours())),
                    setupCount(r, Setup.BATCHED), r.has(Setup.BATCHED) ? times(r.ratioTo(Setup.BATCHED)) : "-",
                    setupCount(r, Setup.GATHER), r.has(Setup.GATHER) ? times(r.ratioTo(Setup.GATHER)) : "-"));
        }
        return new TextTable("TensorDataset beside PyTorch's batched indexing and a raw random gather, samples/s, median"
                + " of " + rounds + (rounds == 1 ? " round" : " rounds"),
                List.of("pipeline", "workers", "ours samples/s", "PyTorch batched indexing", "ours / batched",
                        "raw gather (1 core)", "ours / gather"),
                cells, List.of("batched indexing: DataLoader(dataset, sampler=BatchSampler(RandomSampler(dataset),"
                        + " batch_size, drop_last=False), batch_size=None, num_workers=w, persistent_workers=w>0);"
                        + " raw gather: index_select of the same rows in shuffled batches on one thread, no loader"
                        + " (the same at every worker count: the limit of one core)"));
    }

    private static String shortName(Setup s) {
        return s.word();
    }

    private static String setupCount(Row r, Setup s) {
        if (r.has(s)) {
            return count(median(r.runs(s)));
        }
        return r.compared() && !s.appliesTo(r.workers()) ? "n/a" : "-";
    }

    private static String setupFirstBatch(Row r, Setup s) {
        if (r.has(s)) {
            return millis(r.runs(s).getFirst().firstBatchMillis());
        }
        return r.compared() && !s.appliesTo(r.workers()) ? "n/a" : "-";
    }

    private static String setupPss(Row r, Setup s) {
        if (r.has(s)) {
            return mib(max(r.runs(s), BenchRun::sampledPssBytes)) + " (" + maxProcesses(r.runs(s)) + ")";
        }
        return r.compared() && !s.appliesTo(r.workers()) ? "n/a" : "-";
    }

    static String count(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String times(double ratio) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.1f", ms);
    }

    static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%,.0f", bytes / 1048576.0);
    }

    private static String ratio(long ours, long theirs) {
        return ours < 0 || theirs <= 0 ? "-" : times((double) ours / theirs);
    }
}
