package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.loader.SkippedSample;
import org.dataloader4j.stats.ChannelStats;
import org.dataloader4j.stats.Stats;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dataloader4j stats DIR}: the per-channel mean and standard deviation of every image of an ImageFolder, at
 * {@code ToTensor} scale ([0, 1], RGB), optionally after a {@code Resize}, computed in parallel with
 * {@link Stats#compute} and printed as a {@code Normalize} ready to paste.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compute the per-channel mean and standard deviation of the images of an ImageFolder"
                + " (RGB, ToTensor scale [0, 1]), printed ready to paste into Normalize.",
                "Every image is decoded; the standard deviation is over all pixels of a channel (population)."},
        footer = {"", "Examples:", "  dataloader4j stats /data/train", "  dataloader4j stats /data/train --resize 256"})
final class StatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "the ImageFolder: one sub-directory of images per class")
    Path dir;

    @Option(names = "--resize", paramLabel = "PX",
            description = "Resize the shorter side to PX first (bilinear, antialiased), as an eval pipeline does")
    Integer resize;

    @Mixin
    ImageLoadOptions load;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        load.check(spec.commandLine());
        if (resize != null && resize < 1) {
            throw new ParameterException(spec.commandLine(), "--resize must be positive, but got --resize=" + resize);
        }
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "DIR " + dir + " is not a directory: give an ImageFolder,"
                    + " a directory with one sub-directory of images per class");
        }
        SampleTransform<Image, Tensor> transform = resize == null ? new ToTensor()
                : Compose.of(new Resize(resize)).then(new ToTensor());
        DatasetFolder<Tensor> dataset = ImageFolder.builder(dir).transform(transform).allowEmpty(true).build();
        long start = System.nanoTime();
        java.util.List<SkippedSample> skipped = new java.util.ArrayList<>();
        ChannelStats s = load.skipBad == 0 ? Stats.compute(dataset, load.batchSize, load.workers)
                : Stats.compute(dataset, load.batchSize, load.workers, load.errorPolicy(), skipped::add);
        double seconds = (System.nanoTime() - start) / 1e9;

        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%d images in %d classes under %s, %s, %d pixels per channel (%.2f s)%n",
                dataset.size(), dataset.classes().size(), dir.toAbsolutePath().normalize(),
                resize == null ? "as they are" : "shorter side resized to " + resize, s.count(), seconds);
        o.printf(Locale.ROOT, "mean  %s   (R, G, B at ToTensor scale)%n", vector(s.mean(), 6, ""));
        o.printf(Locale.ROOT, "std   %s   (population)%n", vector(s.std(), 6, ""));
        o.println("paste into a pipeline:");
        o.printf(Locale.ROOT, "  new Normalize(new float[] %s, new float[] %s)%n", javaArray(s.mean()),
                javaArray(s.std()));
        o.printf(Locale.ROOT, "  transforms.Normalize(mean=%s, std=%s)%n", vector(s.mean(), 4, ""),
                vector(s.std(), 4, ""));
        if (load.skipBad > 0) {
            SkippedReport.print(o, "skipped images: ", skipped);
        }
        o.flush();
        return 0;
    }

    private static String javaArray(double[] values) {
        return vector(values, 4, "f").replace('[', '{').replace(']', '}');
    }

    static String vector(double[] values, int decimals, String suffix) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%." + decimals + "f", values[i]))
                    .append(suffix);
        }
        return sb.append(']').toString();
    }
}
