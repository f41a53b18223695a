package org.dataloader4j.vision.transforms;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;

/**
 * Manual benchmark, not a JUnit test: times {@link ReferencePixels} (the kernels before the rewrite) against
 * {@link Pixels} on a folder of photos, single thread, old and new interleaved in each round, and prints the median
 * milliseconds of thread CPU time per image (CPU time, so that other load on a shared machine counts less) over the rounds after warm-up. Also checks that both give the same bytes.
 *
 * <pre>{@code
 * java -cp <vision test classpath> org.dataloader4j.vision.transforms.ResizeBenchmark /tmp/bench-imagenet 9
 * }</pre>
 */
public final class ResizeBenchmark {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ResizeBenchmark() {
    }

    private interface Op {
        Image run(Image img, int i);
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/bench-imagenet");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted().toList();
        }
        Decoders decoders = Decoders.standard();
        List<Image> imgs = new ArrayList<>();
        for (Path f : files) {
            imgs.add(decoders.decode(f, Image.Mode.RGB));
        }
        int n = imgs.size();
        RandomResizedCrop rrc = new RandomResizedCrop(224);
        RandomResizedCrop.Params[] params = new RandomResizedCrop.Params[n];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            params[i] = rrc.params(imgs.get(i).width(), imgs.get(i).height(), rnd);
        }
        List<Image> resized = new ArrayList<>();
        List<Image> crops = new ArrayList<>();
        for (Image img : imgs) {
            int[] hw = Functional.shorterSideSize(img.width(), img.height(), 256);
            Image r = Pixels.resize(img, hw[1], hw[0], InterpolationMode.BILINEAR);
            resized.add(r);
            crops.add(Functional.centerCrop(r, 224, 224));
        }
        InterpolationMode bl = InterpolationMode.BILINEAR;
        String[] names = {"Resize(256) bilinear", "  horizontal pass only", "  vertical pass only",
                "RandomResizedCrop(224) crop+resize", "CenterCrop(224) of the 256 resize", "hflip 224x224",
                "Resize(256) bicubic"};
        Op[][] ops = {
            {(img, i) -> resize(img, 256, bl, true), (img, i) -> resize(img, 256, bl, false)},
            {(img, i) -> horizontalOnly(img, true), (img, i) -> horizontalOnly(img, false)},
            {(img, i) -> verticalOnly(img, true), (img, i) -> verticalOnly(img, false)},
            {(img, i) -> resizedCrop(img, params[i], true), (img, i) -> resizedCrop(img, params[i], false)},
            {(img, i) -> centerCrop(resized.get(i), true), (img, i) -> centerCrop(resized.get(i), false)},
            {(img, i) -> ReferencePixels.flipHorizontal(crops.get(i)), (img, i) -> Pixels.flipHorizontal(crops.get(i))},
            {(img, i) -> resize(img, 256, InterpolationMode.BICUBIC, true),
                (img, i) -> resize(img, 256, InterpolationMode.BICUBIC, false)},
        };
        for (Op[] op : ops) {
            for (int i = 0; i < n; i++) {
                try (Image a = op[0].run(imgs.get(i), i); Image b = op[1].run(imgs.get(i), i)) {
                    if (!Arrays.equals(a.toByteArray(), b.toByteArray())) {
                        throw new AssertionError("old and new differ on image " + i);
                    }
                }
            }
        }
        double[][][] ms = new double[ops.length][2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int o = 0; o < ops.length; o++) {
                for (int v = 0; v < 2; v++) {
                    int which = (r % 2 == 0) ? v : 1 - v;    // alternate which goes first
                    long t0 = CPU.getCurrentThreadCpuTime();
                    for (int i = 0; i < n; i++) {
                        ops[o][which].run(imgs.get(i), i).close();
                    }
                    ms[o][which][r] = (CPU.getCurrentThreadCpuTime() - t0) / 1e6 / n;
                }
            }
        }
        int warm = Math.min(2, rounds - 1);
        System.out.printf(Locale.ROOT, "%d images, %d rounds (first %d warm-up), thread CPU ms per image, single thread%n", n,
                rounds, warm);
        System.out.printf(Locale.ROOT, "%-38s %8s %8s %7s%n", "op", "old", "new", "speedup");
        for (int o = 0; o < ops.length; o++) {
            double a = median(Arrays.copyOfRange(ms[o][0], warm, rounds));
            double b = median(Arrays.copyOfRange(ms[o][1], warm, rounds));
            System.out.printf(Locale.ROOT, "%-38s %8.3f %8.3f %6.2fx%n", names[o], a, b, a / b);
        }
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Image resize(Image img, int size, InterpolationMode m, boolean old) {
        int[] hw = Functional.shorterSideSize(img.width(), img.height(), size);
        return old ? ReferencePixels.resize(img, hw[1], hw[0], m) : Pixels.resize(img, hw[1], hw[0], m);
    }

    private static Image horizontalOnly(Image img, boolean old) {
        int[] hw = Functional.shorterSideSize(img.width(), img.height(), 256);
        return old ? ReferencePixels.resize(img, hw[1], img.height(), InterpolationMode.BILINEAR)
                : Pixels.resize(img, hw[1], img.height(), InterpolationMode.BILINEAR);
    }

    private static Image verticalOnly(Image img, boolean old) {
        int[] hw = Functional.shorterSideSize(img.width(), img.height(), 256);
        return old ? ReferencePixels.resize(img, img.width(), hw[0], InterpolationMode.BILINEAR)
                : Pixels.resize(img, img.width(), hw[0], InterpolationMode.BILINEAR);
    }

    private static Image resizedCrop(Image img, RandomResizedCrop.Params p, boolean old) {
        Image c = old ? ReferencePixels.crop(img, p.top(), p.left(), p.height(), p.width())
                : Pixels.crop(img, p.top(), p.left(), p.height(), p.width());
        Image out = old ? ReferencePixels.resize(c, 224, 224, InterpolationMode.BILINEAR)
                : Pixels.resize(c, 224, 224, InterpolationMode.BILINEAR);
        if (c != img && c != out) {
            c.close();
        }
        return out;
    }

    private static Image centerCrop(Image img, boolean old) {
        int top = (int) Math.rint((img.height() - 224) / 2.0);
        int left = (int) Math.rint((img.width() - 224) / 2.0);
        return old ? ReferencePixels.crop(img, top, left, 224, 224) : Pixels.crop(img, top, left, 224, 224);
    }
}
