package org.dataloader4j.vision.transforms;

import java.lang.foreign.ValueLayout;

import org.dataloader4j.vision.Image;

/**
 * Test oracle: the straightforward resize, crop and flip kernels that {@link Pixels} used before its optimised
 * rewrite (per-pixel loops over heap copies, coefficients recomputed on every call). Kept verbatim so that
 * {@code ResizeEquivalenceTest} can check the fast kernels byte for byte, and so that the manual benchmark can time
 * old against new in one process.
 */
final class ReferencePixels {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private ReferencePixels() {
    }

    static Image image(Image.Mode mode, int w, int h, byte[] px) {
        return Image.of(mode, w, h, px);
    }

    /**
     * PIL's {@code resize}: separable convolution, horizontal pass first, each pass rounding to 8 bits, with
     * coefficients in 22-bit fixed point; the filter support grows with the downscale factor. RGBA is resized
     * premultiplied by alpha, as PIL does. Returns {@code in} itself when the size does not change.
     */
    static Image resize(Image in, int outW, int outH, InterpolationMode mode) {
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("resize target must be positive, but got " + outW + "x" + outH);
        }
        if (outW == in.width() && outH == in.height()) {
            return in;
        }
        int c = in.channels();
        byte[] px = in.toByteArray();
        if (mode == InterpolationMode.NEAREST) {
            return image(in.mode(), outW, outH, nearest(px, in.width(), in.height(), c, outW, outH));
        }
        boolean premultiply = in.mode() == Image.Mode.RGBA;
        if (premultiply) {
            premultiply(px);
        }
        int w = in.width();
        int h = in.height();
        if (outW != w) {
            px = horizontal(px, w, h, c, outW, mode);
            w = outW;
        }
        if (outH != h) {
            px = vertical(px, w, h, c, outH, mode);
        }
        if (premultiply) {
            unpremultiply(px);
        }
        return image(in.mode(), outW, outH, px);
    }

    static void premultiply(byte[] px) {
        for (int i = 0; i < px.length; i += 4) {
            int a = px[i + 3] & 0xFF;
            for (int k = 0; k < 3; k++) {
                int t = (px[i + k] & 0xFF) * a + 128;
                px[i + k] = (byte) (((t >> 8) + t) >> 8);
            }
        }
    }

    static void unpremultiply(byte[] px) {
        for (int i = 0; i < px.length; i += 4) {
            int a = px[i + 3] & 0xFF;
            if (a == 0 || a == 255) {
                continue;
            }
            for (int k = 0; k < 3; k++) {
                px[i + k] = (byte) Math.min(255, 255 * (px[i + k] & 0xFF) / a);
            }
        }
    }

    private static byte[] nearest(byte[] px, int w, int h, int c, int outW, int outH) {
        int[] xs = nearestIndex(w, outW);
        int[] ys = nearestIndex(h, outH);
        byte[] out = new byte[outW * outH * c];
        for (int y = 0; y < outH; y++) {
            int srcRow = ys[y] * w * c;
            for (int x = 0; x < outW; x++) {
                System.arraycopy(px, srcRow + xs[x] * c, out, (y * outW + x) * c, c);
            }
        }
        return out;
    }

    /** The source index under each output pixel's centre: floor((i + 0.5) · in / out), accumulated as PIL does. */
    private static int[] nearestIndex(int in, int out) {
        double scale = (double) in / out;
        int[] idx = new int[out];
        double pos = scale * 0.5;
        for (int i = 0; i < out; i++) {
            idx[i] = Math.min(in - 1, Math.max(0, (int) Math.floor(pos)));
            pos += scale;
        }
        return idx;
    }

    /** Per output index: first source index, tap count, and fixed-point weights (ksize per output). */
    private record Coefficients(int[] start, int[] count, int[] weights, int ksize) {
    }

    private static Coefficients coefficients(int inSize, int outSize, InterpolationMode mode) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(1.0, scale);
        double support = mode.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double inv = 1.0 / filterScale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double total = 0;
            for (int x = 0; x < xmax; x++) {
                double wgt = mode.weight((x + xmin - center + 0.5) * inv);
                k[x] = wgt;
                total += wgt;
            }
            for (int x = 0; x < xmax; x++) {
                double v = total != 0 ? k[x] / total : k[x];
                weights[xx * ksize + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS)
                        : 0.5 + v * (1 << PRECISION_BITS));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(start, count, weights, ksize);
    }

    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    private static byte[] horizontal(byte[] px, int w, int h, int c, int outW, InterpolationMode mode) {
        Coefficients co = coefficients(w, outW, mode);
        byte[] out = new byte[outW * h * c];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < h; y++) {
            int row = y * w * c;
            for (int x = 0; x < outW; x++) {
                int s = co.start[x];
                int n = co.count[x];
                int wo = x * co.ksize;
                for (int ch = 0; ch < c; ch++) {
                    int acc = half;
                    for (int t = 0; t < n; t++) {
                        acc += (px[row + (s + t) * c + ch] & 0xFF) * co.weights[wo + t];
                    }
                    out[(y * outW + x) * c + ch] = clip8(acc);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] px, int w, int h, int c, int outH, InterpolationMode mode) {
        Coefficients co = coefficients(h, outH, mode);
        int rowLen = w * c;
        byte[] out = new byte[rowLen * outH];
        int half = 1 << (PRECISION_BITS - 1);
        int[] acc = new int[rowLen];
        for (int y = 0; y < outH; y++) {
            java.util.Arrays.fill(acc, half);
            int s = co.start[y];
            int n = co.count[y];
            for (int t = 0; t < n; t++) {
                int wgt = co.weights[y * co.ksize + t];
                int src = (s + t) * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (px[src + i] & 0xFF) * wgt;
                }
            }
            for (int i = 0; i < rowLen; i++) {
                out[y * rowLen + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    /**
     * PIL's {@code crop((left, top, left + width, top + height))}: the box may extend past the image; what lies
     * outside is zero.
     */
    static Image crop(Image in, int top, int left, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop size must be positive, but got height=" + height + ", width="
                    + width);
        }
        if (top == 0 && left == 0 && height == in.height() && width == in.width()) {
            return in;
        }
        int c = in.channels();
        Image out = Image.allocate(in.mode(), width, height);
        int x0 = Math.max(0, left);
        int x1 = Math.min(in.width(), left + width);
        if (x1 > x0) {
            for (int y = Math.max(0, top); y < Math.min(in.height(), top + height); y++) {
                java.lang.foreign.MemorySegment.copy(in.data(), ((long) y * in.width() + x0) * c, out.data(),
                        ((long) (y - top) * width + (x0 - left)) * c, (long) (x1 - x0) * c);
            }
        }
        return out;
    }

    static Image flipHorizontal(Image in) {
        int w = in.width();
        int c = in.channels();
        byte[] px = in.toByteArray();
        byte[] out = new byte[px.length];
        for (int y = 0; y < in.height(); y++) {
            int row = y * w * c;
            for (int x = 0; x < w; x++) {
                System.arraycopy(px, row + x * c, out, row + (w - 1 - x) * c, c);
            }
        }
        return image(in.mode(), w, in.height(), out);
    }

    static Image flipVertical(Image in) {
        int rowLen = in.width() * in.channels();
        Image out = Image.allocate(in.mode(), in.width(), in.height());
        for (int y = 0; y < in.height(); y++) {
            java.lang.foreign.MemorySegment.copy(in.data(), (long) y * rowLen, out.data(),
                    (long) (in.height() - 1 - y) * rowLen, rowLen);
        }
        return out;
    }

    static int u8(byte b) {
        return b & 0xFF;
    }

    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
}
