package org.dataloader4j.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.dataloader4j.random.CounterRandom;

/**
 * The demo's image dataset: seven real photographs shipped as resources of this module (scikit-image's public
 * domain and CC0 sample images; origin and licence of each in {@code demo/NOTICE.md} beside them), laid out as an
 * ImageFolder with one class per photograph. Sample 0 of a class is the photograph itself; the others are crops
 * of it (30–100 % of its area, aspect ratio 3/4–4/3, anywhere in the picture), mirrored half of the time, scaled
 * so that the longer side is 128–360 pixels, and saved as JPEG (every sixth as PNG). Every choice comes from
 * {@code CounterRandom.of(seed, class, sample, stream)}, so the same seed gives the same files.
 *
 * <pre>{@code
 * DemoImages.Layout layout = DemoImages.generate(Path.of("/tmp/demo/images"), 48, 42);
 * DatasetFolder<Image> folder = ImageFolder.of(layout.root());   // 7 classes x 48 images
 * }</pre>
 */
final class DemoImages {
    private static final String RESOURCES = "/org/dataloader4j/cli/demo/";
    /** A file at the root of a generated folder: ImageFolder ignores files at the root, and it marks the folder as ours. */
    static final String MARKER = ".dataloader4j-demo";
    private static final long STREAM = 0x44454D4FL;   // "DEMO"

    private DemoImages() {
    }

    /** One shipped photograph: its class name, resource file and a one-line credit. */
    record Photo(String className, String file, String credit) {
    }

    /** A generated folder: its root and the number of images written per class. */
    record Layout(Path root, List<String> classes, int perClass) {
        int total() {
            return classes.size() * perClass;
        }
    }

    /** The shipped photographs, in class order, from {@code demo/index.tsv}. */
    static List<Photo> photos() {
        try (InputStream in = resource("index.tsv");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<Photo> photos = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 3) {
                    throw new IllegalStateException("demo/index.tsv: expected 'class<TAB>file<TAB>credit', but got: "
                            + line);
                }
                photos.add(new Photo(f[0], f[1], f[2]));
            }
            photos.sort(Comparator.comparing(Photo::className));
            return List.copyOf(photos);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo's image index: " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = DemoImages.class.getResourceAsStream(RESOURCES + name);
        if (in == null) {
            throw new IllegalStateException("the demo image " + RESOURCES + name + " is missing from the jar;"
                    + " rebuild with ./dataloader4j build");
        }
        return in;
    }

    /**
     * Writes {@code perClass} images of every class under {@code root} (created if needed). A {@code root} that
     * exists must be empty or a folder this method made before (it is then replaced).
     *
     * @throws IllegalArgumentException if {@code root} holds anything else, or {@code perClass < 1}
     */
    static Layout generate(Path root, int perClass, long seed) throws IOException {
        if (perClass < 1) {
            throw new IllegalArgumentException("images per class must be at least 1, but got " + perClass);
        }
        prepare(root);
        List<Photo> photos = photos();
        List<String> classes = photos.stream().map(Photo::className).toList();
        try {
            // one task per class; every file depends only on (seed, class, sample), so the order does not matter
            IntStream.range(0, photos.size()).parallel().forEach(c -> {
                try {
                    writeClass(root, photos.get(c), c, perClass, seed);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.writeString(root.resolve(MARKER), "made by dataloader4j demo (seed " + seed + ", " + perClass
                + " images per class); the demo may replace this folder\n");
        return new Layout(root, classes, perClass);
    }

    private static void writeClass(Path root, Photo photo, int c, int perClass, long seed) throws IOException {
        BufferedImage source;
        try (InputStream in = resource(photo.file())) {
            source = ImageIO.read(in);
        }
        if (source == null) {
            throw new IllegalStateException("the demo image " + photo.file() + " cannot be decoded");
        }
        source = standardLayout(source);
        Path dir = Files.createDirectories(root.resolve(photo.className()));
        for (int i = 0; i < perClass; i++) {
            RandomGenerator rng = CounterRandom.of(seed, c, i, STREAM);
            BufferedImage variant = i == 0 ? source : variant(source, rng);
            boolean png = i % 6 == 5;
            Path file = dir.resolve(String.format(Locale.ROOT, "%s_%03d.%s", photo.className(), i, png ? "png" : "jpg"));
            if (png) {
                ImageIO.write(variant, "png", file.toFile());
            } else {
                writeJpeg(variant, file, i == 0 ? 0.9f : 0.8f + 0.15f * (float) rng.nextDouble());
            }
        }
    }

    /** The photograph as 8-bit gray or packed RGB, the layouts Java2D scales fastest. */
    private static BufferedImage standardLayout(BufferedImage image) {
        int type = image.getType();
        if (type == BufferedImage.TYPE_BYTE_GRAY || type == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /** Makes {@code root} an empty directory, refusing to delete anything the demo did not make. */
    private static void prepare(Path root) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + " exists and is not a directory");
        }
        if (Files.isDirectory(root)) {
            boolean empty;
            try (Stream<Path> entries = Files.list(root)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty) {
                if (!Files.exists(root.resolve(MARKER))) {
                    throw new IllegalArgumentException(root + " already exists and was not made by the demo;"
                            + " choose a new or empty directory with --out");
                }
                deleteTree(root);
            }
        }
        Files.createDirectories(root);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A random crop of {@code source}, mirrored with probability 1/2, scaled to a longer side of 128–360 px. */
    static BufferedImage variant(BufferedImage source, RandomGenerator rng) {
        int sw = source.getWidth();
        int sh = source.getHeight();
        double area = sw * (double) sh * (0.3 + 0.7 * rng.nextDouble());
        double aspect = Math.exp(Math.log(0.75) + (Math.log(4.0 / 3.0) - Math.log(0.75)) * rng.nextDouble());
        int cw = (int) Math.min(sw, Math.max(16, Math.round(Math.sqrt(area * aspect))));
        int ch = (int) Math.min(sh, Math.max(16, Math.round(Math.sqrt(area / aspect))));
        int x = rng.nextInt(sw - cw + 1);
        int y = rng.nextInt(sh - ch + 1);
        boolean mirror = rng.nextDouble() < 0.5;
        int longer = 128 + rng.nextInt(233);
        double scale = (double) longer / Math.max(cw, ch);
        int ow = Math.max(1, (int) Math.round(cw * scale));
        int oh = Math.max(1, (int) Math.round(ch * scale));
        BufferedImage out = new BufferedImage(ow, oh, source.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            AffineTransform t = new AffineTransform();
            if (mirror) {
                t.translate(ow, 0);
                t.scale(-1, 1);
            }
            t.scale(scale, scale);
            t.translate(-x, -y);
            g.drawImage(source, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void writeJpeg(BufferedImage image, Path file, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
