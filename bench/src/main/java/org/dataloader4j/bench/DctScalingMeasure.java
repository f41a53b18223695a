package org.dataloader4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Functional;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;

/**
 * A measurement of the opt-in DCT-scaled fused decode ({@link Decoders#withDctScaling}): how much it differs from
 * the exact path, how often it applies, and how fast both are, per CPU-second of this thread. The numbers are in
 * {@code vision/README.md}.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     org.dataloader4j.bench.DctScalingMeasure /tmp/bench-imagenet [passes]
 * }</pre>
 */
public final class DctScalingMeasure {
    private static final long SEED = 42;

    private DctScalingMeasure() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the folder of JPEGs (default {@code /tmp/bench-imagenet}) and the timed passes (default 3)
     * @throws IOException if the folder cannot be listed
     */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "/tmp/bench-imagenet");
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jpg")).sorted().toList();
        }
        System.out.println(files.size() + " JPEGs under " + root + "; " + Decoders.describe());
        Decoders exact = Decoders.standard();
        Decoders scaled = exact.withDctScaling(true);
        RandomResizedCrop rrc = new RandomResizedCrop(224);
        Resize resize = new Resize(256);
        CenterCrop center = new CenterCrop(224);

        report("train RandomResizedCrop(224)", files, rrc.decoding(exact), rrc.decoding(scaled),
                (file, rng) -> {
                    try (Image whole = exact.decode(file, Image.Mode.RGB)) {   // header size only
                        RandomResizedCrop.Params p = rrc.params(whole.width(), whole.height(), rng);
                        return Decoders.dctScale(p.width(), p.height(), 224, 224);
                    }
                }, passes);
        SampleTransform<Path, Image> evalExact = (f, rng) -> {
            try (Image r = resize.decoding(exact).apply(f, rng)) {
                return center.apply(r, rng);
            }
        };
        SampleTransform<Path, Image> evalScaled = (f, rng) -> {
            try (Image r = resize.decoding(scaled).apply(f, rng)) {
                return center.apply(r, rng);
            }
        };
        report("eval Resize(256)+CenterCrop(224)", files, evalExact, evalScaled, (file, rng) -> {
            try (Image whole = exact.decode(file, Image.Mode.RGB)) {
                int[] hw = Functional.shorterSideSize(whole.width(), whole.height(), 256);
                return Decoders.dctScale(whole.width(), whole.height(), hw[1], hw[0]);
            }
        }, passes);
    }

    interface ScaleOf {
        int scale(Path file, RandomGenerator rng);
    }

    private static void report(String name, List<Path> files, SampleTransform<Path, Image> exact,
                               SampleTransform<Path, Image> scaled, ScaleOf scaleOf, int passes) {
        long sumAbs = 0;
        long values = 0;
        int maxDiff = 0;
        double worstImageMean = 0;
        int applied = 0;
        int[] byScale = new int[9];
        long sumAbsApplied = 0;
        long valuesApplied = 0;
        long[] hist = new long[256];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            int n = scaleOf.scale(f, CounterRandom.of(SEED, 0, i, 0));
            byScale[n]++;
            try (Image a = exact.apply(f, CounterRandom.of(SEED, 0, i, 0));
                 Image b = scaled.apply(f, CounterRandom.of(SEED, 0, i, 0))) {
                if (a.width() != b.width() || a.height() != b.height()) {
                    throw new AssertionError(f + ": shapes differ");
                }
                byte[] x = a.toByteArray();
                byte[] y = b.toByteArray();
                long s = 0;
                for (int k = 0; k < x.length; k++) {
                    int d = Math.abs((x[k] & 0xFF) - (y[k] & 0xFF));
                    s += d;
                    hist[d]++;
                    maxDiff = Math.max(maxDiff, d);
                }
                if (n == 8 && s != 0) {
                    throw new AssertionError(f + ": scale 8/8 but the pixels differ");
                }
                sumAbs += s;
                values += x.length;
                worstImageMean = Math.max(worstImageMean, (double) s / x.length);
                if (n < 8) {
                    applied++;
                    sumAbsApplied += s;
                    valuesApplied += x.length;
                }
            }
        }
        long le1 = hist[0] + hist[1];
        long le4 = le1 + hist[2] + hist[3] + hist[4];
        System.out.printf("%s: DCT scaling applied to %d of %d images (%.1f %%); scales n/8 used: %s%n", name, applied,
                files.size(), 100.0 * applied / files.size(), scalesText(byScale));
        System.out.printf("  difference to the exact path, uint8 steps: mean abs %.3f over all images, %.3f over the"
                        + " scaled ones; worst image mean %.3f; max %d; values within 1 step %.2f %%, within 4 %.3f %%%n",
                (double) sumAbs / values, valuesApplied == 0 ? 0 : (double) sumAbsApplied / valuesApplied,
                worstImageMean, maxDiff, 100.0 * le1 / values, 100.0 * le4 / values);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int warm = 0; warm < 2; warm++) {   // JIT warm-up
            run(files, exact);
            run(files, scaled);
        }
        long cpuExact = 0;
        long cpuScaled = 0;
        long wallExact = 0;
        long wallScaled = 0;
        for (int p = 0; p < passes; p++) {   // alternate, so that load on the shared box hits both alike
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            run(files, exact);
            long c1 = mx.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            run(files, scaled);
            cpuExact += c1 - c0;
            wallExact += w1 - w0;
            cpuScaled += mx.getCurrentThreadCpuTime() - c1;
            wallScaled += System.nanoTime() - w1;
        }
        double imgs = (double) files.size() * passes;
        System.out.printf("  speed, images per CPU-second (per wall-second): exact %.0f (%.0f), DCT-scaled %.0f (%.0f),"
                        + " x%.2f%n", imgs / (cpuExact / 1e9), imgs / (wallExact / 1e9), imgs / (cpuScaled / 1e9),
                imgs / (wallScaled / 1e9), (double) cpuExact / cpuScaled);
    }

    private static String scalesText(int[] byScale) {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= 8; n++) {
            if (byScale[n] > 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(n).append("/8: ").append(byScale[n]);
            }
        }
        return sb.toString();
    }

    private static void run(List<Path> files, SampleTransform<Path, Image> t) {
        for (int i = 0; i < files.size(); i++) {
            t.apply(files.get(i), CounterRandom.of(SEED, 1, i, 0)).close();
        }
    }
}
