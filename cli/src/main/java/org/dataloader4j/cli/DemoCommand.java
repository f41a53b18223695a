package org.dataloader4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.CRC32;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.LoaderMemory;
import org.dataloader4j.stats.RunningStats;
import org.dataloader4j.stats.Summary;
import org.dataloader4j.tensor.OffHeapMemory;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.ToTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dataloader4j demo}: lays out an ImageFolder of real photographs (see {@link DemoImages}), or takes the
 * user's own with {@code --data}, and loads it through the standard training pipeline (RandomResizedCrop,
 * RandomHorizontalFlip, ToTensor, Normalize) with a shuffling, multi-worker {@code DataLoader}: a progress bar
 * while it runs, then a summary (classes, throughput, first-batch latency, memory, per-channel statistics,
 * decoder, workers) and a PNG contact sheet of the first augmented batch.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load an ImageFolder of real photographs (or your own, with --data) through the standard"
                + " training pipeline with a shuffled, multi-worker DataLoader; show progress, a summary and a"
                + " contact sheet of one augmented batch.",
                "The demo photographs are scikit-image's public-domain and CC0 sample images, one class per"
                        + " photograph, with crops and flips of each as extra samples."},
        footer = {"", "Examples:", "  dataloader4j demo", "  dataloader4j demo --workers 4 --epochs 5 --image-size 224",
                "  dataloader4j demo --data /data/train --out /tmp/demo"})
