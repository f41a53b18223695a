package org.dataloader4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.dataloader4j.io.internal.Json;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Sample;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StageTimings} on a few small JPEGs written here (2 classes): every stage reported, the unfused stages giving
 * the fused {@code ImageFolder.get}'s tensor bit for bit, bad arguments named. Never how fast.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StageTimingsTest {
    private static final String[] KEYS = {"read", "decode", "train.RandomResizedCrop", "train.RandomHorizontalFlip",
        "train.ToTensor", "train.Normalize", "train.unfused", "train.get", "train.collate", "eval.Resize",
        "eval.CenterCrop", "eval.ToTensor", "eval.Normalize", "eval.unfused", "eval.get", "eval.collate"};

    @TempDir
    Path dir;

    /** Writes 2 classes of 4 JPEGs each, of different sizes and orientations, with noisy gradients. */
    private Path folder() throws IOException {
        Path root = dir.resolve("images");
        Random random = new Random(17);
        int[][] sizes = {{320, 240}, {257, 300}, {500, 333}, {240, 240}};
        for (String c : new String[] {"cat", "dog"}) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < sizes.length; i++) {
                int w = sizes[i][0];
                int h = sizes[i][1];
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int r = (x * 255 / w + random.nextInt(32)) & 0xff;
                        int g = (y * 255 / h + random.nextInt(32)) & 0xff;
                        int b = ((x + y) * 127 / (w + h) + random.nextInt(64)) & 0xff;
                        img.setRGB(x, y, (r << 16) | (g << 8) | b);
                    }
                }
                assertTrue(ImageIO.write(img, "jpg", root.resolve(c).resolve("img" + i + ".jpg").toFile()));
            }
        }
        return root;
    }

    @Test
    void everyStageIsReportedWithAPositiveFiniteTime() throws IOException {
        StageTimings timings = new StageTimings(folder(), 6);
        StageTimings.Result r = timings.measure(2, null);
        assertEquals(6, r.files().size());
        assertEquals(2, r.rounds());
        List<String> keys = new ArrayList<>();
        for (StageTimings.Stage s : r.stages()) {
            keys.add(s.key());
            assertTrue(Double.isFinite(s.millisPerImage()) && s.millisPerImage() > 0, s.toString());
            assertEquals(2, s.rounds().size(), s.key());
            for (double v : s.rounds()) {
                assertTrue(Double.isFinite(v) && v > 0, s.toString());
            }
            assertFalse(s.label().isBlank(), s.key());
        }
        assertEquals(List.of(KEYS), keys);
        for (String p : new String[] {"train", "eval"}) {
            double sum = r.stage("read").millisPerImage() + r.stage("decode").millisPerImage();
            assertTrue(r.stage(p + ".unfused").millisPerImage() >= sum, p + ": the sum includes read and decode");
        }
        String table = StageTimings.table(r, null);
        for (StageTimings.Stage s : r.stages()) {
            assertTrue(table.contains(s.label()), table);
        }
    }

    @Test
    void theUnfusedStagesGiveTheFusedTensorBitForBit() throws IOException {
        StageTimings timings = new StageTimings(folder(), 8);
        int differentFromEval = 0;
        for (int k = 0; k < 8; k++) {
            long[] nanos = new long[KEYS.length];
            Tensor[] unfused = timings.unfused(k, nanos);
            Sample<Tensor> train = timings.trainSet().get(timings.index(k));
            Sample<Tensor> eval = timings.evalSet().get(timings.index(k));
            try {
                assertArrayEquals(new long[] {3, 224, 224}, unfused[0].shape().toArray(), "train shape");
                assertTrue(unfused[0].contentEquals(train.input()), "train, image " + k + ": unfused != fused get");
                assertTrue(unfused[1].contentEquals(eval.input()), "eval, image " + k + ": unfused != fused get");
                if (!unfused[0].contentEquals(unfused[1])) {
                    differentFromEval++;
                }
                for (int s : new int[] {0, 1, 2, 3, 4, 5, 9, 10, 11, 12}) {
                    assertTrue(nanos[s] > 0, "stage " + KEYS[s] + " was timed");
                }
            } finally {
                unfused[0].close();
                unfused[1].close();
                train.input().close();
                eval.input().close();
            }
        }
        assertEquals(8, differentFromEval, "the random crops are not the eval center crops");
    }

    @Test
    void aBadDirFailsNamingIt() throws IOException {
        Path missing = dir.resolve("no-such-folder");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StageTimings(missing, 4));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("ImageFolder"),
                e.getMessage());

        Path file = Files.writeString(dir.resolve("a-file.txt"), "not a folder");
        e = assertThrows(IllegalArgumentException.class, () -> new StageTimings(file, 4));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());

        Path root = folder();
        e = assertThrows(IllegalArgumentException.class, () -> new StageTimings(root, 9));
        assertTrue(e.getMessage().contains(root.toString()) && e.getMessage().contains("8 images"), e.getMessage());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StageTimings.run(new String[] {missing.toString(), "4", "1"}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("DIR " + missing), err.toString());

        err.reset();
        status = StageTimings.run(new String[] {root.toString(), "0"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("images must be a positive integer, but was '0'"),
                err.toString());
    }

    @Test
    void aMissingPythonIsReportedAfterOurTable() throws IOException {
        Path root = folder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String python = dir.resolve("no-python").toString();
        int status = StageTimings.run(new String[] {root.toString(), "2", "1", "--compare-pytorch", "--python", python,
            "--script", script().toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(3, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("train: dataset get"), out.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot run " + python), err.toString());

        err.reset();
        Path noScript = dir.resolve("missing.py");
        status = StageTimings.run(new String[] {root.toString(), "2", "1", "--compare-pytorch", "--script",
            noScript.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(3, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(noScript.toAbsolutePath() + " does not exist"),
                err.toString());
    }

    /** With PyTorch installed: the script measures the same files and reports every stage under the same key. */
    @Test
    @SuppressWarnings("unchecked")
    void thePytorchSideReportsTheSameStages() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
        Path root = folder();
        Path json = dir.resolve("stages.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = StageTimings.run(new String[] {root.toString(), "4", "1", "--compare-pytorch", "--script",
            script().toString(), "--json", json.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String errors = err.toString(StandardCharsets.UTF_8);
        Assumptions.assumeFalse(status == 3 && errors.contains("are not available"), "no PyTorch: " + errors);
        assertEquals(0, status, errors);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("ours/PyTorch"), out.toString());
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(json));
        Map<String, Object> pytorch = (Map<String, Object>) m.get("pytorch");
        assertEquals(4L, pytorch.get("images"));
        List<String> keys = new ArrayList<>();
        for (Object o : (List<Object>) pytorch.get("stages")) {
            Map<String, Object> s = (Map<String, Object>) o;
            keys.add((String) s.get("key"));
            double ms = ((Number) s.get("msPerImage")).doubleValue();
            assertTrue(Double.isFinite(ms) && ms > 0, s.toString());
        }
        assertEquals(List.of(KEYS), keys);
        assertEquals(KEYS.length, ((List<Object>) m.get("stages")).size());
    }

    /** {@code bench/pytorch/stage_timings.py}; the tests run in the bench module's folder. */
    private static Path script() {
        Path p = Path.of("pytorch", "stage_timings.py");
        assertTrue(Files.isRegularFile(p), p.toAbsolutePath() + " is missing");
        return p;
    }
}
