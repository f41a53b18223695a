package org.dataloader4j.vision;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Reads the parity fixtures that make_fixtures.py wrote under src/test/resources/parity. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The parity folder (tests run with the module directory as working directory). */
    public static Path dir(String sub) {
        return Path.of("src/test/resources/parity").resolve(sub).toAbsolutePath();
    }

    /**
     * The image fixtures that the generic decode tests leave out, as paths relative to the parity folder: those PIL
     * refuses to open (listed as {@code <file> refuse ...} in a sub-folder's {@code cases.txt}), and, where
     * libwebpdemux is not loaded, the WebP animations (the pure-Java reader refuses some; WebpFallbackTest covers
     * them).
     */
    public static java.util.Set<String> refusedImages() {
        Path parity = dir(".").normalize();
        try (java.util.stream.Stream<Path> files = Files.list(parity)) {
            java.util.Set<String> refused = new java.util.TreeSet<>();
            for (Path sub : files.filter(Files::isDirectory).toList()) {
                Path cases = sub.resolve("cases.txt");
                if (Files.exists(cases)) {
                    for (String line : lines(cases)) {
                        String[] f = line.split(" ");
                        boolean animation = sub.getFileName().toString().equals("webp") && f.length > 3
                                && !f[3].equals("1");
                        if (f.length > 1 && f[1].equals("refuse") || animation && !NativeWebp.animationAvailable()) {
                            refused.add(sub.getFileName() + "/" + f[0]);
                        }
                    }
                }
            }
            return refused;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A .npy array: dtype ('|u1' or '<f4'), shape, and the values as doubles. */
    public record Npy(String dtype, int[] shape, double[] values) {
        public int numel() {
            return values.length;
        }

        @Override
        public String toString() {
            return dtype + " " + Arrays.toString(shape);
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static Npy npy(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            int major = all[6];
            int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
            int start = major == 1 ? 10 : 12;
            String header = new String(all, start, headerLen, StandardCharsets.US_ASCII);
            Matcher d = DESCR.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !s.find() || header.contains("'fortran_order': True")) {
                throw new IllegalStateException("unsupported npy header " + header);
            }
            int[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            double[] v = new double[n];
            int at = start + headerLen;
            switch (d.group(1)) {
                case "|u1" -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = all[at + i] & 0xFF;
                    }
                }
                case "<f4" -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = b.getFloat(at + 4 * i);
                    }
                }
                default -> throw new IllegalStateException("unsupported dtype " + d.group(1));
            }
            return new Npy(d.group(1), shape, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@return the bytes of the {@code h × w} window of {@code img} at ({@code top}, {@code left}), row-major with
     * the image's channels interleaved}
     */
    public static byte[] crop(Image img, int top, int left, int h, int w) {
        int ch = img.channels();
        byte[] all = img.toByteArray();
        byte[] out = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            System.arraycopy(all, ((top + y) * img.width() + left) * ch, out, y * w * ch, w * ch);
        }
        return out;
    }

    /** Shape of an image as numpy prints it: [h, w, c], or [h, w] for L. */
    public static int[] shapeOf(Image image) {
        return image.channels() == 1 ? new int[] {image.height(), image.width()}
                : new int[] {image.height(), image.width(), image.channels()};
    }

    /** Largest absolute difference between an image and an expected uint8 array of the same shape. */
    public static int maxDiff(Image image, Npy expected) {
        if (!Arrays.equals(shapeOf(image), expected.shape())) {
            throw new AssertionError("shape " + Arrays.toString(shapeOf(image)) + " != expected " + expected);
        }
        byte[] got = image.toByteArray();
        int max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs((got[i] & 0xFF) - (int) expected.values()[i]));
        }
        return max;
    }

    /** A JPEG of a smooth scene with edges and noise, 4:2:0 (the JDK writer's default), written with ImageIO. */
    /** A {@code w × h} image of {@code mode} with uniformly random bytes drawn from {@code seed}. */
    public static Image noise(Image.Mode mode, int w, int h, long seed) {
        byte[] px = new byte[w * h * mode.channels()];
        org.dataloader4j.random.CounterRandom rng = org.dataloader4j.random.CounterRandom.fromKey(seed);
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rng.nextInt(256);
        }
        return Image.of(mode, w, h, px);
    }

    public static Path photo(Path dir, String name, int w, int h, boolean gray, long seed) throws IOException {
        Random rnd = new Random(seed);
        BufferedImage bi = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / w + rnd.nextInt(20)) & 0xFF;
                int g = (y * 255 / h + ((x / 7 + y / 5) % 2) * 60) & 0xFF;
                int b = (int) (128 + 100 * Math.sin(x / 9.0 + y / 13.0)) & 0xFF;
                bi.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        Path file = dir.resolve(name);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(bi, null, null), p);
        } finally {
            writer.dispose();
        }
        return file;
    }
}
