package org.dataloader4j.vision.transforms;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.internal.NativeKernels;

/**
 * Writes a uint8 HWC image as the float32 CHW tensor {@code ((byte / 255f) - mean[c]) / std[c]}, optionally mirrored
 * left to right on the way: {@code ToTensor}, {@code Normalize} and a horizontal flip in one pass. Every output value
 * is a function of one byte and its channel, so a 256-entry table per channel, filled once with exactly those
 * float32 operations, gives the same bits without a division per value. Rows go through per-thread scratch arrays
 * (nothing the size of the image is allocated on the heap) into a tensor from {@link BatchMemory#allocateSample},
 * usually the sample's row of the batch.
 *
 * <pre>{@code
 * TensorWriter imagenet = TensorWriter.normalizing(new float[] {0.485f, 0.456f, 0.406f},
 *         new float[] {0.229f, 0.224f, 0.225f});
 * Tensor chw = imagenet.write(image, false);   // as ToTensor then Normalize
 * Tensor mirrored = imagenet.write(image, true); // as hflip, ToTensor, Normalize
 * }</pre>
 */
final class TensorWriter {
    private static final ValueLayout.OfFloat FLOATS = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final TensorWriter PLAIN = new TensorWriter(new float[] {0f}, new float[] {1f});

    private final float[] mean;
    private final float[] std;
    private final float[][] tables; // one per channel, or one for all channels when mean and std have one value

    private TensorWriter(float[] mean, float[] std) {
        this.mean = mean.clone();
        this.std = std.clone();
        boolean identity = mean.length == 1 && mean[0] == 0f && std.length == 1 && std[0] == 1f;
        int n = Math.max(mean.length, std.length);
        tables = new float[n][256];
        for (int k = 0; k < n; k++) {
            float m = mean[mean.length == 1 ? 0 : k];
            float s = std[std.length == 1 ? 0 : k];
            for (int b = 0; b < 256; b++) {
                float v = b / 255f;
                tables[k][b] = identity ? v : (v - m) / s;
            }
        }
    }

    /** {@code ToTensor}: values {@code byte / 255f}. */
    static TensorWriter plain() {
        return PLAIN;
    }

    /** {@code ToTensor} then {@code Normalize(mean, std)}; both hold one value or one per channel. */
    static TensorWriter normalizing(float[] mean, float[] std) {
        return new TensorWriter(mean, std);
    }

    /**
     * The tensor of {@code img}, mirrored left to right when {@code mirror}.
     *
     * @throws IllegalArgumentException when mean or std hold neither one value nor one per channel of the image,
     *                                  or a std is zero
     */
    Tensor write(Image img, boolean mirror) {
        return write(img, mirror, NativeKernels.available());
    }

    /** {@link #write(Image, boolean)}, with the native kernel when {@code useNative} (the same floats). */
    Tensor write(Image img, boolean mirror, boolean useNative) {
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        Functional.checkNormalizeParameters(mean, std, c, "[" + c + ", " + h + ", " + w + "]");
        Tensor out = BatchMemory.allocateSample(DType.FLOAT32, Shape.of(c, h, w));
        try {
            if (useNative) {
                NativeKernels.toPlanes(img.data(), w, h, c, expanded(c, mean), expanded(c, std), mirror,
                        BatchMemory.fillingBatch(), out.data());
            } else {
                writePlanes(img, mirror, out.data());
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** The Java kernel: each row through per-thread scratch, one table lookup per value. */
    private void writePlanes(Image img, boolean mirror, MemorySegment dst) {
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        long plane = (long) w * h;
        int rowLen = w * c;
        ResizeScratch scratch = ResizeScratch.get();
        byte[] row = scratch.row(rowLen);
        float[] values = scratch.floats(w);
        MemorySegment src = img.data();
        for (int y = 0; y < h; y++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) y * rowLen, row, 0, rowLen);
            for (int k = 0; k < c; k++) {
                float[] t = tables[tables.length == 1 ? 0 : k];
                if (mirror) {
                    for (int x = 0, j = rowLen - c + k; x < w; x++, j -= c) {
                        values[x] = t[row[j] & 0xFF];
                    }
                } else {
                    for (int x = 0, j = k; x < w; x++, j += c) {
                        values[x] = t[row[j] & 0xFF];
                    }
                }
                MemorySegment.copy(values, 0, dst, FLOATS, (k * plane + (long) y * w) * 4, w);
            }
        }
    }

    /** {@code values} for {@code c} channels: as given, or its one value repeated. */
    private static float[] expanded(int c, float[] values) {
        if (values.length == c) {
            return values;
        }
        float[] out = new float[c];
        Arrays.fill(out, values[0]);
        return out;
    }

    @Override
    public String toString() {
        return "TensorWriter(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
