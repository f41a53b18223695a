package org.dataloader4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dataloader4j.cli.BenchReport.Row;
import org.dataloader4j.cli.PyTorchRunner.Setup;
import org.dataloader4j.io.internal.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dataloader4j bench}: loads a standard pipeline with our {@code DataLoader} for several worker
 * counts and, with {@code --compare-pytorch}, PyTorch's equivalent in the same run, alternating between
 * the two at each worker count. PyTorch runs in two setups, its defaults and {@code persistent_workers=True},
 * and every ratio is taken against the faster of the two; the TensorDataset pipeline is also compared with
 * PyTorch's batched indexing and with a raw random gather of the same rows (the limit of one core). It prints
 * tables of steady-state samples per second, first-batch latency and peak memory (both sides sampled by a
 * {@link MemorySampler} during each run: our JVM's RSS and PSS, the PSS of PyTorch's main process plus all its
 * worker processes), and can write everything as JSON and append the tables to a markdown file. Several
 * pipelines ({@code --pipeline tensor,npy-mmap}) run one after another, each built, measured over all
 * rounds and freed before the next, so that each one's peak RSS holds only its own data; with
 * {@code --interleave} they are all built first and take turns within each round, so that their relative
 * throughput is measured in the same minutes. The table shows them together, and each later pipeline's
 * throughput relative to the first.
 *
 * <pre>{@code
 * ./dataloader4j bench --compare-pytorch --json bench.json
 * ./dataloader4j bench --pipeline tensor,npy-mmap --compare-pytorch --rounds 2
 * ./dataloader4j bench --pipeline image-train,image-eval --compare-pytorch --workers 0,2 --rounds 2
 * ./dataloader4j bench --compare-pytorch --markdown BENCHMARKS.md --note "5 rounds, idle machine"
 * }</pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure a standard loading pipeline for several worker counts, optionally beside PyTorch.",
                "Throughput is the steady state: epochs after the first (the only epoch when --epochs 1).",
                "First-batch latency is the first epoch's (iterator created -> first batch received).",
                "Peak memory is sampled during each run (RSS from /proc/PID/status, PSS from /proc/PID/smaps_rollup): our"
                        + " JVM's RSS and PSS, and the PSS of PyTorch's main process plus all its worker processes; both"
                        + " include the dataset.",
                "PyTorch runs with its defaults and with persistent_workers=True; ratios are against the faster."},
        footer = {"", "Example: dataloader4j bench --compare-pytorch --json bench.json"})
final class BenchCommand implements Callable<Integer> {

