package org.dataloader4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.DefaultCollate;
import org.dataloader4j.data.SampleContext;
import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.io.internal.Json;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;

/**
 * Where an image's time goes in the two pipelines of {@code dataloader4j bench} ({@code image-train}:
 * RandomResizedCrop(224) + RandomHorizontalFlip + ToTensor + Normalize; {@code image-eval}: Resize(256) +
 * CenterCrop(224) + ToTensor + Normalize, ImageNet mean and std), stage by stage, on one thread, through the public
 * API: reading the file's bytes, decoding the whole image to RGB, each transform alone on the previous stage's
 * output (the unfused path), their sum, the fused path as the loader runs it ({@code ImageFolder.get}: the crop's
 * region decoded, the transforms fused), and the default collate of 64 such samples. The figure of each stage is its
 * mean wall time per image over the chosen images, the median of the rounds, after a warm-up pass.
 *
 * <p>The images are {@code images} of the ImageFolder's samples spread evenly over its listing (sample
 * {@code floor(k * size / images)} for k = 0, 1, ...). Every image's random crop and flip come from the generator
 * {@code ImageFolder.get} uses outside a loader ({@link SampleContext#current(long)}'s transform stream), so every
 * round, the unfused stages and the fused path see the same crops, and the unfused result equals the fused one
 * bitwise. {@code bench/pytorch/stage_timings.py} measures the same stages with PIL and torchvision on the same
 * files; {@code --compare-pytorch} runs it after our side and prints both side by side with ours / PyTorch. The
 * collate is a plain call outside a loader (fresh, zeroed batch memory and a copy of every sample); a
 * {@code DataLoader} pools batch memory and writes fused samples straight into their rows, so it pays less.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar org.dataloader4j.bench.StageTimings \
 *     /tmp/bench-imagenet-2000 500 3 --compare-pytorch --json /tmp/stages.json
 * </pre>
 *
 * Options: {@code --json FILE} writes the figures (and PyTorch's) as JSON; {@code --compare-pytorch} runs the
 * script; {@code --python EXE} (default {@code /usr/bin/python3}); {@code --script FILE} (default
 * {@code bench/pytorch/stage_timings.py} under the working directory).
 */
public final class StageTimings {
    /** The collate's batch size. */
    public static final int BATCH = 64;
    /** Where the measured ImageFolder is unless given: {@code make-bench-data.sh /tmp/bench-imagenet-2000 200}. */
    public static final Path DEFAULT_DATA = Path.of("/tmp/bench-imagenet-2000");

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** The stages' keys (shared with {@code stage_timings.py}) and labels, in the order they are printed. */
    private static final String[][] STAGES = {
        {"read", "read the file's bytes"},
        {"decode", "decode the whole image (RGB)"},
        {"train.RandomResizedCrop", "train: RandomResizedCrop(224)"},
        {"train.RandomHorizontalFlip", "train: RandomHorizontalFlip"},
        {"train.ToTensor", "train: ToTensor"},
        {"train.Normalize", "train: Normalize"},
        {"train.unfused", "train: sum of the unfused stages (read..Normalize)"},
        {"train.get", "train: dataset get, the whole sample (fused for us)"},
        {"train.collate", "train: default collate of 64, per image"},
        {"eval.Resize", "eval: Resize(256)"},
        {"eval.CenterCrop", "eval: CenterCrop(224)"},
        {"eval.ToTensor", "eval: ToTensor"},
        {"eval.Normalize", "eval: Normalize"},
        {"eval.unfused", "eval: sum of the unfused stages (read..Normalize)"},
        {"eval.get", "eval: dataset get, the whole sample (fused for us)"},
        {"eval.collate", "eval: default collate of 64, per image"},
    };
    private static final int READ = 0;
    private static final int DECODE = 1;
    private static final int TRAIN_FIRST = 2;
    private static final int TRAIN_UNFUSED = 6;
    private static final int TRAIN_GET = 7;
    private static final int TRAIN_COLLATE = 8;
    private static final int EVAL_FIRST = 9;
    private static final int EVAL_UNFUSED = 13;
    private static final int EVAL_GET = 14;
    private static final int EVAL_COLLATE = 15;

    /**
     * One stage's figure.
     *
     * @param key            the stage's key, the same in {@code stage_timings.py}'s JSON
     * @param label          what the stage is, for the table
     * @param millisPerImage the median over the rounds of the mean wall milliseconds per image
     * @param rounds         each round's mean milliseconds per image, in order
     */
    public record Stage(String key, String label, double millisPerImage, List<Double> rounds) {
        /** Copies {@code rounds}. */
        public Stage {
            rounds = List.copyOf(rounds);
        }
    }