final class DemoCommand implements Callable<Integer> {
    /** torchvision's ImageNet statistics, the usual Normalize of a training pipeline. */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final int SHEET_LIMIT = 64;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "load this ImageFolder (one sub-directory per class) instead of the demo photographs")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "where the generated images (DIR/images, replaced on"
            + " every run) and the contact sheet go (default: dataloader4j-demo in the temporary directory)")
    Path out;

    @Option(names = "--per-class", paramLabel = "N", defaultValue = "48",
            description = "images generated per class (default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--image-size", paramLabel = "PX", defaultValue = "128",
            description = "side of the RandomResizedCrop output (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Mixin
    ImageLoadOptions load;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "epochs to load (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", defaultValue = "42",
            description = "seed of every random decision: generated images, shuffle, crops, flips (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "AUTO",
            description = "AUTO (a bar on a terminal, plain lines elsewhere), BAR or PLAIN (default: ${DEFAULT-VALUE})")
    Progress.Mode progress;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "dataloader4j demo on Java %s, %d cores%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        Path outDir = out != null ? out : Path.of(System.getProperty("java.io.tmpdir"), "dataloader4j-demo");
        Path root = data != null ? data : generate(outDir.resolve("images"), o);

        var pipeline = Compose.of(new RandomResizedCrop(imageSize)).then(new RandomHorizontalFlip())
                .then(new ToTensor()).then(new Normalize(MEAN, STD));
        DatasetFolder<Tensor> dataset = ImageFolder.builder(root).transform(pipeline).build();
        Map<String, Integer> counts = countsPerClass(dataset);
        o.printf(Locale.ROOT, "dataset: ImageFolder %s: %d images, %d classes%n", root, dataset.size(),
                dataset.classes().size());
        o.println("pipeline: " + pipeline.stages());

        var builder = DataLoader.builder(dataset).batchSize(load.batchSize).shuffle(true).seed(seed)
                .onSampleError(load.errorPolicy());
        if (load.workers > 0) {
            builder.numWorkers(load.workers).persistentWorkers(true);
        }
        try (DataLoader<Batch> loader = builder.build()) {
            o.printf(Locale.ROOT, "loader: batchSize=%d shuffle=true numWorkers=%d seed=%d -> %d batches per epoch%n",
                    load.batchSize, load.workers, loader.seed(), loader.size());
            o.flush();
            Run run = load(loader, dataset, o);
            Path sheet = outDir.resolve("contact-sheet.png");
            boolean labelled = ContactSheet.write(run.sheet, MEAN, STD, dataset.classes(), sheet);
            printSummary(o, dataset, counts, loader, run, sheet, labelled);
        }
        return 0;
    }

    private void checkOptions() {
        load.check(spec.commandLine());
        if (epochs < 1 || perClass < 1 || imageSize < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs, --per-class and --image-size must be"
                    + " positive, but got --epochs=" + epochs + " --per-class=" + perClass + " --image-size="
                    + imageSize);
        }
        if (data != null && !Files.isDirectory(data)) {
            throw new ParameterException(spec.commandLine(), "--data " + data + " is not a directory: give an"
                    + " ImageFolder, a directory with one sub-directory of images per class");
        }
    }

    private Path generate(Path images, PrintWriter o) throws IOException {
        long start = System.nanoTime();
        DemoImages.Layout layout = DemoImages.generate(images, perClass, seed);
        o.printf(Locale.ROOT, "generated %d images (%d classes x %d: scikit-image's public-domain and CC0 sample"
                        + " photographs, with seeded crops, flips and scales as extra samples) in %.2f s%n",
                layout.total(), layout.classes().size(), perClass, (System.nanoTime() - start) / 1e9);
        return images;
    }

    /** What loading every epoch measured. */
    private record Run(long images, long nanos, long firstEpochImages, long firstEpochNanos, double firstBatchMillis, ContactSheet.Snapshot sheet,
                       Summary normalized, long heapPeak, LoaderMemory memory) {
    }

    private Run load(DataLoader<Batch> loader, DatasetFolder<Tensor> dataset, PrintWriter o) {
        RunningStats channels = new RunningStats(3);
        Runtime rt = Runtime.getRuntime();
        long heapPeak = rt.totalMemory() - rt.freeMemory();
        long images = 0;
        long firstEpochImages = 0;
        long firstEpochNanos = 0;
        double firstBatchMillis = 0;
        ContactSheet.Snapshot sheet = null;
        long start = System.nanoTime();
        for (int epoch = 0; epoch < epochs; epoch++) {
            String task = String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs);
            try (Progress progress = Progress.of(this.progress, task, loader.size(), dataset.size(), o)) {
                long epochStart = System.nanoTime();
                for (Batch batch : loader.epoch(epoch)) {
                    try (batch) {
                        Tensor input = batch.tensor("input");
                        Tensor target = batch.tensor("target");
                        if (sheet == null) {
                            firstBatchMillis = (System.nanoTime() - epochStart) / 1e6;
                            sheet = ContactSheet.Snapshot.of(input, target, SHEET_LIMIT);
                            progress.note(firstBatch(input, target, dataset.classes()));
                        }
                        channels.addChannels(input);
                        images += batch.size();
                        heapPeak = Math.max(heapPeak, rt.totalMemory() - rt.freeMemory());
                        progress.batch(batch.size());
                    }
                }
                if (epoch == 0) {
                    firstEpochImages = images;
                    firstEpochNanos = System.nanoTime() - epochStart;
                }
            }
        }
        return new Run(images, System.nanoTime() - start, firstEpochImages, firstEpochNanos, firstBatchMillis, sheet, channels.summary(), heapPeak,
                loader.memory());
    }

    private static String firstBatch(Tensor input, Tensor target, List<String> classes) {
        CRC32 crc = new CRC32();
        crc.update(input.toBytes());
        long[] t = target.toLongArray();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < Math.min(6, t.length); i++) {
            names.append(i == 0 ? "" : ", ").append(classes.get((int) t[i]));
        }
        return String.format(Locale.ROOT, "first batch: input %s %s, target %s %s; classes %s%s; pixels crc32 %08x",
                input.dtype(), input.shape(), target.dtype(), target.shape(), names, t.length > 6 ? ", ..." : "",
                crc.getValue());
    }

    private void printSummary(PrintWriter o, DatasetFolder<Tensor> dataset, Map<String, Integer> counts,
                              DataLoader<Batch> loader, Run run, Path sheet, boolean labelled) {
        double seconds = run.nanos / 1e9;
        o.println("summary:");
        o.printf(Locale.ROOT, "  classes            %d: %s%n", counts.size(), classCounts(counts, 12));
        o.printf(Locale.ROOT, "  images             %d per epoch x %s = %d loaded at %dx%d%n", dataset.size(),
                InfoCommand.plural(epochs, "epoch", "epochs"), run.images, imageSize, imageSize);
        o.printf(Locale.ROOT, "  throughput         %,.0f img/s (%d images in %.2f s)", run.images / seconds,
                run.images, seconds);
        if (epochs > 1) {
            double later = (run.nanos - run.firstEpochNanos) / 1e9;
            o.printf(Locale.ROOT, "; %,.0f img/s after the first epoch, which includes the JVM's warm-up",
                    (run.images - run.firstEpochImages) / later);
        }
        o.println();
        o.printf(Locale.ROOT, "  first batch after  %.1f ms%n", run.firstBatchMillis);
        o.printf(Locale.ROOT, "  memory             heap peak %s (sampled after each batch), off-heap peak %s;"
                        + " loader: peak %s of batches waiting, %s pooled for reuse%n", mib(run.heapPeak),
                mib(OffHeapMemory.peakBytes()), mib(run.memory.peakBytesReady()), mib(run.memory.pooledBytes()));
        double[] mean = run.normalized.mean();
        double[] std = run.normalized.std();
        for (int c = 0; c < 3; c++) {   // Normalize is linear: undo it to report ToTensor-scale statistics
            mean[c] = mean[c] * STD[c] + MEAN[c];
            std[c] = std[c] * STD[c];
        }
        o.printf(Locale.ROOT, "  channel mean       %s  (RGB, ToTensor scale, of the augmented images)%n", vector(mean));
        o.printf(Locale.ROOT, "  channel std        %s%n", vector(std));
        o.printf(Locale.ROOT, "  decoder            %s%n", Decoders.describe());
        o.printf(Locale.ROOT, "  workers            %s%n", loader.workerChoice());
        SkippedReport.print(o, "  skipped samples    ", loader.skippedSamples());
        o.printf(Locale.ROOT, "  contact sheet      %s (%d images of the first batch, %d x %d tiles, %d x %d px%s)%n",
                sheet.toAbsolutePath(), run.sheet.count(), ContactSheet.columns(run.sheet.count()),
                ContactSheet.rows(run.sheet.count()), ContactSheet.width(run.sheet.count(), imageSize),
                ContactSheet.height(run.sheet.count(), imageSize), labelled ? "" : "; no font, so no class names");
        o.printf(Locale.ROOT, "next: dataloader4j info %s   and   dataloader4j stats %s%n", dataset.root(),
                dataset.root());
    }

    static Map<String, Integer> countsPerClass(DatasetFolder<?> dataset) {
        int[] n = new int[dataset.classes().size()];
        for (DatasetFolder.Entry e : dataset.samples()) {
            n[e.target()]++;
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) {
            counts.put(dataset.classes().get(i), n[i]);
        }
        return counts;
    }

    static String classCounts(Map<String, Integer> counts, int limit) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (var e : counts.entrySet()) {
            if (shown == limit) {
                sb.append(", ... (").append(counts.size() - limit).append(" more)");
                break;
            }
            sb.append(shown == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            shown++;
        }
        return sb.toString();
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String vector(double[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", values[i]));
        }
        return sb.append(']').toString();
    }
}
