package org.dataloader4j.cli;

import org.dataloader4j.io.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dataloader4j bench}: loads a standard pipeline with our {@code DataLoader} for several worker
 * counts and, with {@code --compare-pytorch}, PyTorch's equivalent in the same run, alternating between
 * the two at each worker count. It prints a table of steady-state samples per second, the ratio,
 * first-batch latency and peak resident memory of both, and can write everything as JSON. Several
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
 * }</pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure a standard loading pipeline for several worker counts, optionally beside PyTorch.",
                "Throughput is the steady state: epochs after the first (the only epoch when --epochs 1).",
                "First-batch latency is the first epoch's (iterator created -> first batch received).",
                "Peak RSS is the whole process's VmHWM during that run (after a GC, reset before each run where Linux"
                        + " allows), so it includes the dataset; for PyTorch it is the main process only."},
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

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

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
        out.printf(Locale.ROOT, "dataloader4j bench on Java %s, %d cores, %s %s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"));
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
        out.println();
        printTable(rows, out);
        printRelative(rows, out);
        if (json != null) {
            Files.writeString(json, Json.write(toJson(pipelineJson, rows, torchJson, torchNote)) + "\n");
            out.println("wrote " + json);
        }
        return 0;
    }

    /** Builds pipeline {@code name} and, with --compare-pytorch, starts its PyTorch script. */
    private Stage openStage(String name, PrintWriter out) throws IOException {
        long buildStart = System.nanoTime();
        BenchPipeline bench = createPipeline(name);
        double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
        out.printf(Locale.ROOT, "pipeline %s: %s (built in %.1f s)%n", bench.name(), bench.description(),
                buildSeconds);
        PyTorchRunner torch = null;
        if (comparePytorch) {
            try {
                torch = PyTorchRunner.start(python, locateScript(bench.pytorchScript()), bench.pytorchArguments());
                out.printf(Locale.ROOT, "PyTorch %s (%s, Python %s) built its dataset: %s%n",
                        torch.torchVersion(), torch.ready().get("executable"), torch.ready().get("python"),
                        torch.ready().get("source"));
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
            own.add(new Row(bench.name(), w, new ArrayList<>(), new ArrayList<>()));
        }
        return new Stage(bench, torch, buildSeconds, own);
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

    /** One pipeline with its PyTorch runner (null when not compared) and its table rows, one per worker count. */
    private record Stage(BenchPipeline bench, PyTorchRunner torch, double buildSeconds, List<Row> rows) {
        /** One round of {@code rounds}: at each worker count, ours then PyTorch's, {@code epochs} epochs each. */
        void runRound(int round, int rounds, int epochs, PrintWriter out) throws IOException {
            if (rounds > 1) {
                out.printf(Locale.ROOT, "%s round %d of %d%n", bench.name(), round + 1, rounds);
            }
            for (Row row : rows) {
                int w = row.workers();
                row.ours().add(bench.run(w, epochs, out));
                if (torch != null) {
                    BenchRun theirs = torch.run(w, epochs);
                    for (BenchRun.Epoch e : theirs.epochs()) {
                        out.printf(Locale.ROOT, "  PyTorch  workers=%d epoch %d: %,.0f samples/s, first"
                                + " batch %.2f ms%n", w, e.epoch(), e.samplesPerSecond(), e.firstBatchMillis());
                    }
                    row.pytorch().add(theirs);
                }
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
        if (samples < 1) {
            problems.add("--samples should be positive, but got --samples=" + samples);
        }
        if (features < 1) {
            problems.add("--features should be positive, but got --features=" + features);
        }
        if (batchSize < 1) {
            problems.add("--batch-size should be positive, but got --batch-size=" + batchSize);
        }
        if (imageBatchSize < 1) {
            problems.add("--image-batch-size should be positive, but got --image-batch-size=" + imageBatchSize);
        }
        if (rounds < 1) {
            problems.add("--rounds should be positive, but got --rounds=" + rounds);
        }
        if (epochs < 1) {
            problems.add("--epochs should be positive, but got --epochs=" + epochs);
        }
        if (workers.isEmpty() || workers.stream().anyMatch(w -> w < 0)) {
            problems.add("--workers should list non-negative counts, but got --workers="
                    + String.join(",", workers.stream().map(String::valueOf).toList()));
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }

    private BenchPipeline createPipeline(String pipeline) throws IOException {
        return switch (pipeline) {
            case "tensor" -> new TensorPipeline(samples, features, batchSize, seed);
            case "npy-mmap" -> new NpyMmapPipeline(samples, features, batchSize, seed, dataDir);
            case "image-train" -> new ImagePipeline(true, data, imageBatchSize, seed);
            case "image-eval" -> new ImagePipeline(false, data, imageBatchSize, seed);
            default -> throw new AssertionError(pipeline); // validate() refused it
        };
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
     * One line of the table: our runs and, when compared, PyTorch's at the same worker count, one of each per
     * round. Throughput is the median over rounds; first-batch latency is the first round's (the coldest);
     * peak RSS is the largest of the rounds.
     */
    record Row(String pipeline, int workers, List<BenchRun> ours, List<BenchRun> pytorch) {
        boolean compared() {
            return !pytorch.isEmpty();
        }

        double ratio() {
            return compared() ? median(ours) / median(pytorch) : Double.NaN;
        }

        static double median(List<BenchRun> runs) {
            double[] v = runs.stream().mapToDouble(BenchRun::steadySamplesPerSecond).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        static long peakRss(List<BenchRun> runs) {
            return runs.stream().mapToLong(BenchRun::peakRssBytes).max().orElse(-1);
        }
    }

    static final String[] HEADER = {"pipeline", "workers", "ours samples/s", "PyTorch samples/s", "ratio",
        "ours 1st batch ms", "PyTorch 1st batch ms", "ours peak RSS MiB", "PyTorch peak RSS MiB"};

    private static void printTable(List<Row> rows, PrintWriter out) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row r : rows) {
            boolean p = r.compared();
            cells.add(new String[] {
                r.pipeline(),
                Integer.toString(r.workers()),
                String.format(Locale.ROOT, "%,.0f", Row.median(r.ours())),
                p ? String.format(Locale.ROOT, "%,.0f", Row.median(r.pytorch())) : "-",
                p ? String.format(Locale.ROOT, "%.1fx", r.ratio()) : "-",
                String.format(Locale.ROOT, "%.1f", r.ours().getFirst().firstBatchMillis()),
                p ? String.format(Locale.ROOT, "%.1f", r.pytorch().getFirst().firstBatchMillis()) : "-",
                mib(Row.peakRss(r.ours())),
                p ? mib(Row.peakRss(r.pytorch())) : "-"});
        }
        int[] width = new int[HEADER.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                String cell = line[i];
                String pad = " ".repeat(width[i] - cell.length());
                sb.append(i == 0 ? "" : "  ").append(i == 0 ? cell + pad : pad + cell);
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /**
     * With several pipelines: each later pipeline's median throughput relative to the first one's at the same
     * worker count, for ours and for PyTorch (for example npy-mmap / tensor: mapped against in memory).
     */
    private static void printRelative(List<Row> rows, PrintWriter out) {
        String first = rows.getFirst().pipeline();
        for (Row r : rows) {
            if (r.pipeline().equals(first)) {
                continue;
            }
            Row base = rows.stream().filter(b -> b.pipeline().equals(first) && b.workers() == r.workers())
                    .findFirst().orElseThrow();
            String theirs = r.compared() && base.compared()
                    ? String.format(Locale.ROOT, ", PyTorch %.2fx", Row.median(r.pytorch()) / Row.median(base.pytorch()))
                    : "";
            out.printf(Locale.ROOT, "%s / %s at workers=%d: ours %.2fx%s%n", r.pipeline(), first, r.workers(),
                    Row.median(r.ours()) / Row.median(base.ours()), theirs);
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%,.0f", bytes / 1048576.0);
    }

    private Map<String, Object> toJson(List<Map<String, Object>> pipelineJson, List<Row> rows,
            Map<String, Object> torchJson, String torchNote) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", Instant.now().toString());
        Map<String, Object> machine = new LinkedHashMap<>();
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
        config.put("samples", samples);
        config.put("features", features);
        config.put("batchSize", batchSize);
        config.put("epochs", epochs);
        config.put("rounds", rounds);
        config.put("seed", seed);
        config.put("workers", workers);
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
                "peakRssBytes is the whole process's VmHWM during the run (after a GC; reset before it when peakRssReset is"
                        + " true)"
                        + "; PyTorch's covers its main process only, not its worker processes"));
        List<Object> results = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pipeline", r.pipeline());
            m.put("workers", r.workers());
            m.put("samplesPerSecond", Row.median(r.ours()));
            m.put("pytorchSamplesPerSecond", r.compared() ? Row.median(r.pytorch()) : null);
            m.put("ratio", r.compared() ? r.ratio() : null);
            m.put("ours", r.ours().stream().map(BenchRun::toJson).toList());
            m.put("pytorch", r.compared() ? r.pytorch().stream().map(BenchRun::toJson).toList() : null);
            results.add(m);
        }
        root.put("results", results);
        return root;
    }
}
