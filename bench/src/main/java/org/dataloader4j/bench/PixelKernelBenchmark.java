package org.dataloader4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.transforms.Functional;
import org.dataloader4j.vision.transforms.InterpolationMode;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pixel kernels of the transforms alone, on images already decoded, one thread: each {@code op} through the
 * public {@link Functional} calls the transforms use, cycling over the first {@code images} JPEGs and PNGs (sorted)
 * under {@code -Ddataloader4j.bench.images} (default {@code /tmp/bench-imagenet}, made by
 * {@code ../shared/bench/make-bench-data.sh}). The ops: {@code Resize(256)} bilinear and bicubic, its horizontal and
 * vertical passes alone (only the width, or only the height, changes), {@code RandomResizedCrop(224)}'s crop and
 * resize (boxes drawn once from seed 1), {@code CenterCrop(224)} of the 256 resize, and a horizontal flip of that
 * 224 crop. The score is microseconds per image; {@link ImagePipelineBenchmark} times whole pipelines from the file.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar PixelKernel -p op=resize-bilinear
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class PixelKernelBenchmark {
    @Param({"resize-bilinear", "resize-horizontal", "resize-vertical", "resize-bicubic", "resized-crop",
            "center-crop", "hflip"})
    String op;

    /** How many images to cycle over (all are decoded and kept in memory). */
    @Param("64")
    int images;

    private final List<Image> decoded = new ArrayList<>();
    private final List<Image> resized = new ArrayList<>();
    private final List<Image> crops = new ArrayList<>();
    private RandomResizedCrop.Params[] boxes;
    private int next;

    @Setup
    public void setUp() throws IOException {
        List<Path> files = BenchData.imageFiles(".*\\.(jpe?g|png)", images, "JPEG or PNG");
        Decoders decoders = Decoders.standard();
        RandomResizedCrop rrc = new RandomResizedCrop(224);
        SplittableRandom random = new SplittableRandom(1);
        boxes = new RandomResizedCrop.Params[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Image img = decoders.decode(files.get(i), Image.Mode.RGB);
            decoded.add(img);
            boxes[i] = rrc.params(img.width(), img.height(), random);
            Image r = Functional.resize(img, 256, InterpolationMode.BILINEAR);
            resized.add(r);
            crops.add(Functional.centerCrop(r, 224, 224));
        }
    }

    @TearDown
    public void tearDown() {
        for (List<Image> list : List.of(crops, resized, decoded)) {
            for (Image img : list) {
                if (!img.isClosed()) {
                    img.close();
                }
            }
            list.clear();
        }
    }

    /** One image through {@code op}; the result is closed unless it is the input itself. */
    @Benchmark
    public long image() {
        int i = next++ % decoded.size();
        Image in = switch (op) {
            case "center-crop" -> resized.get(i);
            case "hflip" -> crops.get(i);
            default -> decoded.get(i);
        };
        Image out = apply(in, i);
        long checksum = out.width() * 31L + out.height();
        if (out != in) {
            out.close();
        }
        return checksum;
    }

    private Image apply(Image img, int i) {
        return switch (op) {
            case "resize-bilinear" -> Functional.resize(img, 256, InterpolationMode.BILINEAR);
            case "resize-bicubic" -> Functional.resize(img, 256, InterpolationMode.BICUBIC);
            case "resize-horizontal" -> {
                int[] hw = Functional.shorterSideSize(img.width(), img.height(), 256);
                yield Functional.resize(img, img.height(), hw[1], InterpolationMode.BILINEAR);
            }
            case "resize-vertical" -> {
                int[] hw = Functional.shorterSideSize(img.width(), img.height(), 256);
                yield Functional.resize(img, hw[0], img.width(), InterpolationMode.BILINEAR);
            }
            case "resized-crop" -> {
                RandomResizedCrop.Params p = boxes[i];
                yield Functional.resizedCrop(img, p.top(), p.left(), p.height(), p.width(), 224, 224,
                        InterpolationMode.BILINEAR);
            }
            case "center-crop" -> Functional.centerCrop(img, 224, 224);
            case "hflip" -> Functional.hflip(img);
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
    }
}
