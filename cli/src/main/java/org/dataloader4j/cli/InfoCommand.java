package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageDecodeException;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.ImageHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dataloader4j info DIR}: what an ImageFolder at {@code DIR} holds, as torchvision's {@code ImageFolder}
 * (and ours) would see it: the classes with their image counts, the formats, pixel modes and sizes of the
 * images, and the files that would be skipped (not an image extension) or fail to load (unreadable, not an
 * image, corrupt). Only the headers are read unless {@code --full} decodes every image, which also lists the JPEGs
 * that load with a warning: corrupt data that libjpeg repairs, which PIL (and ImageFolder by default) loads with
 * libjpeg's repair and {@code Decoders.withStrictJpeg(true)} refuses. Two lines say how ImageFolder runs the standard
 * train and eval pipelines ({@code Compose.plan(decoders)}): which steps fuse with decoding, or why not.
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the classes of an ImageFolder with their image counts, the formats and sizes of the"
                + " images, and the files that would be skipped or fail to load, and why.",
                "Reads only the image headers (fast); --full decodes every image, which also finds truncated data"
                        + " and the JPEGs that load with a warning (corrupt data that libjpeg repairs, as PIL"
                        + " loads it).",
                "Also says how the standard train and eval pipelines run on this machine: fused with decoding"
                        + " (only the crop is decoded) or unfused, and why."},
        footer = {"", "Example:", "  dataloader4j info /data/train",
                "A shard set (s3://bucket/prefix, or a folder with a manifest.json) gets its manifest's summary."})
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "the ImageFolder: one sub-directory of images per class")
    Path dir;

    @Option(names = "--full", description = "decode every image completely instead of reading its header only")
    boolean full;

    @Option(names = "--list", paramLabel = "N", defaultValue = "20",
            description = "list at most N classes and N problem files (default: ${DEFAULT-VALUE}; 0 = all)")
    int list;

    @Mixin
    VerboseOption verbose;

    /**
     * What the header (or a full decode) of one image said; {@code warning} is libjpeg's warning about corrupt data
     * it repaired (the image loads, as PIL loads it, but a strict decoder refuses it), or null.
     */
    record Probe(String format, String mode, int width, int height, String warning) {
    }

    /** A file ImageFolder would skip or fail to load, and why. */
    record Problem(Path file, String reason) {
    }

    @Override
    public Integer call() {
        if (list < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--list must be 0 (all) or positive, but got --list=" + list);
        }
        String shards = ShardsInfo.location(dir);   // s3://bucket/prefix or a folder with a manifest.json
        if (shards != null) {
            return ShardsInfo.print(shards, spec.commandLine().getOut(), list);
        }
        if (!Files.isDirectory(dir)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "DIR " + dir + " is not a directory:"
                    + " give an ImageFolder, a directory with one sub-directory of images per class");
        }
        List<String> classes = DatasetFolder.findClasses(dir);   // names DIR when it has no class folder
        Map<String, Integer> classToIdx = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            classToIdx.put(classes.get(i), i);
        }
        List<DatasetFolder.Entry> files = DatasetFolder.makeDataset(dir, classToIdx, null, p -> true, true);

        int[] perClass = new int[classes.size()];
        Map<String, Integer> formats = new TreeMap<>();
        Map<String, Integer> modes = new TreeMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        List<long[]> dims = new ArrayList<>();
        List<Problem> skipped = new ArrayList<>();
        List<Problem> failing = new ArrayList<>();
        List<Problem> warned = new ArrayList<>();
        for (DatasetFolder.Entry entry : files) {
            Path file = entry.path();
            if (!hasImageExtension(file)) {
                skipped.add(new Problem(file, "extension " + extension(file)));
                continue;
            }
            perClass[entry.target()]++;
            Probe probe;
            try {
                probe = full ? decode(file) : probeHeader(file);
            } catch (ImageDecodeException e) {
                failing.add(new Problem(file, reason(e)));
                continue;
            }
            if (probe.warning() != null) {
                warned.add(new Problem(file, probe.warning()));
            }
            formats.merge(probe.format(), 1, Integer::sum);
            modes.merge(probe.mode(), 1, Integer::sum);
            sizes.merge(probe.width() + "x" + probe.height(), 1, Integer::sum);
            dims.add(new long[] {probe.width(), probe.height()});
        }
        print(classes, perClass, formats, modes, sizes, dims, skipped, failing, warned);
        return 0;
    }

    private void print(List<String> classes, int[] perClass, Map<String, Integer> formats, Map<String, Integer> modes,
                       Map<String, Integer> sizes, List<long[]> dims, List<Problem> skipped, List<Problem> failing,
                       List<Problem> warned) {
        PrintWriter o = spec.commandLine().getOut();
        int images = 0;
        int empty = 0;
        for (int n : perClass) {
            images += n;
            empty += n == 0 ? 1 : 0;
        }
        o.printf(Locale.ROOT, "ImageFolder %s: %s, %s; %s would be skipped, %s would fail to load (%s)%n",
                dir.toAbsolutePath().normalize(), plural(classes.size(), "class", "classes"),
                plural(images, "image", "images"), plural(skipped.size(), "other file", "other files"),
                plural(failing.size(), "image", "images"),
                full ? "every image decoded" : "headers checked; --full decodes every image");
        o.println("classes (index, name, images):");
        int width = classes.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < classes.size(); i++) {
            if (list > 0 && i == list) {
                o.printf(Locale.ROOT, "  ... %d more classes (--list 0 shows all)%n", classes.size() - list);
                break;
            }
            o.printf(Locale.ROOT, "  %5d  %-" + width + "s  %6d%s%n", i, classes.get(i), perClass[i],
                    perClass[i] == 0 ? "  <- no image: ImageFolder refuses an empty class (allowEmpty)" : "");
        }
        if (empty > 0) {
            o.printf(Locale.ROOT, "empty classes: %d%n", empty);
        }
        o.println("formats: " + counts(formats));
        o.println("modes: " + counts(modes));
        o.println("sizes (width x height): " + sizeLine(sizes, dims));
        o.println("fusion, train (RandomResizedCrop, RandomHorizontalFlip, ToTensor, Normalize): "
                + ImagePipeline.trainTransform().plan(Decoders.standard()));
        o.println("fusion, eval (Resize, CenterCrop, ToTensor, Normalize): "
                + ImagePipeline.evalTransform().plan(Decoders.standard()));
        printProblems(o, "skipped by ImageFolder, whose extensions are " + String.join(" ", ImageFolder.IMG_EXTENSIONS),
                skipped);
        printProblems(o, "would fail to load", failing);
        printProblems(o, "load with a warning: corrupt JPEG data that libjpeg repairs; PIL loads these with the"
                + " repair, and so does ImageFolder unless Decoders.withStrictJpeg(true) refuses them", warned);
        o.flush();
    }

    private void printProblems(PrintWriter o, String title, List<Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        o.printf(Locale.ROOT, "%s (%d):%n", title, problems.size());
        for (int i = 0; i < problems.size(); i++) {
            if (list > 0 && i == list) {
                o.printf(Locale.ROOT, "  ... %d more (--list 0 shows all)%n", problems.size() - list);
                break;
            }
            Problem p = problems.get(i);
            o.printf(Locale.ROOT, "  %s: %s%n", dir.relativize(p.file()), shorten(p.reason(), 200));
        }
    }

    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** At most {@code max} characters of {@code text} (decoder messages can list the same warning many times). */
    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static String counts(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }

    /** Smallest, median and largest by pixel count, and the most common size. */
    static String sizeLine(Map<String, Integer> sizes, List<long[]> dims) {
        if (dims.isEmpty()) {
            return "none";
        }
        List<long[]> sorted = new ArrayList<>(dims);
        sorted.sort(Comparator.<long[]>comparingLong(d -> d[0] * d[1]).thenComparingLong(d -> d[0]));
        long[] min = sorted.getFirst();
        long[] max = sorted.getLast();
        long[] median = sorted.get((sorted.size() - 1) / 2);
        Map.Entry<String, Integer> common = sizes.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(
                        Comparator.reverseOrder())))
                .orElseThrow();
        return String.format(Locale.ROOT, "smallest %dx%d, median %dx%d, largest %dx%d (by pixel count); %d distinct"
                        + " sizes, most common %s (%d images)", min[0], min[1], median[0], median[1], max[0], max[1],
                sizes.size(), common.getKey(), common.getValue());
    }

    static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return ImageFolder.IMG_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "(none)" : name.substring(dot);
    }

    /** The problem part of a decoder message ("cannot decode image PATH: PROBLEM"). */
    private static String reason(ImageDecodeException e) {
        String prefix = "cannot decode image " + e.path() + ": ";
        String m = String.valueOf(e.getMessage());
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /**
     * Decodes the whole image with the strict decoder ({@link Decoders#withStrictJpeg}); a file it refuses but the
     * standard decoder loads is a file that loads with a warning, the strict decoder's reason.
     */
    static Probe decode(Path file) {
        Decoders strict = Decoders.standard().withStrictJpeg(true);
        String warning = null;
        Image image;
        try {
            image = strict.decode(file);
        } catch (ImageDecodeException strictRefusal) {
            image = Decoders.standard().decode(file);   // throws if the file fails to load at all
            warning = reason(strictRefusal);
        }
        try (Image decoded = image) {
            return new Probe(normalizeFormat(Decoders.standard().header(file).format()),
                    ImageHeader.modeName(decoded.channels()), decoded.width(), decoded.height(), warning);
        }
    }

    /** Reads only what the header says, with the decoder's own header checks ({@link Decoders#header}). */
    static Probe probeHeader(Path file) {
        if (!Files.isReadable(file)) {
            throw new ImageDecodeException(file, "the file cannot be read (permissions?)");
        }
        ImageHeader h = Decoders.standard().header(file);
        return new Probe(normalizeFormat(h.format()), h.mode(), h.width(), h.height(), null);
    }

    private static String normalizeFormat(String format) {
        return switch (format) {
            case "JPG" -> "JPEG";
            case "TIF" -> "TIFF";
            default -> format;
        };
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
