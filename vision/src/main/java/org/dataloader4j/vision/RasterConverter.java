package org.dataloader4j.vision;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Turns what {@code javax.imageio} decoded into an {@link Image}, mapping each kind of source the way PIL
 * opens it: gray stays L (1, 2 and 4-bit gray scaled to 0..255; 16-bit gray clipped at 255, as PIL's
 * conversion of its 32-bit "I" mode does), gray with alpha becomes RGBA, 16-bit RGB(A) keeps the high byte,
 * palettes expand to RGB (RGBA when the palette has transparency), CMYK converts with PIL's formula
 * {@code R = (255 - C)(255 - K) / 255}. Nothing goes through Java2D's colour management, which would
 * linearise gray values.
 */
final class RasterConverter {
    private RasterConverter() {
    }

    static Image toImage(BufferedImage bi) {
        ColorModel cm = bi.getColorModel();
        Raster raster = bi.getRaster();
        int w = bi.getWidth();
        int h = bi.getHeight();
        int bands = raster.getNumBands();
        int csType = cm.getColorSpace().getType();
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(icm, raster, w, h);
        }
        if (cm instanceof ComponentColorModel && csType == ColorSpace.TYPE_GRAY && (bands == 1 || bands == 2)) {
            return fromGray(raster, w, h, bands, raster.getSampleModel().getSampleSize(0));
        }
        if (cm instanceof ComponentColorModel && csType == ColorSpace.TYPE_RGB && (bands == 3 || bands == 4)) {
            return fromComponents(raster, w, h, bands, raster.getSampleModel().getSampleSize(0));
        }
        if (cm instanceof ComponentColorModel && csType == ColorSpace.TYPE_CMYK && bands == 4) {
            return fromCmyk(raster, w, h, false);
        }
        if (cm instanceof DirectColorModel dcm && csType == ColorSpace.TYPE_RGB) {
            return fromDirect(dcm, raster, w, h);
        }
        return fromGeneric(bi, w, h);
    }

    private static void putRow(Image image, int y, byte[] row) {
        MemorySegment.copy(row, 0, image.data(), ValueLayout.JAVA_BYTE, (long) y * row.length, row.length);
    }

    private static Image fromPalette(IndexColorModel icm, Raster raster, int w, int h) {
        boolean alpha = icm.getTransparency() != java.awt.Transparency.OPAQUE;
        int size = icm.getMapSize();
        int[] argb = new int[size];
        icm.getRGBs(argb);
        boolean gray = !alpha;   // 1, 2 and 4-bit gray PNGs come as gray palettes; PIL opens them as L ("1")
        for (int p : argb) {
            gray &= ((p >> 16) & 0xFF) == (p & 0xFF) && ((p >> 8) & 0xFF) == (p & 0xFF);
        }
        Image image = Image.allocate(alpha ? Image.Mode.RGBA : gray ? Image.Mode.L : Image.Mode.RGB, w, h);
        int c = image.channels();
        int[] idx = new int[w];
        byte[] row = new byte[w * c];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, idx);
            for (int x = 0; x < w; x++) {
                int p = idx[x] < size ? argb[idx[x]] : 0xFF000000;
                if (gray) {
                    row[x] = (byte) p;
                } else {
                    unpackArgb(p, row, x * c, alpha);
                }
            }
            putRow(image, y, row);
        }
        return image;
    }

    private static Image fromGray(Raster raster, int w, int h, int bands, int bits) {
        Image image = Image.allocate(bands == 2 ? Image.Mode.RGBA : Image.Mode.L, w, h);
        int c = image.channels();
        int[] px = new int[w * bands];
        byte[] row = new byte[w * c];
        int max = (1 << bits) - 1;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int g = px[x * bands];
                int v;
                if (bits == 8) {
                    v = g;
                } else if (bits < 8) {
                    v = g * 255 / max;
                } else if (bands == 1) {
                    v = Math.min(255, g);             // PIL: 16-bit gray is mode I; to 8 bits it clips
                } else {
                    v = g >>> (bits - 8);             // PIL: 16-bit LA keeps the high byte
                }
                if (bands == 1) {
                    row[x] = (byte) v;
                } else {
                    int a = px[x * 2 + 1];
                    a = bits == 8 ? a : bits < 8 ? a * 255 / max : a >>> (bits - 8);
                    row[x * 4] = (byte) v;
                    row[x * 4 + 1] = (byte) v;
                    row[x * 4 + 2] = (byte) v;
                    row[x * 4 + 3] = (byte) a;
                }
            }
            putRow(image, y, row);
        }
        return image;
    }

    private static int to8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        return bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1);
    }

    private static Image fromComponents(Raster raster, int w, int h, int bands, int bits) {
        Image image = Image.allocate(bands == 4 ? Image.Mode.RGBA : Image.Mode.RGB, w, h);
        int[] px = new int[w * bands];
        byte[] row = new byte[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, px);
            for (int i = 0; i < row.length; i++) {
                row[i] = (byte) to8(px[i], bits);
            }
            putRow(image, y, row);
        }
        return image;
    }

    /** PIL's CMYK to RGB: {@code R = 255 - K' - C·K'/255} with {@code K' = 255 - K}, i.e. (255-C)(255-K)/255. */
    static Image fromCmyk(Raster raster, int w, int h, boolean inverted) {
        Image image = Image.allocate(Image.Mode.RGB, w, h);
        int bits = raster.getSampleModel().getSampleSize(0);
        int[] px = new int[w * 4];
        byte[] row = new byte[w * 3];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, px);
            for (int i = 0; i < px.length; i++) {
                px[i] = inverted ? 255 - to8(px[i], bits) : to8(px[i], bits);
            }
            for (int x = 0; x < w; x++) {
                int k = px[x * 4 + 3];
                int nk = 255 - k;
                for (int c = 0; c < 3; c++) {
                    row[x * 3 + c] = (byte) clip8(nk - mulDiv255(px[x * 4 + c], nk));
                }
            }
            putRow(image, y, row);
        }
        return image;
    }

    /** {@code round(a · b / 255)} for a, b in 0..255, exact in integers. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static Image fromDirect(DirectColorModel dcm, Raster raster, int w, int h) {
        boolean alpha = dcm.hasAlpha();
        Image image = Image.allocate(alpha ? Image.Mode.RGBA : Image.Mode.RGB, w, h);
        int c = image.channels();
        byte[] row = new byte[w * c];
        Object pixel = null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixel = raster.getDataElements(x, y, pixel);
                row[x * c] = (byte) dcm.getRed(pixel);
                row[x * c + 1] = (byte) dcm.getGreen(pixel);
                row[x * c + 2] = (byte) dcm.getBlue(pixel);
                if (alpha) {
                    row[x * c + 3] = (byte) dcm.getAlpha(pixel);
                }
            }
            putRow(image, y, row);
        }
        return image;
    }

    /** Anything else: let Java2D convert to sRGB (may apply colour management). */
    private static Image fromGeneric(BufferedImage bi, int w, int h) {
        boolean alpha = bi.getColorModel().hasAlpha();
        Image image = Image.allocate(alpha ? Image.Mode.RGBA : Image.Mode.RGB, w, h);
        int c = image.channels();
        int[] argb = new int[w];
        byte[] row = new byte[w * c];
        for (int y = 0; y < h; y++) {
            bi.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                unpackArgb(argb[x], row, x * c, alpha);
            }
            putRow(image, y, row);
        }
        return image;
    }

    /** Writes the packed ARGB pixel {@code p} as R, G, B (and A when {@code alpha}) bytes at {@code row[at]}. */
    private static void unpackArgb(int p, byte[] row, int at, boolean alpha) {
        row[at] = (byte) (p >> 16);
        row[at + 1] = (byte) (p >> 8);
        row[at + 2] = (byte) p;
        if (alpha) {
            row[at + 3] = (byte) (p >>> 24);
        }
    }
}
