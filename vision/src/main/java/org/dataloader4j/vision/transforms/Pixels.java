package org.dataloader4j.vision.transforms;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.internal.NativeKernels;

/**
 * The geometric kernels behind the transforms. Package-private.
 *
 * <p>The resize, crop and flips read the input's off-heap pixels a row at a time into per-thread scratch arrays
 * ({@link ResizeScratch}) and write the output's rows straight into its off-heap memory, with tight loops
 * specialised per channel count; resize coefficient tables are cached ({@link ResizeCoefficients}). The results are
 * byte for byte those of the straightforward per-pixel loops (kept as a test oracle in the test sources).
 */
final class Pixels {
    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final ValueLayout.OfByte BYTES = ValueLayout.JAVA_BYTE;

    private Pixels() {
    }

    static Image image(Image.Mode mode, int w, int h, byte[] px) {
        return Image.of(mode, w, h, px);
    }

    /**
     * PIL's {@code resize}: separable convolution, horizontal pass first, each pass rounding to 8 bits, with
     * coefficients in 22-bit fixed point; the filter support grows with the downscale factor. RGBA is resized
     * premultiplied by alpha, as PIL does. A pass whose size does not change is skipped, and, as in PIL, the
     * horizontal pass only covers the rows the vertical pass reads. Returns {@code in} itself when the size does not
     * change.
     *
     * <p>The horizontal pass reads one source row at a time and writes its 8-bit results as ints, one array per
     * row, so that the vertical pass is plain int arithmetic over whole arrays, which C2 vectorises (it does not
     * vectorise byte/int conversions, nor loads at an offset into an array it may also store to).
     */
    static Image resize(Image in, int outW, int outH, InterpolationMode mode) {
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("resize target must be positive, but got " + outW + "x" + outH);
        }
        int w = in.width();
        int h = in.height();
        if (outW == w && outH == h) {
            return in;
        }
        if (mode == InterpolationMode.NEAREST) {
            return nearest(in, nearestIndex(w, 0, w, outW), nearestIndex(h, 0, h, outH));
        }
        return resample(in, outW != w ? ResizeCoefficients.of(w, 0, w, outW, mode) : null,
                outH != h ? ResizeCoefficients.of(h, 0, h, outH, mode) : null, outW, outH);
    }

    /**
     * PIL's {@code resize} with a source {@code box}: the output samples the (possibly fractional) rectangle
     * ({@code x0}, {@code y0}) .. ({@code x1}, {@code y1}) of {@code in}, the filter taps clipped to the image.
     * With the box equal to the whole image this is {@link #resize(Image, int, int, InterpolationMode)}.
     */
    static Image resize(Image in, int outW, int outH, InterpolationMode mode, double x0, double y0, double x1,
                        double y1) {
        if (x0 == 0 && y0 == 0 && x1 == in.width() && y1 == in.height()) {
            return resize(in, outW, outH, mode);
        }
        if (outW <= 0 || outH <= 0) {
            throw new IllegalArgumentException("resize target must be positive, but got " + outW + "x" + outH);
        }
        if (!(0 <= x0 && x0 < x1 && x1 <= in.width() && 0 <= y0 && y0 < y1 && y1 <= in.height())) {
            throw new IllegalArgumentException("the box (" + x0 + ", " + y0 + ", " + x1 + ", " + y1
                    + ") is not inside the " + in.width() + "x" + in.height() + " image");
        }
        if (mode == InterpolationMode.NEAREST) {
            return nearest(in, nearestIndex(in.width(), x0, x1, outW), nearestIndex(in.height(), y0, y1, outH));
        }
        return resample(in, ResizeCoefficients.of(in.width(), x0, x1, outW, mode),
                ResizeCoefficients.of(in.height(), y0, y1, outH, mode), outW, outH);
    }

    /**
     * {@code resize(in, outW, outH, mode)} cropped to the {@code height × width} window at ({@code top},
     * {@code left}) of its output, computing only the pixels kept: byte for byte the resize followed by the crop.
     * The window must lie inside the resized size.
     */
    static Image resizeWindow(Image in, int outW, int outH, InterpolationMode mode, int top, int left, int height,
                              int width) {
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > outH || left + width > outW) {
            throw new IllegalArgumentException("the window " + width + "x" + height + " at (" + left + ", " + top
                    + ") is not inside the resized " + outW + "x" + outH);
        }
        if (mode == InterpolationMode.NEAREST || outW == in.width() || outH == in.height()) {
            Image resized = resize(in, outW, outH, mode); // a pass is skipped: crop afterwards, as the two steps do
            Image out = crop(resized, top, left, height, width);
            if (resized != in && resized != out) {
                resized.close();
            }
            return out;
        }
        ResizeCoefficients[] tables = windowTables(in.width(), in.height(), outW, outH, mode, top, left, height, width);
        return resample(in, tables[0], tables[1], width, height);
    }

    /**
     * The part of the resize to {@code outW × outH} (mode not NEAREST) that {@link #resizeWindow} computes for the
     * window at ({@code top}, {@code left}), as tables: the horizontal one first, the vertical one second; a window
     * that {@code resizeWindow} computes another way (a pass keeps the size) gives null.
     */
    static ResizeCoefficients[] windowTables(int inW, int inH, int outW, int outH, InterpolationMode mode, int top,
                                             int left, int height, int width) {
        if (mode == InterpolationMode.NEAREST || outW == inW || outH == inH || top < 0 || left < 0
                || top + height > outH || left + width > outW) {
            return null;
        }
        return new ResizeCoefficients[] {ResizeCoefficients.of(inW, outW, mode).window(left, left + width),
                ResizeCoefficients.of(inH, outH, mode).window(top, top + height)};
    }

    /**
     * The two passes: {@code cx} (horizontal) and {@code cy} (vertical) may each be null when that pass keeps the
     * size and samples the whole line, and is then skipped.
     */
    static Image resample(Image in, ResizeCoefficients cx, ResizeCoefficients cy, int outW, int outH) {
        return resample(in, cx, cy, outW, outH, NativeKernels.available());
    }

    /**
     * {@link #resample}, with the native kernel for RGB images resampled in both directions when {@code useNative}
     * (it gives the same bytes); the Java kernels otherwise.
     */
    static Image resample(Image in, ResizeCoefficients cx, ResizeCoefficients cy, int outW, int outH,
                          boolean useNative) {
        if (useNative && in.mode() == Image.Mode.RGB && cx != null && cy != null) {
            Image out = Image.empty(Image.Mode.RGB, outW, outH);
            try {
                NativeKernels.resampleRgb(in.data(), in.width(), in.height(), ResizeCoefficients.nativeTables(cx, cy),
                        out.data());
                return out;
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
        }
        int w = in.width();
        int h = in.height();
        int c = in.channels();
        boolean premultiply = in.mode() == Image.Mode.RGBA;
        MemorySegment src = in.data();
        ResizeScratch scratch = ResizeScratch.get();
        int inRow = w * c;
        int outRow = outW * c;
        byte[] row = scratch.row(inRow);
        byte[] orow = scratch.outRow(outRow);
        Image out = Image.empty(in.mode(), outW, outH);
        try {
            MemorySegment dst = out.data();
            if (cy == null) {
                int[] line = scratch.acc(outRow);
                for (int y = 0; y < h; y++) {
                    MemorySegment.copy(src, BYTES, (long) y * inRow, row, 0, inRow);
                    if (premultiply) {
                        premultiply(row, inRow);
                    }
                    horizontalRow(row, c, cx, line);
                    narrow(line, orow, outRow);
                    if (premultiply) {
                        unpremultiply(orow, outRow);
                    }
                    MemorySegment.copy(orow, 0, dst, BYTES, (long) y * outRow, outRow);
                }
                return out;
            }
            int first = cy.first();
            int rows = cy.last() - first;
            int[][] mid = scratch.mid(rows, outRow);
            for (int y = 0; y < rows; y++) {
                MemorySegment.copy(src, BYTES, (long) (first + y) * inRow, row, 0, inRow);
                if (premultiply) {
                    premultiply(row, inRow);
                }
                if (cx != null) {
                    horizontalRow(row, c, cx, mid[y]);
                } else {
                    widen(row, mid[y], inRow);
                }
            }
            int[] acc = scratch.acc(outRow);
            int[] wts = cy.weights();
            for (int y = 0; y < outH; y++) {
                verticalRow(mid, cy.start(y) - first, cy.count(y), wts, y * cy.ksize(), outRow, acc);
                narrow(acc, orow, outRow);
                if (premultiply) {
                    unpremultiply(orow, outRow);
                }
                MemorySegment.copy(orow, 0, dst, BYTES, (long) y * outRow, outRow);
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    private static void widen(byte[] in, int[] out, int len) {
        for (int i = 0; i < len; i++) {
            out[i] = in[i] & 0xFF;
        }
    }

    private static void narrow(int[] in, byte[] out, int len) {
        for (int i = 0; i < len; i++) {
            out[i] = (byte) in[i];
        }
    }

    static void premultiply(byte[] px) {
        premultiply(px, px.length);
    }

    /** Premultiplies the RGB of the first {@code len} bytes (RGBA pixels) by alpha, rounding as PIL does. */
    static void premultiply(byte[] px, int len) {
        for (int i = 0; i + 3 < len; i += 4) {
            int a = px[i + 3] & 0xFF;
            if (a == 255) {
                continue;   // t = v·255 + 128 gives v back exactly
            }
            for (int k = 0; k < 3; k++) {
                int t = (px[i + k] & 0xFF) * a + 128;
                px[i + k] = (byte) (((t >> 8) + t) >> 8);
            }
        }
    }

    static void unpremultiply(byte[] px) {
        unpremultiply(px, px.length);
    }

    static void unpremultiply(byte[] px, int len) {
        for (int i = 0; i + 3 < len; i += 4) {
            int a = px[i + 3] & 0xFF;
            if (a == 0 || a == 255) {
                continue;
            }
            for (int k = 0; k < 3; k++) {
                px[i + k] = (byte) Math.min(255, 255 * (px[i + k] & 0xFF) / a);
            }
        }
    }

    private static Image nearest(Image in, int[] xs, int[] ys) {
        int w = in.width();
        int c = in.channels();
        int outW = xs.length;
        int outH = ys.length;
        MemorySegment src = in.data();
        ResizeScratch scratch = ResizeScratch.get();
        int inRow = w * c;
        int outRow = outW * c;
        byte[] row = scratch.row(inRow);
        byte[] orow = scratch.outRow(outRow);
        Image out = Image.empty(in.mode(), outW, outH);
        MemorySegment dst = out.data();
        int loaded = -1;
        for (int y = 0; y < outH; y++) {
            if (ys[y] != loaded) {
                loaded = ys[y];
                MemorySegment.copy(src, BYTES, (long) loaded * inRow, row, 0, inRow);
                for (int x = 0, o = 0; x < outW; x++, o += c) {
                    int s = xs[x] * c;
                    for (int k = 0; k < c; k++) {
                        orow[o + k] = row[s + k];
                    }
                }
            }
            MemorySegment.copy(orow, 0, dst, BYTES, (long) y * outRow, outRow);
        }
        return out;
    }

    /**
     * The source index under each output pixel's centre when {@code out} pixels sample {@code [in0, in1)} of a line
     * of {@code in}: floor(in0 + (i + 0.5) · (in1 - in0) / out), accumulated as PIL does.
     */
    private static int[] nearestIndex(int in, double in0, double in1, int out) {
        double scale = (in1 - in0) / out;
        int[] idx = new int[out];
        double pos = in0 + scale * 0.5;
        for (int i = 0; i < out; i++) {
            idx[i] = Math.min(in - 1, Math.max(0, (int) Math.floor(pos)));
            pos += scale;
        }
        return idx;
    }

    /** acc >> PRECISION_BITS clipped to 0..255 (branch-free, so that the vertical loops vectorise). */
    private static int clip8(int acc) {
        return Math.min(Math.max(acc >> PRECISION_BITS, 0), 255);
    }

    /**
     * One row of the horizontal pass: {@code in} holds a source row ({@code c} channels per pixel); the 8-bit
     * results go to {@code out} as ints. Uses the table padded to a constant tap count (zero weights), so that each
     * output pixel runs the same straight-line code; RGB has a kernel per tap count up to 8.
     */
    static void horizontalRow(byte[] in, int c, ResizeCoefficients co, int[] out) {
        int[] start = co.paddedStart();
        int[] wts = co.paddedWeights();
        int taps = co.taps();
        int outW = co.outSize();
        if (c == 3) {
            switch (taps) {
                case 1 -> horizontal3x1(in, start, wts, outW, out);
                case 2 -> horizontal3x2(in, start, wts, outW, out);
                case 3 -> horizontal3x3(in, start, wts, outW, out);
                case 4 -> horizontal3x4(in, start, wts, outW, out);
                case 5 -> horizontal3x5(in, start, wts, outW, out);
                case 6 -> horizontal3x6(in, start, wts, outW, out);
                case 7 -> horizontal3x7(in, start, wts, outW, out);
                case 8 -> horizontal3x8(in, start, wts, outW, out);
                default -> horizontal3(in, start, wts, taps, outW, out);
            }
        } else if (c == 1) {
            horizontal1(in, start, wts, taps, outW, out);
        } else if (c == 4) {
            horizontal4(in, start, wts, taps, outW, out);
        } else {
            horizontalN(in, c, start, wts, taps, outW, out);
        }
    }

    private static void horizontal3x1(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 1) {
            int s = start[x] * 3;
            int w0 = wts[k];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0);
        }
    }

    private static void horizontal3x2(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 2) {
            int s = start[x] * 3;
            int w0 = wts[k];
            int w1 = wts[k + 1];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0 + (in[s + 3] & 0xFF) * w1);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0 + (in[s + 4] & 0xFF) * w1);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0 + (in[s + 5] & 0xFF) * w1);
        }
    }

    private static void horizontal3x3(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 3) {
            int s = start[x] * 3;
            int w0 = wts[k];
            int w1 = wts[k + 1];
            int w2 = wts[k + 2];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0 + (in[s + 3] & 0xFF) * w1 + (in[s + 6] & 0xFF) * w2);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0 + (in[s + 4] & 0xFF) * w1
                    + (in[s + 7] & 0xFF) * w2);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0 + (in[s + 5] & 0xFF) * w1
                    + (in[s + 8] & 0xFF) * w2);
        }
    }

    private static void horizontal3x4(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 4) {
            int s = start[x] * 3;
            int w0 = wts[k];
            int w1 = wts[k + 1];
            int w2 = wts[k + 2];
            int w3 = wts[k + 3];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0 + (in[s + 3] & 0xFF) * w1 + (in[s + 6] & 0xFF) * w2
                    + (in[s + 9] & 0xFF) * w3);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0 + (in[s + 4] & 0xFF) * w1
                    + (in[s + 7] & 0xFF) * w2 + (in[s + 10] & 0xFF) * w3);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0 + (in[s + 5] & 0xFF) * w1
                    + (in[s + 8] & 0xFF) * w2 + (in[s + 11] & 0xFF) * w3);
        }
    }

    private static void horizontal3x5(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 5) {
            int s = start[x] * 3;
            int w0 = wts[k];
            int w1 = wts[k + 1];
            int w2 = wts[k + 2];
            int w3 = wts[k + 3];
            int w4 = wts[k + 4];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0 + (in[s + 3] & 0xFF) * w1 + (in[s + 6] & 0xFF) * w2
                    + (in[s + 9] & 0xFF) * w3 + (in[s + 12] & 0xFF) * w4);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0 + (in[s + 4] & 0xFF) * w1
                    + (in[s + 7] & 0xFF) * w2 + (in[s + 10] & 0xFF) * w3 + (in[s + 13] & 0xFF) * w4);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0 + (in[s + 5] & 0xFF) * w1
                    + (in[s + 8] & 0xFF) * w2 + (in[s + 11] & 0xFF) * w3 + (in[s + 14] & 0xFF) * w4);
        }
    }

    private static void horizontal3x6(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 6) {
            int s = start[x] * 3;
            int w0 = wts[k];
            int w1 = wts[k + 1];
            int w2 = wts[k + 2];
            int w3 = wts[k + 3];
            int w4 = wts[k + 4];
            int w5 = wts[k + 5];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0 + (in[s + 3] & 0xFF) * w1 + (in[s + 6] & 0xFF) * w2
                    + (in[s + 9] & 0xFF) * w3 + (in[s + 12] & 0xFF) * w4 + (in[s + 15] & 0xFF) * w5);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0 + (in[s + 4] & 0xFF) * w1
                    + (in[s + 7] & 0xFF) * w2 + (in[s + 10] & 0xFF) * w3 + (in[s + 13] & 0xFF) * w4
                    + (in[s + 16] & 0xFF) * w5);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0 + (in[s + 5] & 0xFF) * w1
                    + (in[s + 8] & 0xFF) * w2 + (in[s + 11] & 0xFF) * w3 + (in[s + 14] & 0xFF) * w4
                    + (in[s + 17] & 0xFF) * w5);
        }
    }

    private static void horizontal3x7(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 7) {
            int s = start[x] * 3;
            int w0 = wts[k];
            int w1 = wts[k + 1];
            int w2 = wts[k + 2];
            int w3 = wts[k + 3];
            int w4 = wts[k + 4];
            int w5 = wts[k + 5];
            int w6 = wts[k + 6];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0 + (in[s + 3] & 0xFF) * w1 + (in[s + 6] & 0xFF) * w2
                    + (in[s + 9] & 0xFF) * w3 + (in[s + 12] & 0xFF) * w4 + (in[s + 15] & 0xFF) * w5
                    + (in[s + 18] & 0xFF) * w6);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0 + (in[s + 4] & 0xFF) * w1
                    + (in[s + 7] & 0xFF) * w2 + (in[s + 10] & 0xFF) * w3 + (in[s + 13] & 0xFF) * w4
                    + (in[s + 16] & 0xFF) * w5 + (in[s + 19] & 0xFF) * w6);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0 + (in[s + 5] & 0xFF) * w1
                    + (in[s + 8] & 0xFF) * w2 + (in[s + 11] & 0xFF) * w3 + (in[s + 14] & 0xFF) * w4
                    + (in[s + 17] & 0xFF) * w5 + (in[s + 20] & 0xFF) * w6);
        }
    }

    private static void horizontal3x8(byte[] in, int[] start, int[] wts, int outW, int[] out) {
        for (int x = 0, o = 0, k = 0; x < outW; x++, o += 3, k += 8) {
            int s = start[x] * 3;
            int w0 = wts[k];
            int w1 = wts[k + 1];
            int w2 = wts[k + 2];
            int w3 = wts[k + 3];
            int w4 = wts[k + 4];
            int w5 = wts[k + 5];
            int w6 = wts[k + 6];
            int w7 = wts[k + 7];
            out[o] = clip8(HALF + (in[s] & 0xFF) * w0 + (in[s + 3] & 0xFF) * w1 + (in[s + 6] & 0xFF) * w2
                    + (in[s + 9] & 0xFF) * w3 + (in[s + 12] & 0xFF) * w4 + (in[s + 15] & 0xFF) * w5
                    + (in[s + 18] & 0xFF) * w6 + (in[s + 21] & 0xFF) * w7);
            out[o + 1] = clip8(HALF + (in[s + 1] & 0xFF) * w0 + (in[s + 4] & 0xFF) * w1
                    + (in[s + 7] & 0xFF) * w2 + (in[s + 10] & 0xFF) * w3 + (in[s + 13] & 0xFF) * w4
                    + (in[s + 16] & 0xFF) * w5 + (in[s + 19] & 0xFF) * w6 + (in[s + 22] & 0xFF) * w7);
            out[o + 2] = clip8(HALF + (in[s + 2] & 0xFF) * w0 + (in[s + 5] & 0xFF) * w1
                    + (in[s + 8] & 0xFF) * w2 + (in[s + 11] & 0xFF) * w3 + (in[s + 14] & 0xFF) * w4
                    + (in[s + 17] & 0xFF) * w5 + (in[s + 20] & 0xFF) * w6 + (in[s + 23] & 0xFF) * w7);
        }
    }

    private static void horizontal3(byte[] in, int[] start, int[] wts, int taps, int outW, int[] out) {
        for (int x = 0, o = 0; x < outW; x++, o += 3) {
            int s = start[x] * 3;
            int k = x * taps;
            int a0 = HALF;
            int a1 = HALF;
            int a2 = HALF;
            for (int t = 0; t < taps; t++) {
                int wt = wts[k + t];
                int p = s + 3 * t;
                a0 += (in[p] & 0xFF) * wt;
                a1 += (in[p + 1] & 0xFF) * wt;
                a2 += (in[p + 2] & 0xFF) * wt;
            }
            out[o] = clip8(a0);
            out[o + 1] = clip8(a1);
            out[o + 2] = clip8(a2);
        }
    }

    private static void horizontal1(byte[] in, int[] start, int[] wts, int taps, int outW, int[] out) {
        for (int x = 0; x < outW; x++) {
            int s = start[x];
            int k = x * taps;
            int a0 = HALF;
            for (int t = 0; t < taps; t++) {
                a0 += (in[s + t] & 0xFF) * wts[k + t];
            }
            out[x] = clip8(a0);
        }
    }

    private static void horizontal4(byte[] in, int[] start, int[] wts, int taps, int outW, int[] out) {
        for (int x = 0, o = 0; x < outW; x++, o += 4) {
            int s = start[x] * 4;
            int k = x * taps;
            int a0 = HALF;
            int a1 = HALF;
            int a2 = HALF;
            int a3 = HALF;
            for (int t = 0; t < taps; t++) {
                int wt = wts[k + t];
                int p = s + 4 * t;
                a0 += (in[p] & 0xFF) * wt;
                a1 += (in[p + 1] & 0xFF) * wt;
                a2 += (in[p + 2] & 0xFF) * wt;
                a3 += (in[p + 3] & 0xFF) * wt;
            }
            out[o] = clip8(a0);
            out[o + 1] = clip8(a1);
            out[o + 2] = clip8(a2);
            out[o + 3] = clip8(a3);
        }
    }

    private static void horizontalN(byte[] in, int c, int[] start, int[] wts, int taps, int outW, int[] out) {
        for (int x = 0, o = 0; x < outW; x++, o += c) {
            int s = start[x] * c;
            int k = x * taps;
            for (int ch = 0; ch < c; ch++) {
                int acc = HALF;
                for (int t = 0; t < taps; t++) {
                    acc += (in[s + t * c + ch] & 0xFF) * wts[k + t];
                }
                out[o + ch] = clip8(acc);
            }
        }
    }

    /**
     * One output row of the vertical pass into {@code acc} (8-bit values as ints): the weighted sum of the
     * {@code n} rows {@code rows[s..s+n)} ({@code len} values each) with weights {@code wts[k..k+n)}. Each row is its
     * own array, read from index 0, so the loops vectorise. Integer sums wrap the same way in any order, so
     * grouping the taps does not change the result.
     */
    static void verticalRow(int[][] rows, int s, int n, int[] wts, int k, int len, int[] acc) {
        switch (n) {
            case 0 -> java.util.Arrays.fill(acc, 0, len, clip8(HALF));
            case 1 -> vertical1(rows[s], wts[k], len, acc);
            case 2 -> vertical2(rows[s], rows[s + 1], wts[k], wts[k + 1], len, acc);
            case 3 -> vertical3(rows[s], rows[s + 1], rows[s + 2], wts[k], wts[k + 1], wts[k + 2], len, acc);
            case 4 -> vertical4(rows[s], rows[s + 1], rows[s + 2], rows[s + 3], wts[k], wts[k + 1], wts[k + 2],
                    wts[k + 3], len, acc);
            default -> verticalMany(rows, s, n, wts, k, len, acc);
        }
    }

    private static void vertical1(int[] r0, int w0, int len, int[] acc) {
        for (int i = 0; i < len; i++) {
            acc[i] = clip8(HALF + r0[i] * w0);
        }
    }

    private static void vertical2(int[] r0, int[] r1, int w0, int w1, int len, int[] acc) {
        for (int i = 0; i < len; i++) {
            acc[i] = clip8(HALF + r0[i] * w0 + r1[i] * w1);
        }
    }

    private static void vertical3(int[] r0, int[] r1, int[] r2, int w0, int w1, int w2, int len, int[] acc) {
        for (int i = 0; i < len; i++) {
            acc[i] = clip8(HALF + r0[i] * w0 + r1[i] * w1 + r2[i] * w2);
        }
    }

    private static void vertical4(int[] r0, int[] r1, int[] r2, int[] r3, int w0, int w1, int w2, int w3, int len,
                                  int[] acc) {
        for (int i = 0; i < len; i++) {
            acc[i] = clip8(HALF + r0[i] * w0 + r1[i] * w1 + r2[i] * w2 + r3[i] * w3);
        }
    }

    private static void verticalMany(int[][] rows, int s, int n, int[] wts, int k, int len, int[] acc) {
        int[] r0 = rows[s];
        int[] r1 = rows[s + 1];
        int[] r2 = rows[s + 2];
        int[] r3 = rows[s + 3];
        int w0 = wts[k];
        int w1 = wts[k + 1];
        int w2 = wts[k + 2];
        int w3 = wts[k + 3];
        for (int i = 0; i < len; i++) {
            acc[i] = HALF + r0[i] * w0 + r1[i] * w1 + r2[i] * w2 + r3[i] * w3;
        }
        int t = 4;
        for (; t + 2 <= n; t += 2) {
            int[] ra = rows[s + t];
            int[] rb = rows[s + t + 1];
            int wa = wts[k + t];
            int wb = wts[k + t + 1];
            for (int i = 0; i < len; i++) {
                acc[i] += ra[i] * wa + rb[i] * wb;
            }
        }
        if (t < n) {
            int[] ra = rows[s + t];
            int wa = wts[k + t];
            for (int i = 0; i < len; i++) {
                acc[i] += ra[i] * wa;
            }
        }
        for (int i = 0; i < len; i++) {
            acc[i] = clip8(acc[i]);
        }
    }

    /**
     * PIL's {@code crop((left, top, left + width, top + height))}: the box may extend past the image; what lies
     * outside is zero. One bulk copy per row.
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
            MemorySegment src = in.data();
            MemorySegment dst = out.data();
            long len = (long) (x1 - x0) * c;
            for (int y = Math.max(0, top); y < Math.min(in.height(), top + height); y++) {
                MemorySegment.copy(src, ((long) y * in.width() + x0) * c, dst,
                        ((long) (y - top) * width + (x0 - left)) * c, len);
            }
        }
        return out;
    }

    /** Mirrors left to right, one row at a time through per-thread scratch rows. */
    static Image flipHorizontal(Image in) {
        int w = in.width();
        int h = in.height();
        int c = in.channels();
        int rowLen = w * c;
        ResizeScratch scratch = ResizeScratch.get();
        byte[] row = scratch.row(rowLen);
        byte[] orow = scratch.outRow(rowLen);
        MemorySegment src = in.data();
        Image out = Image.empty(in.mode(), w, h);
        MemorySegment dst = out.data();
        for (int y = 0; y < h; y++) {
            MemorySegment.copy(src, BYTES, (long) y * rowLen, row, 0, rowLen);
            switch (c) {
                case 3 -> {
                    for (int x = 0; x < w; x++) {
                        int i = 3 * x;
                        int o = 3 * (w - 1 - x);
                        orow[o] = row[i];
                        orow[o + 1] = row[i + 1];
                        orow[o + 2] = row[i + 2];
                    }
                }
                case 1 -> {
                    for (int i = 0; i < rowLen; i++) {
                        orow[rowLen - 1 - i] = row[i];
                    }
                }
                default -> {
                    for (int i = 0, o = rowLen - c; i < rowLen; i += c, o -= c) {
                        for (int k = 0; k < c; k++) {
                            orow[o + k] = row[i + k];
                        }
                    }
                }
            }
            MemorySegment.copy(orow, 0, dst, BYTES, (long) y * rowLen, rowLen);
        }
        return out;
    }

    static Image flipVertical(Image in) {
        int rowLen = in.width() * in.channels();
        Image out = Image.allocate(in.mode(), in.width(), in.height());
        MemorySegment src = in.data();
        MemorySegment dst = out.data();
        for (int y = 0; y < in.height(); y++) {
            MemorySegment.copy(src, (long) y * rowLen, dst, (long) (in.height() - 1 - y) * rowLen, rowLen);
        }
        return out;
    }

    static int u8(byte b) {
        return b & 0xFF;
    }

    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
}
