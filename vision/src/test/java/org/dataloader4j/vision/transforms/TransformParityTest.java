package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Compares each transform with torchvision's output on PIL images (fixtures from make_fixtures.py). */
class TransformParityTest {
    private static final Path DIR = Fixtures.dir("transforms");
    private static final Map<String, Double> MAX_DIFF = new TreeMap<>();
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    static Stream<String> cases() {
        return Fixtures.lines(DIR.resolve("cases.txt")).stream();
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static float[] floats(String csv) {
        String[] p = csv.split(",");
        float[] f = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            f[i] = Float.parseFloat(p[i]);
        }
        return f;
    }

    private static InterpolationMode mode(Map<String, String> a) {
        return InterpolationMode.valueOf(a.get("interpolation").toUpperCase());
    }

    /** The transform a fixture line describes, or null if it is not implemented yet. */
    static SampleTransform<Image, ?> transform(String kind, Map<String, String> a) {
        return switch (kind) {
            case "Resize" -> {
                int[] s = ints(a.get("size"));
                if (a.containsKey("max_size")) {
                    yield Resize.builder(s[0]).interpolation(mode(a)).maxSize(Integer.parseInt(a.get("max_size"))).build();
                }
                yield s.length == 1 ? new Resize(s[0], mode(a)) : new Resize(s[0], s[1], mode(a));
            }
            case "CenterCrop" -> {
                int[] s = ints(a.get("size"));
                yield new CenterCrop(s[0], s[1]);
            }
            case "ResizedCrop" -> {
                int[] s = ints(a.get("size"));
                RandomResizedCrop rrc = RandomResizedCrop.builder(s[0], s[1]).scale(0.08, 1).ratio(0.75, 4.0 / 3)
                        .interpolation(mode(a)).build();
                RandomResizedCrop.Params p = new RandomResizedCrop.Params(Integer.parseInt(a.get("top")),
                        Integer.parseInt(a.get("left")), Integer.parseInt(a.get("height")),
                        Integer.parseInt(a.get("width")));
                yield (img, rng) -> rrc.apply(img, p);
            }
            case "Crop" -> (img, rng) -> Functional.crop(img, Integer.parseInt(a.get("top")),
                    Integer.parseInt(a.get("left")), Integer.parseInt(a.get("height")), Integer.parseInt(a.get("width")));
            case "HorizontalFlip" -> new RandomHorizontalFlip(1);
            case "VerticalFlip" -> new RandomVerticalFlip(1);
            case "ToTensor" -> new ToTensor();
            case "ToTensorNormalize" -> Compose.of(new ToTensor())
                    .then(new Normalize(floats(a.get("mean")), floats(a.get("std"))));
            case "EvalPipeline" -> Compose.of(new Resize(Integer.parseInt(a.get("resize"))))
                    .then(new CenterCrop(Integer.parseInt(a.get("crop")))).then(new ToTensor())
                    .then(new Normalize(floats(a.get("mean")), floats(a.get("std"))));
            case "Pad" -> {
                int[] p = ints(a.get("padding"));
                Pad.Mode m = Pad.Mode.valueOf(a.get("mode").toUpperCase());
                yield Pad.builder(p).mode(m).fill(ints(a.get("fill"))).build();
            }
            case "Grayscale" -> new Grayscale(Integer.parseInt(a.get("channels")));
            case "Brightness" -> (img, rng) -> Functional.adjustBrightness(img, Double.parseDouble(a.get("factor")));
            case "Contrast" -> (img, rng) -> Functional.adjustContrast(img, Double.parseDouble(a.get("factor")));
            case "Saturation" -> (img, rng) -> Functional.adjustSaturation(img, Double.parseDouble(a.get("factor")));
            case "Hue" -> (img, rng) -> Functional.adjustHue(img, Double.parseDouble(a.get("factor")));
            case "ColorJitter" -> {
                int[] order = ints(a.get("order"));
                float[] fs = floats(a.get("factors"));
                List<ColorJitter.Op> ops = Arrays.stream(order).mapToObj(i -> ColorJitter.Op.values()[i]).toList();
                // the factors as Python wrote them: parse as double, not via float
                String[] f = a.get("factors").split(",");
                ColorJitter.Params p = new ColorJitter.Params(ops, Double.parseDouble(f[0]), Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]), Double.parseDouble(f[3]));
                assertTrue(fs.length == 4);
                ColorJitter cj = new ColorJitter(0.5, 0.5, 0.5, 0.4);
                yield (img, rng) -> cj.apply(img, p);
            }
            case "RandomCrop" -> {
                int[] s = ints(a.get("size"));
                RandomCrop.Builder b = RandomCrop.builder(s[0], s[1])
                        .padIfNeeded(Boolean.parseBoolean(a.get("pad_if_needed"))).fill(ints(a.get("fill")))
                        .paddingMode(Pad.Mode.valueOf(a.get("padding_mode").toUpperCase()));
                if (!"none".equals(a.get("padding"))) {
                    b.padding(ints(a.get("padding")));
                }
                RandomCrop rc = b.build();
                RandomCrop.Params p = new RandomCrop.Params(Integer.parseInt(a.get("top")),
                        Integer.parseInt(a.get("left")));
                yield (img, rng) -> rc.apply(img, p);
            }
            case "Rotate" -> {
                double angle = Double.parseDouble(a.get("angle"));
                RandomRotation.Builder b = RandomRotation.builder(angle, angle).interpolation(mode(a))
                        .expand(Boolean.parseBoolean(a.get("expand"))).fill(ints(a.get("fill")));
                if (!"none".equals(a.get("center"))) {
                    double[] center = Arrays.stream(a.get("center").split(",")).mapToDouble(Double::parseDouble)
                            .toArray();
                    b.center(center[0], center[1]);
                }
                RandomRotation rr = b.build();
                yield (img, rng) -> rr.apply(img, rng);
            }
            default -> null;
        };
    }

    private static Map<String, String> args(String[] f) {
        Map<String, String> args = new HashMap<>();
        for (int i = 3; i < f.length; i++) {
            String[] kv = f[i].split("=", 2);
            args.put(kv[0], kv[1]);
        }
        return args;
    }

    static Stream<String> refusals() {
        return Fixtures.lines(DIR.resolve("refusals.txt")).stream();
    }

    /** What torchvision raises a ValueError for (refusals.txt, written by make_fixtures.py) is refused too. */
    @ParameterizedTest
    @MethodSource("refusals")
    void refusesWhatTorchvisionRefuses(String line) {
        String[] f = line.split(" ");
        SampleTransform<Image, ?> t = transform(f[2], args(f));
        assertTrue(t != null, f[2] + " has no transform");
        try (Image input = Decoders.standard().decode(DIR.resolve(f[1]))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.apply(input, CounterRandom.of(0, 0, 0, 0)), f[0]);
            String size = input.width() + "x" + input.height();
            String expected = f[0].contains("fill3") ? "fill values" : f[0].startsWith("randomcrop") ? "crop" : size;
            assertTrue(e.getMessage().contains(expected), f[0] + ": " + e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTorchvision(String line) {
        String[] f = line.split(" ");
        Map<String, String> args = args(f);
        SampleTransform<Image, ?> t = transform(f[2], args);
        Assumptions.assumeTrue(t != null, f[2] + " is not implemented yet");
        Fixtures.Npy expected = Fixtures.npy(DIR.resolve(f[0] + ".npy"));
        RandomGenerator rng = CounterRandom.of(0, 0, 0, 0);
        try (Image input = Decoders.standard().decode(DIR.resolve(f[1]))) {
            Object out = t.apply(input, rng);
            double diff;
            if (out instanceof Tensor tensor) {
                assertArrayEquals(expected.shape(), Arrays.stream(tensor.shape().toArray()).mapToInt(x -> (int) x)
                        .toArray(), f[0]);
                float[] got = tensor.toFloatArray();
                diff = 0;
                for (int i = 0; i < got.length; i++) {
                    diff = Math.max(diff, Math.abs(got[i] - expected.values()[i]));
                }
                MAX_DIFF.put(f[0], diff);
                assertTrue(diff <= 1e-6, f[0] + ": max float difference " + diff);
                tensor.close();
            } else {
                Image img = (Image) out;
                diff = Fixtures.maxDiff(img, expected);
                MAX_DIFF.put(f[0], diff);
                assertTrue(diff <= 1, f[0] + ": max difference " + diff + " uint8 steps");
                if (img != input) {
                    img.close();
                }
            }
        }
    }

    @AfterAll
    static void report() {
        System.out.println("transform parity, max abs difference to torchvision: " + MAX_DIFF);
    }
}