    /**
     * What a measurement found.
     *
     * @param data   the ImageFolder
     * @param files  the images measured, in order
     * @param rounds how many rounds were measured (after the warm-up)
     * @param stages every stage, in the table's order
     */
    public record Result(Path data, List<Path> files, int rounds, List<Stage> stages) {
        /** Copies the lists. */
        public Result {
            files = List.copyOf(files);
            stages = List.copyOf(stages);
        }

        /**
         * {@return the stage of {@code key}}
         *
         * @param key a stage's key such as {@code "train.get"}
         * @throws IllegalArgumentException if there is no such stage
         */
        public Stage stage(String key) {
            return stages.stream().filter(s -> s.key().equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no stage " + key));
        }
    }

    private final Path data;
    private final Decoders decoders = Decoders.standard();
    private final DatasetFolder<Tensor> trainSet;
    private final DatasetFolder<Tensor> evalSet;
    private final List<SampleTransform<Object, Object>> train;
    private final List<SampleTransform<Object, Object>> eval;
    private final long[] indices;

    /**
     * Prepares a measurement of {@code images} images of {@code data}.
     *
     * @param data   an ImageFolder: one subfolder of images per class
     * @param images how many of its images to measure, spread over its listing (at most its size)
     * @throws IllegalArgumentException naming {@code data} if it is not a readable ImageFolder with at least
     *                                  {@code images} images, or if {@code images} is not positive
     */
    public StageTimings(Path data, int images) {
        if (images <= 0) {
            throw new IllegalArgumentException("images must be positive, but was " + images);
        }
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("DIR " + data + " is not a directory: expected an ImageFolder (one"
                    + " subfolder of images per class), such as ../shared/bench/make-bench-data.sh makes");
        }
        this.data = data;
        Compose<Image, Tensor> trainCompose = Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip())
                .then(new ToTensor()).then(new Normalize(MEAN, STD));
        Compose<Image, Tensor> evalCompose = Compose.of(new Resize(256)).then(new CenterCrop(224))
                .then(new ToTensor()).then(new Normalize(MEAN, STD));
        try {
            this.trainSet = ImageFolder.builder(data).transform(trainCompose).build();
            this.evalSet = ImageFolder.builder(data).transform(evalCompose).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("DIR " + data + " is not a readable ImageFolder (one subfolder of"
                    + " images per class): " + e.getMessage(), e);
        }
        long size = trainSet.size();
        if (size < images) {
            throw new IllegalArgumentException("DIR " + data + " has " + size + " images, fewer than the " + images
                    + " asked for");
        }
        this.train = stagesOf(trainCompose);
        this.eval = stagesOf(evalCompose);
        this.indices = new long[images];
        for (int k = 0; k < images; k++) {
            indices[k] = (long) k * size / images;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<SampleTransform<Object, Object>> stagesOf(Compose<?, ?> compose) {
        List<SampleTransform<Object, Object>> out = new ArrayList<>();
        for (SampleTransform<?, ?> s : compose.stages()) {
            out.add((SampleTransform<Object, Object>) s);
        }
        return out;
    }

    /** {@return the files measured, in order} */
    public List<Path> files() {
        List<Path> out = new ArrayList<>(indices.length);
        for (long i : indices) {
            out.add(trainSet.samples().get((int) i).path());
        }
        return out;
    }

    /**
     * {@return the dataset index of the {@code k}-th measured image}
     *
     * @param k the image's position among the measured ones
     */
    long index(int k) {
        return indices[k];
    }

    /** {@return the train pipeline's ImageFolder (fused path)} */
    DatasetFolder<Tensor> trainSet() {
        return trainSet;
    }

    /** {@return the eval pipeline's ImageFolder (fused path)} */
    DatasetFolder<Tensor> evalSet() {
        return evalSet;
    }

    /**
     * Runs one warm-up pass and {@code rounds} measured ones.
     *
     * @param rounds   how many measured rounds (positive)
     * @param progress where to say what is happening, or null
     * @return every stage's figure
     * @throws IllegalArgumentException if {@code rounds} is not positive
     * @throws IOException if a file cannot be read
     */
    public Result measure(int rounds, PrintStream progress) throws IOException {
        if (rounds <= 0) {
            throw new IllegalArgumentException("rounds must be positive, but was " + rounds);
        }
        List<List<Double>> perStage = new ArrayList<>();
        for (int s = 0; s < STAGES.length; s++) {
            perStage.add(new ArrayList<>());
        }
        for (int round = -1; round < rounds; round++) {
            long start = System.nanoTime();
            long[] nanos = new long[STAGES.length];
            unfusedPass(nanos);
            fusedPass(trainSet, nanos, TRAIN_GET, TRAIN_COLLATE);
            fusedPass(evalSet, nanos, EVAL_GET, EVAL_COLLATE);
            for (int k = 0; k < 4; k++) {
                nanos[TRAIN_UNFUSED] += nanos[TRAIN_FIRST + k];
                nanos[EVAL_UNFUSED] += nanos[EVAL_FIRST + k];
            }
            for (int first : new int[] {TRAIN_UNFUSED, EVAL_UNFUSED}) {
                nanos[first] += nanos[READ] + nanos[DECODE];
            }
            if (progress != null) {
                progress.printf(Locale.ROOT, "  %s: %d images in %.1f s%n", round < 0 ? "warm-up" : "round " + (round + 1),
                        indices.length, (System.nanoTime() - start) / 1e9);
            }
            if (round >= 0) {
                for (int s = 0; s < STAGES.length; s++) {
                    perStage.get(s).add(nanos[s] / 1e6 / indices.length);
                }
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (int s = 0; s < STAGES.length; s++) {
            stages.add(new Stage(STAGES[s][0], STAGES[s][1], median(perStage.get(s)), perStage.get(s)));
        }
        return new Result(data, files(), rounds, stages);
    }

    /** Reads, decodes and runs both pipelines stage by stage on every image, adding each stage's time. */
    private void unfusedPass(long[] nanos) throws IOException {
        for (int k = 0; k < indices.length; k++) {
            Tensor[] out = unfused(k, nanos);
            out[0].close();
            out[1].close();
        }
    }

    /**
     * The unfused path of the {@code k}-th image: read, decode whole, then each stage of the train and of the eval
     * pipeline on the previous one's output, with the generator {@code ImageFolder.get} gives that sample; each
     * stage's wall time is added to {@code nanos} at its place in the table.
     *
     * @return the train and the eval tensor, which the caller closes
     */
    Tensor[] unfused(int k, long[] nanos) throws IOException {
        long index = indices[k];
        Path file = trainSet.samples().get((int) index).path();
        long t0 = System.nanoTime();
        byte[] bytes = Files.readAllBytes(file);
        long t1 = System.nanoTime();
        Image image = decoders.decode(bytes, file.toString(), Image.Mode.RGB);
        long t2 = System.nanoTime();
        nanos[READ] += t1 - t0;
        nanos[DECODE] += t2 - t1;
        try (image) {
            Tensor trainOut = chain(image, train, generator(index), nanos, TRAIN_FIRST);
            try {
                return new Tensor[] {trainOut, chain(image, eval, generator(index), nanos, EVAL_FIRST)};
            } catch (IOException | RuntimeException | Error e) {
                trainOut.close();
                throw e;
            }
        }
    }

    /** The generator {@code DatasetFolder.get(index)} draws from when no loader bound a context. */
    private static RandomGenerator generator(long index) {
        return SampleContext.current(index).random(RandomStreams.TRANSFORM);
    }

    /** Runs {@code stages} one by one from {@code image}, timing each; closes the intermediates (not timed). */
    private static Tensor chain(Image image, List<SampleTransform<Object, Object>> stages, RandomGenerator rng,
                                long[] nanos, int first) throws IOException {
        Set<Object> intermediates = Collections.newSetFromMap(new IdentityHashMap<>());
        Object current = image;
        try {
            for (int k = 0; k < stages.size(); k++) {
                long t0 = System.nanoTime();
                Object next = stages.get(k).apply(current, rng);
                nanos[first + k] += System.nanoTime() - t0;
                if (next != image) {
                    intermediates.add(next);
                }
                current = next;
            }
        } catch (RuntimeException | Error e) {
            closeAll(intermediates, null);
            throw e;
        }
        if (!(current instanceof Tensor result)) {
            closeAll(intermediates, null);
            throw new IllegalStateException("the pipeline ended in " + current + ", not a tensor");
        }
        intermediates.remove(result);
        closeAll(intermediates, result);
        return result;
    }

    /** Closes every intermediate that does not share memory with {@code keep}. */
    private static void closeAll(Set<Object> intermediates, Tensor keep) throws IOException {
        for (Object o : intermediates) {
            Tensor t = o instanceof Image im ? (im.isClosed() ? null : im.tensor()) : o instanceof Tensor x ? x : null;
            if (keep != null && t != null && !keep.isClosed() && t.sharesMemoryWith(keep)) {
                continue;
            }
            if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException("closing " + o + " failed", e);
                }
            }
        }
    }

    /** {@code dataset.get} of every image, then the default collate of each run of 64 samples. */
    private void fusedPass(DatasetFolder<Tensor> dataset, long[] nanos, int get, int collate) {
        List<Object> batch = new ArrayList<>(BATCH);
        try {
            for (int k = 0; k < indices.length; k++) {
                long t0 = System.nanoTime();
                Sample<Tensor> s = dataset.get(indices[k]);
                nanos[get] += System.nanoTime() - t0;
                batch.add(s);
                if (batch.size() == BATCH || k == indices.length - 1) {
                    long t1 = System.nanoTime();
                    Batch b = DefaultCollate.INSTANCE.collate(batch);
                    nanos[collate] += System.nanoTime() - t1;
                    b.close();
                    closeSamples(batch);
                }
            }
        } finally {
            closeSamples(batch);
        }
    }

    private static void closeSamples(List<Object> batch) {
        for (Object o : batch) {
            if (((Sample<?>) o).input() instanceof Tensor t) {
                t.close();
            }
        }
        batch.clear();
    }

    private static final String USAGE = "usage: StageTimings [DIR (default " + DEFAULT_DATA + ")] [images (default"
            + " 500)] [rounds (default 3)] [--json FILE] [--compare-pytorch] [--python EXE (default /usr/bin/python3)]"
            + " [--script FILE (default bench/pytorch/stage_timings.py)]";

    /**
     * Measures, prints the table (beside PyTorch's with {@code --compare-pytorch}) and exits with {@link #run}'s
     * status.
     *
     * @param args {@code [DIR] [images] [rounds] [--json FILE] [--compare-pytorch] [--python EXE] [--script FILE]}
     * @throws IOException if an image or the JSON file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * What {@link #main} does, writing the table to {@code out} and the progress and errors to {@code err}.
     *
     * @param args the command line
     * @param out  where the table goes
     * @param err  where progress, PyTorch's output and errors go
     * @return 0 when everything was measured; 2 for a bad command line or DIR (the message says which argument and
     *         what was expected); 3 when our side was measured and printed but PyTorch's could not be
     * @throws IOException if an image or the JSON file cannot be read or written
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Path data = DEFAULT_DATA;
        int images = 500;
        int rounds = 3;
        Path json = null;
        boolean compare = false;
        String python = "/usr/bin/python3";
        Path script = Path.of("bench", "pytorch", "stage_timings.py");
        StageTimings timings;
        try {
            int positional = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--json" -> json = Path.of(value(args, ++i, a));
                    case "--compare-pytorch" -> compare = true;
                    case "--python" -> python = value(args, ++i, a);
                    case "--script" -> script = Path.of(value(args, ++i, a));
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        switch (positional++) {
                            case 0 -> data = Path.of(a);
                            case 1 -> images = positiveInt(a, "images");
                            case 2 -> rounds = positiveInt(a, "rounds");
                            default -> throw new IllegalArgumentException("unexpected argument " + a
                                    + " (DIR, images and rounds are already given)");
                        }
                    }
                }
            }
            timings = new StageTimings(data, images);
        } catch (IllegalArgumentException e) {
            err.println("StageTimings: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        out.printf(Locale.ROOT, "StageTimings: %s, %d images spread over its %d, one thread, mean wall ms per image,"
                        + " median of %d rounds after a warm-up pass; JPEG decoder: %s%n", data, images,
                timings.trainSet.size(), rounds, timings.decoders.usesNativeJpeg() ? "native (libjpeg-turbo)"
                        : Decoders.describe());
        out.flush();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Result ours = timings.measure(rounds, err);
        Map<String, Object> pytorch = null;
        String unavailable = null;
        if (compare) {
            try {
                pytorch = runPytorch(python, script, ours, err);
            } catch (IllegalStateException e) {
                unavailable = e.getMessage();
            }
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.print(table(ours, pytorch));
        out.printf(Locale.ROOT, "load average (1 min): %.2f before, %.2f after%s; %d cores%n", loadBefore, loadAfter,
                compare ? " (PyTorch's side ran after ours)" : "", Runtime.getRuntime().availableProcessors());
        if (pytorch != null) {
            out.printf(Locale.ROOT, "PyTorch side: torch %s, torchvision %s, PIL %s, torch threads %s%n",
                    pytorch.get("torch"), pytorch.get("torchvision"), pytorch.get("pil"), pytorch.get("threads"));
        }
        if (json != null) {
            Files.writeString(json, Json.write(toJson(ours, pytorch)) + "\n", StandardCharsets.UTF_8);
        }
        if (unavailable != null) {
            err.println("StageTimings: no PyTorch comparison: " + unavailable);
            return 3;
        }
        return 0;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positiveInt(String text, String what) {
        try {
            int v = Integer.parseInt(text);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be a positive integer, but was '" + text + "'");
    }

    /**
     * The table: stage and ms per image, and with {@code pytorch} (the script's JSON) PyTorch's ms and ours /
     * PyTorch.
     *
     * @param ours    our figures
     * @param pytorch the script's figures, or null
     * @return the table's lines
     */
    public static String table(Result ours, Map<String, Object> pytorch) {
        Map<String, Double> theirs = new LinkedHashMap<>();
        if (pytorch != null) {
            for (Object o : (List<?>) pytorch.get("stages")) {
                Map<?, ?> m = (Map<?, ?>) o;
                theirs.put((String) m.get("key"), ((Number) m.get("msPerImage")).doubleValue());
            }
        }
        StringBuilder sb = new StringBuilder();
        if (pytorch == null) {
            sb.append(String.format(Locale.ROOT, "%-54s %9s%n", "stage", "ms/image"));
        } else {
            sb.append(String.format(Locale.ROOT, "%-54s %9s %11s %13s%n", "stage", "ours ms", "PyTorch ms",
                    "ours/PyTorch"));
        }
        for (Stage s : ours.stages()) {
            if (pytorch == null) {
                sb.append(String.format(Locale.ROOT, "%-54s %9.3f%n", s.label(), s.millisPerImage()));
            } else {
                Double p = theirs.get(s.key());
                sb.append(p == null
                        ? String.format(Locale.ROOT, "%-54s %9.3f %11s %13s%n", s.label(), s.millisPerImage(), "-", "-")
                        : String.format(Locale.ROOT, "%-54s %9.3f %11.3f %12.2fx%n", s.label(), s.millisPerImage(), p,
                                s.millisPerImage() / p));
            }
        }
        return sb.toString();
    }

    private static Map<String, Object> toJson(Result r, Map<String, Object> pytorch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("side", "dataloader4j");
        m.put("data", r.data().toString());
        m.put("images", r.files().size());
        m.put("rounds", r.rounds());
        List<Object> stages = new ArrayList<>();
        for (Stage s : r.stages()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("key", s.key());
            st.put("label", s.label());
            st.put("msPerImage", s.millisPerImage());
            st.put("rounds", s.rounds());
            stages.add(st);
        }
        m.put("stages", stages);
        if (pytorch != null) {
            m.put("pytorch", pytorch);
        }
        return m;
    }

    /**
     * Runs {@code stage_timings.py} on the same files and rounds, its output copied to {@code err}, and returns its
     * JSON.
     *
     * @throws IllegalStateException saying why there is no comparison: no script, no python, no torch, a failure
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> runPytorch(String python, Path script, Result ours, PrintStream err)
            throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("the PyTorch script " + script.toAbsolutePath() + " does not exist (run"
                    + " from the repository's root, or give --script bench/pytorch/stage_timings.py)");
        }
        Path list = Files.createTempFile("stage-timings-files", ".txt");
        Path result = Files.createTempFile("stage-timings-pytorch", ".json");
        try {
            StringBuilder sb = new StringBuilder();
            for (Path f : ours.files()) {
                sb.append(f.toAbsolutePath().normalize()).append('\n');
            }
            Files.writeString(list, sb, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--data", ours.data().toString(),
                    "--images", Integer.toString(ours.files().size()), "--rounds", Integer.toString(ours.rounds()),
                    "--files", list.toString(), "--json", result.toString(), "--quiet").redirectErrorStream(true);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + python + " (give the interpreter with torch and"
                        + " torchvision with --python EXE): " + e.getMessage(), e);
            }
            err.println("PyTorch (" + python + " " + script + "):");
            try (var lines = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = lines.readLine()) != null; ) {
                    err.println("  " + line);
                }
            }
            int status;
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(script + " did not exit 60 s after closing its output");
                }
                status = p.exitValue();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + script, e);
            }
            String text = Files.readString(result, StandardCharsets.UTF_8).strip();
            Map<String, Object> json = text.isEmpty() ? null : (Map<String, Object>) Json.parse(text);
            if (json != null && "error".equals(json.get("event"))) {
                throw new IllegalStateException(String.valueOf(json.get("message")));
            }
            if (status != 0 || json == null) {
                throw new IllegalStateException(script + " exited with status " + status
                        + (json == null ? " and wrote no result" : ""));
            }
            if (!(json.get("stages") instanceof List<?>)) {
                throw new IllegalStateException(script + " wrote no \"stages\" list: " + text);
            }
            return json;
        } finally {
            Files.deleteIfExists(list);
            Files.deleteIfExists(result);
        }
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