    /** The pipelines --pipeline accepts. */
    static final List<String> PIPELINES = List.of("tensor", "npy-mmap", "image-train", "image-eval");

    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", defaultValue = "tensor", split = ",", paramLabel = "NAME",
            completionCandidates = PipelineNames.class,
            description = {"what to load, one or more (comma-separated, run one after another) of:"
                    + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
                    "tensor: a TensorDataset in memory; npy-mmap: the same data written as .npy files and"
                            + " memory-mapped (warm page cache), PyTorch mapping the same files with numpy.load(mmap_mode='r');",
                    "image-train: ImageFolder + RandomResizedCrop(224), RandomHorizontalFlip, ToTensor, Normalize;"
                            + " image-eval: ImageFolder + Resize(256), CenterCrop(224), ToTensor, Normalize"})
    List<String> pipelines;

    @Option(names = "--samples", defaultValue = "1000000", description = "samples in the dataset (default: ${DEFAULT-VALUE})")
    long samples;

    @Option(names = "--features", defaultValue = "256", description = "FLOAT32 values per sample (default: ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--batch-size", defaultValue = "256", description = "samples per batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--workers", defaultValue = "0,1,2", split = ",", paramLabel = "N",
            description = "worker counts to measure, 0 = calling thread (default: ${DEFAULT-VALUE})")
    List<Integer> workers;

    @Option(names = "--epochs", defaultValue = "2",
            description = "epochs per worker count; the first is warm-up (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--rounds", defaultValue = "1",
            description = "repeat the whole sweep, alternating ours and PyTorch each time; the table shows the median"
                    + " throughput of the rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the data and the shuffles (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--compare-pytorch",
            description = "also run PyTorch's DataLoader on the same-sized data (needs torch for --python)")
    boolean comparePytorch;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python interpreter with torch, for --compare-pytorch (default: ${DEFAULT-VALUE})")
    Path python;

    @Option(names = "--pytorch-scripts", paramLabel = "DIR",
            description = "folder holding the PyTorch scripts (default: bench/pytorch of this checkout)")
    Path pytorchScripts;

    @Option(names = "--interleave",
            description = {"with several pipelines: build them all first and take turns within each round (tensor"
                    + " w0 w1 w2, npy-mmap w0 w1 w2, tensor ...), so that their relative throughput is measured in"
                    + " the same minutes; their data are then all in memory together and every peak RSS includes"
                    + " all of them. Default: one pipeline after another, each freed before the next"})
    boolean interleave;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where npy-mmap writes its .npy files (a new folder, deleted at the end; default: the"
                    + " system's temporary folder)")
    Path dataDir;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/tmp/bench-imagenet",
            description = "the ImageFolder of the image pipelines, as ../shared/bench/make-bench-data.sh makes it"
                    + " (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--image-batch-size", paramLabel = "N", defaultValue = "64",
            description = "images per batch of the image pipelines (default: ${DEFAULT-VALUE})")
    int imageBatchSize;

    @Option(names = "--prefetch-factor", paramLabel = "N", defaultValue = "0",
            description = {"image pipelines, our side, workers > 0: keep N batches per worker in flight (PyTorch's"
                    + " rule) instead of our default window of two batches at any worker count (default: the window);"
                    + " to measure throughput against batch memory. PyTorch keeps its defaults"})
    int prefetchFactor;

    @Option(names = "--max-inflight-mib", paramLabel = "MIB", defaultValue = "0",
            description = "image pipelines, our side, workers > 0: the loader's maxInflightBytes budget in MiB (default:"
                    + " none)")
    long maxInflightMib;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE",
            description = "also append the tables to the markdown FILE (e.g. BENCHMARKS.md) as a section headed by the"
                    + " date, with the machine, the software and the command line; FILE is created if missing")
    Path markdown;

    @Option(names = "--note", paramLabel = "TEXT",
            description = "with --markdown: what kind of run this is, put in the section's heading (e.g. \"smoke run"
                    + " on a loaded machine\")")
    String note;

    @Option(names = "--memory-interval-ms", paramLabel = "MS", defaultValue = "100",
            description = {"time between memory samples of each run, ours and PyTorch's (default: ${DEFAULT-VALUE}):"
                    + " RSS at every sample; PSS, for which the kernel walks the page tables (CPU taken from the run),"
                    + " when the RSS grew by 2 %% or the processes changed, and at least every 10 samples"})
    long memoryIntervalMillis;

    @Option(names = "--fresh-first-batch",
            description = {"also measure the first batch in fresh processes: in each round and at each worker count, a"
                    + " new JVM started with this one's options (the start-up cache included) and, with"
                    + " --compare-pytorch, a new Python process with PyTorch's default loader, each building the"
                    + " pipeline, reading one first batch and exiting; a table shows the medians over the rounds,"
                    + " from creating the iterator and from launching the process"})
    boolean freshFirstBatch;

    @Option(names = "--first-batch-only", hidden = true,
            description = "what --fresh-first-batch starts: build each pipeline, read one first batch at each worker"
                    + " count, print each as a JSON line ({\"event\": \"first-batch\", ...}) and exit")
    boolean firstBatchOnly;

    @Mixin
    VerboseOption verbose;

    /** How long a fresh process of --fresh-first-batch may take (building the pipeline included). */
    private static final Duration FRESH_PROCESS_TIMEOUT = Duration.ofMinutes(10);

    /** What the JSON reports of PyTorch: the versions of the first runner that started, or why one did not. */
    private Map<String, Object> torchJson;
    private String torchNote;

    /** Lists the pipeline names for help and completion. */
    static final class PipelineNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return PIPELINES.iterator();
        }
    }

    @Override
    public Integer call() throws IOException {
        validate();
        if (pipelines.stream().anyMatch(p -> p.startsWith("image-")) && !Files.isDirectory(data)) {
            spec.commandLine().getErr().println("dataloader4j: no image folder at " + data + ": run"
                    + " ../shared/bench/make-bench-data.sh (it writes /tmp/bench-imagenet) or give --data DIR");
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (firstBatchOnly) {
            return printFirstBatches(out);
        }
        Instant started = Instant.now();
        MachineInfo machine = MachineInfo.current();
        out.printf(Locale.ROOT, "dataloader4j bench on %s%n", machine.describe());
        List<Row> rows = new ArrayList<>();
        List<Map<String, Object>> pipelineJson = new ArrayList<>();
        List<Stage> open = new ArrayList<>();
        try {
            if (interleave) {
                for (String name : pipelines) {
                    open.add(openStage(name, out));
                }
                for (int round = 0; round < rounds; round++) {
                    for (Stage stage : open) {
                        stage.runRound(round, rounds, epochs, out);
                    }
                }
                for (Stage stage : open) {
                    finish(stage, rows, pipelineJson);
                }
                open.clear();
            } else {
                for (String name : pipelines) {
                    Stage stage = openStage(name, out);
                    open.add(stage);
                    for (int round = 0; round < rounds; round++) {
                        stage.runRound(round, rounds, epochs, out);
                    }
                    finish(stage, rows, pipelineJson);
                    open.remove(stage);
                }
            }
        } finally {
            for (Stage stage : open) {
                stage.close();
            }
        }
        List<TextTable> tables = BenchReport.tables(rows, rounds);
        for (TextTable table : tables) {
            out.println();
            table.printText(out);
        }
        printRelative(rows, out);
        if (json != null) {
            Files.writeString(json, Json.write(toJson(pipelineJson, rows, torchJson, torchNote)) + "\n");
            out.println("wrote " + json);
        }
        if (markdown != null) {
            String command = "dataloader4j " + String.join(" ", spec.commandLine().getParseResult().originalArgs()
                    .stream().map(BenchCommand::shellQuoted).toList());
            new BenchMarkdown(started, note, machine, MachineInfo.loadAverage(readOrEmpty(Path.of("/proc/loadavg"))),
                    software(), command, pipelineJson.stream().map(p -> p.get("name") + ": " + p.get("description"))
                    .toList(), tables).appendTo(markdown);
            out.println("appended the tables to " + markdown);
        }
        return 0;
    }

    /** --first-batch-only: one first batch per pipeline and worker count, each printed as a JSON line. */
    private int printFirstBatches(PrintWriter out) throws IOException {
        for (String name : pipelines) {
            try (BenchPipeline bench = createPipeline(name)) {
                for (int w : workers) {
                    BenchRun.FirstBatch first = bench.firstBatch(w);
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("event", "first-batch");
                    event.put("pipeline", name);
                    event.put("workers", w);
                    event.put("firstBatchMillis", first.millis());
                    event.put("wallMillis", first.wallClockMillis());
                    out.println(oneLine(event));
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** A flat JSON object (strings and numbers) on one line, as FreshProcess reads its events. */
    static String oneLine(Map<String, Object> flat) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            sb.append(sb.length() > 1 ? ", " : "").append(Json.write(e.getKey())).append(": ")
                    .append(Json.write(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** The arguments of a JVM started by --fresh-first-batch to read {@code pipeline}'s first batch at {@code w}. */
    private List<String> freshArguments(String pipeline, int w) {
        List<String> args = new ArrayList<>(List.of("bench", "--first-batch-only", "--pipeline", pipeline,
                "--workers", Integer.toString(w), "--samples", Long.toString(samples),
                "--features", Integer.toString(features), "--batch-size", Integer.toString(batchSize),
                "--seed", Long.toString(seed), "--data", data.toString(),
                "--image-batch-size", Integer.toString(imageBatchSize),
                "--prefetch-factor", Integer.toString(prefetchFactor),
                "--max-inflight-mib", Long.toString(maxInflightMib)));
        if (dataDir != null) {
            args.addAll(List.of("--data-dir", dataDir.toString()));
        }
        return args;
    }

    /** Both sides' software in one line, for the markdown section. */
    private String software() {
        String ours = "dataloader4j on Java " + Runtime.version();
        if (torchJson != null) {
            return ours + "; PyTorch " + torchJson.get("torch") + (torchJson.get("torchvision") != null
                    ? ", torchvision " + torchJson.get("torchvision") : "") + " on Python " + torchJson.get("python")
                    + " (" + torchJson.get("executable") + ")";
        }
        return ours + (comparePytorch ? "; PyTorch not compared: " + torchNote : "; PyTorch not compared");
    }

    /** {@code arg} as a shell would need it: as is when plain, else in single quotes. */
    static String shellQuoted(String arg) {
        return !arg.isEmpty() && arg.matches("[\\w@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Builds pipeline {@code name} and, with --compare-pytorch, starts its PyTorch script. */
    private Stage openStage(String name, PrintWriter out) throws IOException {
        long buildStart = System.nanoTime();
        BenchPipeline bench = createPipeline(name);
        double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
        out.printf(Locale.ROOT, "pipeline %s: %s (built in %.1f s)%n", bench.name(), bench.description(),
                buildSeconds);
        PyTorchRunner torch = null;
        Path script = null;
        if (comparePytorch) {
            try {
                script = locateScript(bench.pytorchScript());
                torch = PyTorchRunner.start(python, script, bench.pytorchArguments());
                Object source = torch.ready().get("source");
                out.printf(Locale.ROOT, "PyTorch %s (%s, Python %s) built its dataset%s%n",
                        torch.torchVersion(), torch.ready().get("executable"), torch.ready().get("python"),
                        source == null ? "" : ": " + source);
                if (torchJson == null) {
                    torchJson = torchJson(torch);
                }
            } catch (PyTorchRunner.UnavailableException e) {
                torchNote = e.getMessage();
                out.println("PyTorch comparison skipped: " + torchNote);
            } catch (RuntimeException | Error e) {
                bench.close();
                throw e;
            }
        }
        List<Row> own = new ArrayList<>();
        for (int w : workers) {
            own.add(Row.empty(bench.name(), w));
        }
        List<Setup> setups = bench.comparesWithGather()
                ? List.of(Setup.DEFAULT, Setup.PERSISTENT, Setup.BATCHED, Setup.GATHER)
                : List.of(Setup.DEFAULT, Setup.PERSISTENT);
        FreshCommands fresh = null;
        if (freshFirstBatch) {
            List<String> theirs = null;
            if (torch != null) {
                theirs = new ArrayList<>(List.of(python.toString(), script.toString(), "--first-batch"));
                theirs.addAll(bench.pytorchArguments());
            }
            fresh = new FreshCommands(w -> FreshProcess.thisJvm(freshArguments(name, w)), theirs);
        }
        return new Stage(bench, torch, buildSeconds, own, setups, Duration.ofMillis(memoryIntervalMillis), fresh);
    }

    /**
     * The processes --fresh-first-batch starts at a worker count: our JVM's command, and PyTorch's script without
     * its {@code --workers} (null when PyTorch is not compared).
     */
    private record FreshCommands(java.util.function.IntFunction<List<String>> ours, List<String> pytorch) {
        List<String> pytorch(int workers) {
            List<String> command = new ArrayList<>(pytorch);
            command.addAll(List.of("--workers", Integer.toString(workers)));
            return command;
        }
    }

    /** Closes the stage (PyTorch first, then our data and files) and collects its rows and its JSON entry. */
    private static void finish(Stage stage, List<Row> rows, List<Map<String, Object>> pipelineJson) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", stage.bench().name());
        p.put("description", stage.bench().description());
        p.put("buildSeconds", stage.buildSeconds());
        p.put("pytorchBuildSeconds", stage.torch() != null ? stage.torch().ready().get("buildSeconds") : null);
        p.putAll(stage.bench().details());
        stage.close();
        rows.addAll(stage.rows());
        pipelineJson.add(p);
    }

    /**
     * One pipeline with its PyTorch runner (null when not compared), its table rows (one per worker count), the
     * PyTorch setups it is compared with and the interval of the memory samples.
     */
    private record Stage(BenchPipeline bench, PyTorchRunner torch, double buildSeconds, List<Row> rows,
            List<Setup> setups, Duration memoryInterval, FreshCommands fresh) {
        /**
         * One round of {@code rounds}: at each worker count, ours then PyTorch's in each of its setups that
         * apply, {@code epochs} epochs each, with the memory of each side sampled while it runs.
         */
        void runRound(int round, int rounds, int epochs, PrintWriter out) throws IOException {
            if (rounds > 1) {
                out.printf(Locale.ROOT, "%s round %d of %d%n", bench.name(), round + 1, rounds);
            }
            for (Row row : rows) {
                int w = row.workers();
                bench.warmPageCache(); // both sides start with the files cached (PageCache)
                ProcessMemory.settle(); // before the first sample, as measure() settles before resetting VmHWM
                MemorySampler sampler = MemorySampler.startSelf(memoryInterval);
                BenchRun ours;
                MemorySampler.Peak peak;
                try {
                    ours = bench.run(w, epochs, out);
                } finally {
                    peak = sampler.stop();
                }
                ours = ours.withSampled(peak);
                out.printf(Locale.ROOT, "  ours     workers=%d peak memory (sampled): RSS %s MiB, PSS %s MiB; %d samples"
                        + " (%d with PSS) took %.0f ms%n", w, BenchReport.mib(ours.sampledRssBytes()),
                        BenchReport.mib(ours.sampledPssBytes()), peak.samples(), peak.pssSamples(),
                        peak.samplingMillis());
                row.ours().add(ours);
                for (Setup setup : torch == null ? List.<Setup>of() : setups) {
                    if (!setup.appliesTo(w)) {
                        continue;
                    }
                    bench.warmPageCache();
                    BenchRun theirs = torch.run(w, epochs, setup, memoryInterval);
                    for (BenchRun.Epoch e : theirs.epochs()) {
                        out.printf(Locale.ROOT, "  PyTorch %s workers=%d epoch %d: %,.0f samples/s, first"
                                + " batch %.2f ms%n", setup.word(), w, e.epoch(), e.samplesPerSecond(),
                                e.firstBatchMillis());
                    }
                    out.printf(Locale.ROOT, "  PyTorch %s workers=%d peak memory (sampled, %d processes): PSS %s MiB,"
                            + " RSS summed %s MiB; %d samples (%d with PSS) took %.0f ms%n", setup.word(), w,
                            BenchReport.maxProcesses(List.of(theirs)), BenchReport.mib(theirs.sampledPssBytes()),
                            BenchReport.mib(theirs.sampledRssBytes()), theirs.sampled().samples(),
                            theirs.sampled().pssSamples(), theirs.sampled().samplingMillis());
                    row.pytorch().get(setup).add(theirs);
                }
                if (fresh != null) {
                    measureFresh(row, out);
                }
            }
        }

        /** One first batch in a fresh process of ours, then one of PyTorch's when compared, each from a warm page cache. */
        private void measureFresh(Row row, PrintWriter out) throws IOException {
            int w = row.workers();
            bench.warmPageCache();
            FreshProcess.FirstBatch ours = FreshProcess.firstBatch(fresh.ours().apply(w),
                    "our JVM for " + row.pipeline() + " at " + w + " workers", FRESH_PROCESS_TIMEOUT);
            row.freshOurs().add(ours);
            out.printf(Locale.ROOT, "  ours     workers=%d fresh JVM: first batch %.2f ms, %.0f ms after the launch%n", w,
                    ours.firstBatchMillis(), ours.fromLaunchMillis());
            if (fresh.pytorch() != null) {
                bench.warmPageCache();
                FreshProcess.FirstBatch theirs = FreshProcess.firstBatch(fresh.pytorch(w), "PyTorch's "
                        + bench.pytorchScript() + " at " + w + " workers", FRESH_PROCESS_TIMEOUT);
                row.freshPytorch().add(theirs);
                out.printf(Locale.ROOT, "  PyTorch default workers=%d fresh process: first batch %.2f ms, %.0f ms after"
                        + " the launch%n", w, theirs.firstBatchMillis(), theirs.fromLaunchMillis());
            }
        }

        void close() {
            try {
                if (torch != null) {
                    torch.close();
                }
            } finally {
                bench.close();
            }
        }
    }

    private static Map<String, Object> torchJson(PyTorchRunner torch) {
        Map<String, Object> pt = new LinkedHashMap<>();
        pt.put("torch", torch.torchVersion());
        pt.put("torchvision", torch.ready().get("torchvision"));
        pt.put("python", torch.ready().get("python"));
        pt.put("executable", torch.ready().get("executable"));
        return pt;
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        for (String pipeline : pipelines) {
            if (!PIPELINES.contains(pipeline)) {
                problems.add("--pipeline should be one or more of " + PIPELINES + ", but got --pipeline=" + pipeline);
            }
        }
        if (pipelines.stream().distinct().count() < pipelines.size()) {
            problems.add("--pipeline names a pipeline twice: --pipeline=" + String.join(",", pipelines));
        }
        requirePositive(problems, "--samples", samples);
        requirePositive(problems, "--features", features);
        requirePositive(problems, "--batch-size", batchSize);
        requirePositive(problems, "--image-batch-size", imageBatchSize);
        requirePositive(problems, "--rounds", rounds);
        requirePositive(problems, "--memory-interval-ms", memoryIntervalMillis);
        if (prefetchFactor < 0) {
            problems.add("--prefetch-factor should be positive (or 0 for the default window), but got --prefetch-factor="
                    + prefetchFactor);
        }
        if (maxInflightMib < 0 || maxInflightMib > Long.MAX_VALUE >> 20) {
            problems.add("--max-inflight-mib should be positive (or 0 for none), but got --max-inflight-mib="
                    + maxInflightMib);
        }
        requirePositive(problems, "--epochs", epochs);
        if (workers.isEmpty() || workers.stream().anyMatch(w -> w < 0)) {
            problems.add("--workers should list non-negative counts, but got --workers="
                    + String.join(",", workers.stream().map(String::valueOf).toList()));
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }

    /** Adds to {@code problems} that {@code option} should be positive when {@code value} is not. */
    private static void requirePositive(List<String> problems, String option, long value) {
        if (value < 1) {
            problems.add(option + " should be positive, but got " + option + "=" + value);
        }
    }

    private BenchPipeline createPipeline(String pipeline) throws IOException {
        return switch (pipeline) {
            case "tensor" -> new TensorPipeline(samples, features, batchSize, seed);
            case "npy-mmap" -> new NpyMmapPipeline(samples, features, batchSize, seed, dataDir);
            case "image-train" -> new ImagePipeline(true, data, imageBatchSize, seed, tuning());
            case "image-eval" -> new ImagePipeline(false, data, imageBatchSize, seed, tuning());
            default -> throw new AssertionError(pipeline); // validate() refused it
        };
    }

    /** Our loader's in-flight limits from --prefetch-factor and --max-inflight-mib. */
    private LoaderTuning tuning() {
        return new LoaderTuning(prefetchFactor, maxInflightMib << 20);
    }

    /**
     * The PyTorch script {@code name}: under {@code --pytorch-scripts} when given, else in {@code bench/pytorch}
     * of the checkout this jar (or class folder) was built in, else of the working directory or a parent.
     */
    private Path locateScript(String name) throws PyTorchRunner.UnavailableException {
        if (pytorchScripts != null) {
            return pytorchScripts.resolve(name);
        }
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: fall back to the working directory
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("bench").resolve("pytorch").resolve(name);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new PyTorchRunner.UnavailableException("cannot find bench/pytorch/" + name
                + " above the jar or the working directory; point --pytorch-scripts at that folder");
    }

    /**
     * With several pipelines of one kind: each later pipeline's median throughput relative to the first one's of
     * its kind at the same worker count, for ours and for PyTorch's best setup (for example npy-mmap / tensor:
     * mapped against in memory; image-eval / image-train). Pipelines of different kinds (tensors, images) are
     * not compared: their samples differ.
     */
    private static void printRelative(List<Row> rows, PrintWriter out) {
        Map<String, String> firstOfKind = new LinkedHashMap<>();
        for (Row r : rows) {
            String first = firstOfKind.computeIfAbsent(kind(r.pipeline()), k -> r.pipeline());
            if (r.pipeline().equals(first)) {
                continue;
            }
            Row base = rows.stream().filter(b -> b.pipeline().equals(first) && b.workers() == r.workers())
                    .findFirst().orElseThrow();
            String theirs = r.compared() && base.compared()
                    ? String.format(Locale.ROOT, ", PyTorch best %.2fx", BenchReport.median(r.runs(r.best().orElseThrow()))
                            / BenchReport.median(base.runs(base.best().orElseThrow())))
                    : "";
            out.printf(Locale.ROOT, "%s / %s at workers=%d: ours %.2fx%s%n", r.pipeline(), first, r.workers(),
                    BenchReport.median(r.ours()) / BenchReport.median(base.ours()), theirs);
        }
    }

    /** What a pipeline loads: "image" for the image pipelines, "tensor" for tensor and npy-mmap. */
    private static String kind(String pipeline) {
        return pipeline.startsWith("image-") ? "image" : "tensor";
    }

    private Map<String, Object> toJson(List<Map<String, Object>> pipelineJson, List<Row> rows,
            Map<String, Object> torchJson, String torchNote) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", Instant.now().toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        MachineInfo here = MachineInfo.current();
        machine.put("cpu", here.cpuModel());
        machine.put("memoryBytes", here.memoryBytes());
        machine.put("loadAverageAtEnd", here.loadAverage());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", Runtime.version().toString());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        root.put("machine", machine);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("pipeline", String.join(",", pipelines));
        config.put("pipelines", pipelineJson);
        config.put("interleave", interleave);
        config.put("data", data.toString());
        config.put("imageBatchSize", imageBatchSize);
        config.put("prefetchFactor", prefetchFactor);
        config.put("maxInflightBytes", maxInflightMib << 20);
        config.put("samples", samples);
        config.put("features", features);
        config.put("batchSize", batchSize);
        config.put("epochs", epochs);
        config.put("rounds", rounds);
        config.put("seed", seed);
        config.put("workers", workers);
        config.put("memoryIntervalMillis", memoryIntervalMillis);
        root.put("config", config);
        Map<String, Object> pt = new LinkedHashMap<>();
        pt.put("requested", comparePytorch);
        pt.put("available", torchJson != null);
        if (torchJson != null) {
            pt.putAll(torchJson);
        }
        if (torchNote != null) {
            pt.put("reason", torchNote);
        }
        root.put("pytorch", pt);
        root.put("notes", List.of(
                "samplesPerSecond is the steady state: epochs after the first (the only epoch when epochs = 1);"
                        + " a result's samplesPerSecond and pytorchSamplesPerSecond are medians over the rounds,"
                        + " 'ours' and 'pytorch' list every round",
                "firstBatchMillis is the first epoch's time from creating the iterator to receiving the first batch",
                "freshFirstBatch (with --fresh-first-batch) lists per round the first batch of a process started for it"
                        + " alone (ours: a new JVM with this one's options; PyTorch: a new Python process, default"
                        + " setup): firstBatchMillis from creating the iterator, fromLaunchMillis from starting the"
                        + " process",
                "peakRssBytes is the whole process's VmHWM during the run (after a GC; reset before it when peakRssReset is"
                        + " true); PyTorch's covers its main process only, not its worker processes",
                "sampledMemory holds the peaks of the process family's summed PSS and RSS sampled from"
                        + " /proc/PID/smaps_rollup every intervalMillis during the run: ours is the JVM alone,"
                        + " PyTorch's its main process and all its worker processes",
                "pytorch lists every round of each PyTorch setup: default, persistent (persistent_workers=True, workers"
                        + " > 0 only), and for the tensor pipeline batched (BatchSampler as sampler, batch_size=None) and"
                        + " gather (index_select of shuffled batches on one thread, no loader); pytorchBest is the"
                        + " faster of default and persistent, and ratio and pytorchSamplesPerSecond are against it"));
        List<Object> results = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pipeline", r.pipeline());
            m.put("workers", r.workers());
            m.put("samplesPerSecond", BenchReport.median(r.ours()));
            m.put("pytorchBest", r.best().map(Setup::word).orElse(null));
            m.put("pytorchSamplesPerSecond", r.best().map(b -> BenchReport.median(r.runs(b))).orElse(null));
            m.put("ratio", r.compared() ? r.ratio() : null);
            m.put("ours", r.ours().stream().map(BenchRun::toJson).toList());
            Map<String, Object> theirs = new LinkedHashMap<>();
            for (Setup s : Setup.values()) {
                if (r.has(s)) {
                    theirs.put(s.word(), r.runs(s).stream().map(BenchRun::toJson).toList());
                }
            }
            m.put("pytorch", r.compared() ? theirs : null);
            if (!r.freshOurs().isEmpty()) {
                Map<String, Object> fresh = new LinkedHashMap<>();
                fresh.put("ours", r.freshOurs().stream().map(FreshProcess.FirstBatch::toJson).toList());
                fresh.put("pytorch", r.freshPytorch().isEmpty() ? null
                        : r.freshPytorch().stream().map(FreshProcess.FirstBatch::toJson).toList());
                m.put("freshFirstBatch", fresh);
            }
            results.add(m);
        }
        root.put("results", results);
        return root;
    }
}
