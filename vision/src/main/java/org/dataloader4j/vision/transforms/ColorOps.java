package org.dataloader4j.vision.transforms;

import org.dataloader4j.vision.Image;

/**
 * The colour adjustments behind {@link ColorJitter}, with PIL's arithmetic so that results match torchvision on
 * PIL images: brightness, contrast and saturation interpolate (or extrapolate) between the image and a "degenerate"
 * image in single-precision floats, truncating to 8 bits; hue goes through PIL's 8-bit HSV. Package-private.
 */
final class ColorOps {
    private ColorOps() {
    }

    /**
     * PIL's blend of {@code degenerate} towards {@code px} by {@code factor}, in floats: inside [0, 1] the result is
     * truncated, outside it is clipped to 0..255 first. Only the colour channels are touched (the first
     * {@code colour} of every {@code c} bytes); alpha, equal in both images for every enhancement, stays.
     */
    private static void blend(byte[] px, byte[] degenerate, int c, int colour, double factor) {
        float alpha = (float) factor;
        boolean inside = alpha >= 0 && alpha <= 1;
        for (int i = 0; i < px.length; i += c) {
            for (int k = 0; k < colour; k++) {
                int a = degenerate[i + k] & 0xFF;
                int b = px[i + k] & 0xFF;
                float v = a + alpha * (b - a);
                int out;
                if (inside) {
                    out = (int) v;
                } else {
                    out = v <= 0f ? 0 : v >= 255f ? 255 : (int) v;
                }
                px[i + k] = (byte) out;
            }
        }
    }

    private static int colourChannels(Image img) {
        return img.mode() == Image.Mode.RGBA ? 3 : img.channels();
    }

    /** Blend with black (alpha kept). */
    static Image brightness(Image img, double factor) {
        byte[] px = img.toByteArray();
        blend(px, new byte[px.length], img.channels(), colourChannels(img), factor);
        return Image.of(img.mode(), img.width(), img.height(), px);
    }

    /** Blend with a uniform gray image at the rounded mean luma. */
    static Image contrast(Image img, double factor) {
        byte[] px = img.toByteArray();
        int c = img.channels();
        long sum = 0;
        for (int i = 0; i < px.length; i += c) {
            sum += c == 1 ? px[i] & 0xFF : Image.luma(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF);
        }
        int mean = (int) ((double) sum / ((long) img.width() * img.height()) + 0.5);
        byte[] degenerate = new byte[px.length];
        java.util.Arrays.fill(degenerate, (byte) mean);
        blend(px, degenerate, c, colourChannels(img), factor);
        return Image.of(img.mode(), img.width(), img.height(), px);
    }

    /** Blend with the image's own luma (a gray image is returned unchanged in content). */
    static Image saturation(Image img, double factor) {
        byte[] px = img.toByteArray();
        int c = img.channels();
        if (c == 1) {
            return Image.of(img.mode(), img.width(), img.height(), px);
        }
        byte[] degenerate = new byte[px.length];
        for (int i = 0; i < px.length; i += c) {
            byte l = (byte) Image.luma(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF);
            degenerate[i] = l;
            degenerate[i + 1] = l;
            degenerate[i + 2] = l;
        }
        blend(px, degenerate, c, 3, factor);
        return Image.of(img.mode(), img.width(), img.height(), px);
    }

    /**
     * Rotates the hue as torchvision does on PIL images: RGB to PIL's 8-bit HSV, the hue byte shifted by
     * {@code (uint8) (factor × 255)} with wrap-around, and back. Gray images come back unchanged; RGBA comes back
     * with alpha 255, as PIL's round trip through HSV leaves it.
     */
    static Image hue(Image img, double factor) {
        int c = img.channels();
        if (c == 1) {
            return img.copy();
        }
        int shift = ((int) (factor * 255)) & 0xFF;
        byte[] px = img.toByteArray();
        int[] hsv = new int[3];
        for (int i = 0; i < px.length; i += c) {
            toHsv(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF, hsv);
            fromHsv((hsv[0] + shift) & 0xFF, hsv[1], hsv[2], px, i);
            if (c == 4) {
                px[i + 3] = (byte) 0xFF;
            }
        }
        return Image.of(img.mode(), img.width(), img.height(), px);
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** PIL's RGB to HSV, each component 0..255; hue in turns × 255, truncated. */
    static void toHsv(int r, int g, int b, int[] out) {
        int max = Math.max(r, Math.max(g, b));
        int min = Math.min(r, Math.min(g, b));
        out[2] = max;
        if (max == min) {
            out[0] = 0;
            out[1] = 0;
            return;
        }
        float range = max - min;
        float s = range / max;
        float rc = (max - r) / range;
        float gc = (max - g) / range;
        float bc = (max - b) / range;
        float h;
        if (r == max) {
            h = bc - gc;
        } else if (g == max) {
            h = (float) (2.0 + rc - bc);
        } else {
            h = (float) (4.0 + gc - rc);
        }
        double turns = (h / 6.0 + 1.0) % 1.0;
        h = (float) turns;
        out[0] = clip8((int) (h * 255.0));
        out[1] = clip8((int) (s * 255.0));
    }

    /** PIL's HSV to RGB (six sectors, components rounded half away from zero), written at {@code px[at..at+2]}. */
    static void fromHsv(int h, int s, int v, byte[] px, int at) {
        if (s == 0) {
            px[at] = (byte) v;
            px[at + 1] = (byte) v;
            px[at + 2] = (byte) v;
            return;
        }
        int sector = (int) Math.floor((float) h * 6.0 / 255.0);
        float f = (float) ((float) h * 6.0 / 255.0 - (float) sector);
        float fs = (float) (s / 255.0);
        int p = clip8((int) Math.round(v * (1.0 - fs)));
        int q = clip8((int) Math.round(v * (1.0 - fs * f)));
        int t = clip8((int) Math.round(v * (1.0 - fs * (1.0 - f))));
        int r;
        int g;
        int b;
        switch (sector % 6) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        px[at] = (byte) r;
        px[at + 1] = (byte) g;
        px[at + 2] = (byte) b;
    }
}
