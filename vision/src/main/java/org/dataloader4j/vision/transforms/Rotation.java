package org.dataloader4j.vision.transforms;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.dataloader4j.vision.Image;

/**
 * Rotation with PIL's {@code Image.rotate} arithmetic, so that torchvision's {@code rotate} on PIL images is
 * matched pixel for pixel: the inverse affine matrix with coefficients rounded to 15 decimals, quarter and half
 * turns about the default centre done by transposition, nearest neighbour sampled in 16.16 fixed point (or by the
 * axis-aligned scaling path when the matrix has no shear), bilinear by sampling at pixel centres with edge
 * clamping and truncation to 8 bits (RGBA premultiplied meanwhile). Pixels that map outside the source keep the
 * fill colour. Package-private.
 */
final class Rotation {
    private Rotation() {
    }

    /** Python's {@code round(x, 15)}: the double nearest to x rounded half-even at the 15th decimal. */
    private static double round15(double x) {
        return new BigDecimal(x).setScale(15, RoundingMode.HALF_EVEN).doubleValue();
    }

    static Image rotate(Image img, double degrees, InterpolationMode mode, boolean expand, double[] center,
                        int[] fill) {
        if (mode != InterpolationMode.NEAREST && mode != InterpolationMode.BILINEAR) {
            throw new IllegalArgumentException("rotation supports NEAREST and BILINEAR interpolation, but got " + mode);
        }
        if (!Double.isFinite(degrees)) {
            throw new IllegalArgumentException("angle must be finite, but got " + degrees);
        }
        double angle = degrees % 360.0;
        if (angle < 0) {
            angle += 360.0;
        }
        int w = img.width();
        int h = img.height();
        if (center == null) {
            if (angle == 0) {
                return img.copy();
            }
            if (angle == 180) {
                Image flipped = Pixels.flipHorizontal(img);
                try (flipped) {
                    return Pixels.flipVertical(flipped);
                }
            }
            if ((angle == 90 || angle == 270) && (expand || w == h)) {
                return quarterTurn(img, angle == 90);
            }
        }
        double cx = center == null ? w / 2.0 : center[0];
        double cy = center == null ? h / 2.0 : center[1];
        double rad = -Math.toRadians(angle);
        double[] a = {round15(Math.cos(rad)), round15(Math.sin(rad)), 0.0,
                      round15(-Math.sin(rad)), round15(Math.cos(rad)), 0.0};
        a[2] = a[0] * -cx + a[1] * -cy + a[2];
        a[5] = a[3] * -cx + a[4] * -cy + a[5];
        a[2] += cx;
        a[5] += cy;
        int outW = w;
        int outH = h;
        if (expand) {
            double minX = Double.POSITIVE_INFINITY;
            double maxX = Double.NEGATIVE_INFINITY;
            double minY = Double.POSITIVE_INFINITY;
            double maxY = Double.NEGATIVE_INFINITY;
            for (double[] p : new double[][] {{0, 0}, {w, 0}, {w, h}, {0, h}}) {
                double x = a[0] * p[0] + a[1] * p[1] + a[2];
                double y = a[3] * p[0] + a[4] * p[1] + a[5];
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
            outW = (int) (Math.ceil(maxX) - Math.floor(minX));
            outH = (int) (Math.ceil(maxY) - Math.floor(minY));
            double tx = -(outW - w) / 2.0;
            double ty = -(outH - h) / 2.0;
            double nx = a[0] * tx + a[1] * ty + a[2];
            double ny = a[3] * tx + a[4] * ty + a[5];
            a[2] = nx;
            a[5] = ny;
        }
        return affine(img, outW, outH, a, mode, fill);
    }

    /** A quarter turn counter-clockwise ({@code ccw}) or clockwise; the output is {@code h × w}. */
    private static Image quarterTurn(Image img, boolean ccw) {
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        byte[] in = img.toByteArray();
        byte[] out = new byte[in.length];
        for (int y = 0; y < w; y++) {          // output is h wide, w high
            for (int x = 0; x < h; x++) {
                int sx = ccw ? w - 1 - y : y;
                int sy = ccw ? x : h - 1 - x;
                System.arraycopy(in, (sy * w + sx) * c, out, (y * h + x) * c, c);
            }
        }
        return Image.of(img.mode(), h, w, out);
    }

    private static Image affine(Image img, int outW, int outH, double[] a, InterpolationMode mode, int[] fill) {
        int c = img.channels();
        int w = img.width();
        int h = img.height();
        byte[] in = img.toByteArray();
        boolean premultiplied = mode == InterpolationMode.BILINEAR && img.mode() == Image.Mode.RGBA;
        if (premultiplied) {
            Pixels.premultiply(in);
        }
        byte[] out = new byte[outW * outH * c];
        for (int i = 0; i < out.length; i += c) {
            for (int k = 0; k < c; k++) {
                out[i + k] = (byte) (fill == null || fill.length == 0 ? 0 : fill.length == 1 ? fill[0] : fill[k]);
            }
        }
        if (mode == InterpolationMode.BILINEAR) {
            bilinear(in, w, h, c, out, outW, outH, a);
        } else if (a[1] == 0 && a[3] == 0) {
            scaleNearest(in, w, h, c, out, outW, outH, a);
        } else if (fitsFixed(a, 0, 0) && fitsFixed(a, outW, outH) && fitsFixed(a, 0, outH) && fitsFixed(a, outW, 0)) {
            nearestFixed(in, w, h, c, out, outW, outH, a);
        } else {
            nearestFloat(in, w, h, c, out, outW, outH, a);
        }
        if (premultiplied) {
            Pixels.unpremultiply(out);
        }
        return Image.of(img.mode(), outW, outH, out);
    }

    private static boolean fitsFixed(double[] a, int x, int y) {
        return Math.abs(x * a[0] + y * a[1] + a[2]) < 32768.0 && Math.abs(x * a[3] + y * a[4] + a[5]) < 32768.0;
    }

    private static int fix16(double v) {
        return (int) Math.floor(v * 65536.0 + 0.5);
    }

    /** Nearest neighbour in 16.16 fixed point, stepping along rows and columns. */
    private static void nearestFixed(byte[] in, int w, int h, int c, byte[] out, int outW, int outH, double[] a) {
        int a0 = fix16(a[0]);
        int a1 = fix16(a[1]);
        int a3 = fix16(a[3]);
        int a4 = fix16(a[4]);
        int rowX = fix16(a[2] + a[1] * 0.5 + a[0] * 0.5);
        int rowY = fix16(a[5] + a[4] * 0.5 + a[3] * 0.5);
        for (int y = 0; y < outH; y++) {
            int xx = rowX;
            int yy = rowY;
            for (int x = 0; x < outW; x++) {
                int sx = xx >> 16;
                int sy = yy >> 16;
                if (sx >= 0 && sx < w && sy >= 0 && sy < h) {
                    System.arraycopy(in, (sy * w + sx) * c, out, (y * outW + x) * c, c);
                }
                xx += a0;
                yy += a3;
            }
            rowX += a1;
            rowY += a4;
        }
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }

    /** Nearest neighbour in doubles, for coordinates too large for 16.16 fixed point. */
    private static void nearestFloat(byte[] in, int w, int h, int c, byte[] out, int outW, int outH, double[] a) {
        double rowX = a[2] + a[1] * 0.5 + a[0] * 0.5;
        double rowY = a[5] + a[4] * 0.5 + a[3] * 0.5;
        for (int y = 0; y < outH; y++) {
            double xx = rowX;
            double yy = rowY;
            for (int x = 0; x < outW; x++) {
                int sx = coord(xx);
                int sy = coord(yy);
                if (sx >= 0 && sx < w && sy >= 0 && sy < h) {
                    System.arraycopy(in, (sy * w + sx) * c, out, (y * outW + x) * c, c);
                }
                xx += a[0];
                yy += a[3];
            }
            rowX += a[1];
            rowY += a[4];
        }
    }

    /**
     * Nearest neighbour for a matrix without shear (half turns about a given centre): the source column of each
     * output column is computed once; the columns that land inside the source are taken as one run, from the
     * first to the last that does.
     */
    private static void scaleNearest(byte[] in, int w, int h, int c, byte[] out, int outW, int outH, double[] a) {
        int[] srcX = new int[outW];
        int first = outW;
        int end = 0;
        double xo = a[2] + a[0] * 0.5;
        for (int x = 0; x < outW; x++) {
            int sx = coord(xo);
            if (sx >= 0 && sx < w) {
                end = x + 1;
                first = Math.min(first, x);
                srcX[x] = sx;
            }
            xo += a[0];
        }
        double yo = a[5] + a[4] * 0.5;
        for (int y = 0; y < outH; y++) {
            int sy = coord(yo);
            if (sy >= 0 && sy < h) {
                for (int x = first; x < end; x++) {
                    System.arraycopy(in, (sy * w + srcX[x]) * c, out, (y * outW + x) * c, c);
                }
            }
            yo += a[4];
        }
    }

    /** Bilinear sampling at each output pixel's centre mapped into the source, edges clamped, truncated. */
    private static void bilinear(byte[] in, int w, int h, int c, byte[] out, int outW, int outH, double[] a) {
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double px = x + 0.5;
                double py = y + 0.5;
                double xin = a[0] * px + a[1] * py + a[2];
                double yin = a[3] * px + a[4] * py + a[5];
                if (xin < 0.0 || xin >= w || yin < 0.0 || yin >= h) {
                    continue;
                }
                xin -= 0.5;
                yin -= 0.5;
                int x0 = (int) Math.floor(xin);
                int y0 = (int) Math.floor(yin);
                double dx = xin - x0;
                double dy = yin - y0;
                int row0 = Math.min(Math.max(y0, 0), h - 1) * w;
                int xa = Math.min(Math.max(x0, 0), w - 1);
                int xb = Math.min(Math.max(x0 + 1, 0), w - 1);
                boolean below = y0 + 1 >= 0 && y0 + 1 < h;
                int row1 = (y0 + 1) * w;
                int o = (y * outW + x) * c;
                for (int k = 0; k < c; k++) {
                    int p = in[(row0 + xa) * c + k] & 0xFF;
                    int q = in[(row0 + xb) * c + k] & 0xFF;
                    double v1 = p + (q - p) * dx;
                    double v2 = v1;
                    if (below) {
                        int r = in[(row1 + xa) * c + k] & 0xFF;
                        int s = in[(row1 + xb) * c + k] & 0xFF;
                        v2 = r + (s - r) * dx;
                    }
                    double v = v1 + (v2 - v1) * dy;
                    out[o + k] = (byte) (int) v;
                }
            }
        }
    }
}
