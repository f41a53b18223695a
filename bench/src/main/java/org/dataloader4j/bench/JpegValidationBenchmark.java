package org.dataloader4j.bench;

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
import org.dataloader4j.vision.ImageHeader;
import org.dataloader4j.vision.Region;

/**
 * What the whole-scan validation of JPEGs costs the train pipeline's crop decode. Times
 * {@link Decoders#decodeRegion} on RandomResizedCrop-like boxes (8 to 100 % of the area, aspect 3/4 to 4/3) of the
 * JPEGs in a folder, single thread, in two interleaved ways each round: files never seen before (fresh hard links,
 * so every decode entropy-decodes the rows below the box and reads up to the end marker, as in a first epoch), and
 * the same boxes of files already seen to decode cleanly (remembered by path, size and modification time: the decode
 * stops below the box, as in later epochs). Prints the median milliseconds of thread CPU time per decode over the rounds after the first.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     org.dataloader4j.bench.JpegValidationBenchmark /tmp/bench-imagenet 9
 * }</pre>
 */
public final class JpegValidationBenchmark {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private JpegValidationBenchmark() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the folder of JPEGs (default {@code /tmp/bench-imagenet}; the first 200 are used) and the rounds
     *             (default 9)
     * @throws IOException if the folder cannot be listed or the hard links cannot be made
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/bench-imagenet");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Decoders d = Decoders.standard();
        if (!d.usesNativeJpeg()) {   // the validation is the native path's; ImageIO decodes whole files anyway
            throw new IllegalStateException("the native JPEG path is not available: " + Decoders.describe());
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g")).sorted().limit(200)
                    .toList();
        }
        SplittableRandom rnd = new SplittableRandom(3);
        List<Region> boxes = new ArrayList<>();
        for (Path f : files) {
            ImageHeader h = d.header(f);
            boxes.add(box(h.width(), h.height(), rnd));
            d.decodeRegion(f, 0, 0, 1, 1).close();   // validates it: the remembered way below stops early
        }
        Path links = Files.createTempDirectory("dl4j-jpeg-validation");
        double[] fresh = new double[rounds];
        double[] remembered = new double[rounds];
        try {
            for (int r = 0; r < rounds; r++) {
                List<Path> unseen = new ArrayList<>();
                for (int i = 0; i < files.size(); i++) {
                    unseen.add(Files.createLink(links.resolve(r + "-" + i + ".jpg"), files.get(i)));
                }
                boolean freshFirst = r % 2 == 0;
                double a = time(d, freshFirst ? unseen : files, boxes);
                double b = time(d, freshFirst ? files : unseen, boxes);
                fresh[r] = freshFirst ? a : b;
                remembered[r] = freshFirst ? b : a;
            }
        } finally {
            try (Stream<Path> made = Files.list(links)) {
                for (Path p : made.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(links);
        }
        double f = median(Arrays.copyOfRange(fresh, 1, rounds));
        double m = median(Arrays.copyOfRange(remembered, 1, rounds));
        System.out.printf(Locale.ROOT, "%d JPEGs, %d rounds: crop decode %.3f ms validating the whole scan (first"
                + " epoch), %.3f ms for a remembered clean file (later epochs): validation costs %.1f %%%n",
                files.size(), rounds, f, m, 100 * (f / m - 1));
    }

    private static Region box(int w, int h, SplittableRandom rnd) {
        while (true) {
            double area = w * (double) h * (0.08 + 0.92 * rnd.nextDouble());
            double ratio = Math.exp(Math.log(0.75) + rnd.nextDouble() * Math.log(4.0 / 3 / 0.75));
            int cw = (int) Math.round(Math.sqrt(area * ratio));
            int ch = (int) Math.round(Math.sqrt(area / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                return new Region(rnd.nextInt(h - ch + 1), rnd.nextInt(w - cw + 1), ch, cw);
            }
        }
    }

    /** Milliseconds of thread CPU time per decode of {@code files}' boxes. */
    private static double time(Decoders d, List<Path> files, List<Region> boxes) {
        long t0 = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < files.size(); i++) {
            Region b = boxes.get(i);
            d.decodeRegion(files.get(i), b.top(), b.left(), b.height(), b.width()).close();
        }
        return (CPU.getCurrentThreadCpuTime() - t0) / 1e6 / files.size();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
