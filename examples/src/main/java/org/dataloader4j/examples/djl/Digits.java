package org.dataloader4j.examples.djl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * scikit-learn's handwritten digits ({@code sklearn.datasets.load_digits}): 1797 images of 8×8 pixels with
 * values 0..16, ten classes, shipped with this module as {@code digits.csv.gz} (one row per image: 64 pixel
 * values, then the digit). See {@code DIGITS-LICENSE.txt} beside that file for its origin and licence.
 *
 * <pre>{@code
 * try (Digits digits = Digits.load()) {
 *     TensorDataset data = digits.dataset();   // [FLOAT32 [64] pixels in [0, 1], INT64 [] digit]
 * }
 * }</pre>
 */
public final class Digits implements AutoCloseable {
    /** Number of images. */
    public static final int SIZE = 1797;
    /** Pixels per image (8 × 8). */
    public static final int FEATURES = 64;
    /** Number of classes (the digits 0 to 9). */
    public static final int CLASSES = 10;
    private static final String RESOURCE = "digits.csv.gz";

    private final Tensor images;
    private final Tensor labels;

    private Digits(Tensor images, Tensor labels) {
        this.images = images;
        this.labels = labels;
    }

    /**
     * Reads the bundled file: pixels as FLOAT32 {@code [1797, 64]} divided by 16 (so in [0, 1]), digits as INT64
     * {@code [1797]}.
     *
     * @throws UncheckedIOException if the resource is missing or malformed, naming the line
     */
    public static Digits load() {
        float[] pixels = new float[SIZE * FEATURES];
        long[] digits = new long[SIZE];
        try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IOException("resource " + RESOURCE + " not found beside " + Digits.class.getName());
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.US_ASCII));
            int row = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",");
                if (row >= SIZE || fields.length != FEATURES + 1) {
                    throw new IOException(RESOURCE + " line " + (row + 1) + ": expected " + (FEATURES + 1)
                            + " values in each of " + SIZE + " lines, but got " + fields.length + " values");
                }
                for (int j = 0; j < FEATURES; j++) {
                    pixels[row * FEATURES + j] = Float.parseFloat(fields[j]) / 16f;
                }
                digits[row] = (long) Float.parseFloat(fields[FEATURES]);
                row++;
            }
            if (row != SIZE) {
                throw new IOException(RESOURCE + ": expected " + SIZE + " lines, but got " + row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the digits: " + e.getMessage(), e);
        }
        return new Digits(Tensor.of(pixels, SIZE, FEATURES), Tensor.of(digits));
    }

    /** Pixels, FLOAT32 {@code [1797, 64]} in [0, 1]. */
    public Tensor images() {
        return images;
    }

    /** Digits, INT64 {@code [1797]}. */
    public Tensor labels() {
        return labels;
    }

    /** A dataset over both tensors: sample {@code i} is {@code [pixels FLOAT32 [64], digit INT64 []]}. */
    public TensorDataset dataset() {
        return new TensorDataset(images, labels);
    }

    /** Frees both tensors. */
    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
