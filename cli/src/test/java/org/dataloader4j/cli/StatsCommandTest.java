package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataloader4j stats DIR} against a direct computation over the decoded pixels. */
class StatsCommandTest {
    @TempDir
    Path root;

    @BeforeEach
    void makeFolder() throws Exception {
        TestImages.png(root.resolve("x/1.png"), 40, 20, 11);
        TestImages.png(root.resolve("x/2.png"), 20, 40, 12);
        TestImages.write(TestImages.gray(30, 30, 13), "png", root.resolve("y/3.png"));   // gray: R = G = B
        TestImages.png(root.resolve("y/sub/4.png"), 7, 9, 14);
    }

    /** Mean and population std of each RGB channel over every pixel of every image, in double, at ToTensor scale. */
    private static double[][] direct(Path dir) throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".png")).toList();
        }
        double[] sum = new double[3];
        double[] sq = new double[3];
        long n = 0;
        for (Path f : files) {
            BufferedImage image = ImageIO.read(f.toFile());
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y);
                    int[] v = {rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255};
                    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
                        int g = image.getRaster().getSample(x, y, 0);   // getRGB would apply a gamma curve
                        v = new int[] {g, g, g};
                    }
                    for (int c = 0; c < 3; c++) {
                        double t = v[c] / 255.0;
                        sum[c] += t;
                        sq[c] += t * t;
                    }
                    n++;
                }
            }
        }
        double[] mean = new double[3];
        double[] std = new double[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = sum[c] / n;
            std[c] = Math.sqrt(sq[c] / n - mean[c] * mean[c]);
        }
        return new double[][] {mean, std};
    }

    private static double[] vector(String line) {
        String inside = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
        return Arrays.stream(inside.split(",")).mapToDouble(s -> Double.parseDouble(s.strip())).toArray();
    }

    @Test
    void meanAndStdMatchADirectComputation() throws Exception {
        CliRun r = CliRun.of("stats", root.toString(), "--workers", "2", "--batch-size", "2");
        assertEquals(0, r.code(), r.all());
        double[][] expected = direct(root);
        double[] mean = vector(r.line("mean"));
        double[] std = vector(r.line("std"));
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[0][c], mean[c], 1e-6, "mean of channel " + c);
            assertEquals(expected[1][c], std[c], 1e-6, "std of channel " + c);
        }
        long pixels = 40 * 20 + 20 * 40 + 30 * 30 + 7 * 9;
        assertTrue(r.out().startsWith("4 images in 2 classes under " + root + ", as they are, " + pixels
                + " pixels per channel"), r.all());
        assertTrue(r.line("new Normalize(new float[] {").matches(
                " *new Normalize\\(new float\\[] \\{0\\.\\d{4}f, 0\\.\\d{4}f, 0\\.\\d{4}f}, new float\\[] \\{0\\.\\d{4}f,"
                        + " 0\\.\\d{4}f, 0\\.\\d{4}f}\\)"), r.all());
        assertTrue(r.line("transforms.Normalize(mean=[").contains(", std=["), r.all());
    }

    @Test
    void theResultDoesNotDependOnTheWorkerCount() {
        CliRun serial = CliRun.of("stats", root.toString(), "--workers", "0");
        CliRun parallel = CliRun.of("stats", root.toString(), "--workers", "3", "--batch-size", "1");
        assertEquals(serial.line("mean"), parallel.line("mean"));
        assertEquals(serial.line("std"), parallel.line("std"));
    }

    @Test
    void resizeShrinksTheShorterSideFirst() {
        CliRun r = CliRun.of("stats", root.toString(), "--resize", "10");
        assertEquals(0, r.code(), r.all());
        // shorter side to 10, the longer one scaled and truncated as torchvision does: 20x10, 10x20, 10x10, 10x12
        long pixels = 20 * 10 + 10 * 20 + 10 * 10 + 10 * 12;
        assertTrue(r.out().contains("shorter side resized to 10, " + pixels + " pixels per channel"), r.all());
    }

    @Test
    void aCorruptImageFailsWithOneLineNamingTheFile() throws Exception {
        Files.writeString(root.resolve("y/bad.png"), "garbage");
        CliRun r = CliRun.of("stats", root.toString());
        assertEquals(1, r.code(), r.all());
        String[] lines = r.err().strip().split("\n");
        assertEquals(2, lines.length, r.all());
        assertTrue(lines[0].startsWith("dataloader4j: ") && lines[0].contains("bad.png"), r.all());
    }

    @Test
    void skipBadLeavesCorruptImagesOutListsThemAndGivesTheStatsOfTheRest() throws Exception {
        CliRun clean = CliRun.of("stats", root.toString(), "--workers", "2");
        Files.writeString(root.resolve("y/bad.png"), "garbage");
        Files.writeString(root.resolve("x/0bad.png"), "more garbage");
        for (String workers : new String[] {"0", "2"}) {
            CliRun r = CliRun.of("stats", root.toString(), "--skip-bad", "2", "--workers", workers);
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().contains("skipped images: 2 (left out of their batches):"), r.all());
            assertTrue(r.out().contains("0bad.png") && r.out().contains("bad.png: "), r.all());
            String mean = clean.out().lines().filter(l -> l.startsWith("mean")).findFirst().orElseThrow();
            assertTrue(r.out().contains(mean), "the statistics of the images that loaded:\n" + r.all());
        }
        CliRun over = CliRun.of("stats", root.toString(), "--skip-bad", "1");
        assertEquals(1, over.code(), over.all());
        assertTrue(over.err().contains("more than the 1 that onSampleError(skip) allows"), over.all());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, CliRun.of("stats", root.toString(), "--skip-bad", "-1").code());
        assertEquals(2, CliRun.of("stats").code());
        assertEquals(2, CliRun.of("stats", root.toString(), "--resize", "0").code());
        assertEquals(2, CliRun.of("stats", root.toString(), "--workers", "many").code());
        assertEquals(2, CliRun.of("stats", root.resolve("missing").toString()).code());
    }
}
