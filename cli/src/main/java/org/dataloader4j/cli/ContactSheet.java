package org.dataloader4j.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * A PNG contact sheet of a batch of normalized images: each {@code [C, H, W]} image of a FLOAT32
 * {@code [B, C, H, W]} batch is turned back into pixels ({@code x * std + mean}, times 255, rounded and clamped)
 * and drawn as one tile of a grid, with its class name under it.
 *
 * <p>Layout: {@code columns = min(B, 8)}, {@code rows = ceil(B / columns)}; each cell is the image plus a
 * {@link #LABEL_HEIGHT} px label strip, cells are separated and surrounded by {@link #GAP} px. So the sheet is
 * {@code columns * (W + GAP) + GAP} wide and {@code rows * (H + LABEL_HEIGHT + GAP) + GAP} high.
 */
final class ContactSheet {
    static final int GAP = 4;
    static final int LABEL_HEIGHT = 16;
    private static final Color BACKGROUND = new Color(0x20, 0x20, 0x20);

    private ContactSheet() {
    }

    /** The copied pixels of a batch, so the batch itself can be closed at once. */
    record Snapshot(int count, int channels, int height, int width, float[] values, long[] targets) {
        static Snapshot of(Tensor images, Tensor targets, int limit) {
            if (images.dtype() != DType.FLOAT32 || images.rank() != 4) {
                throw new IllegalArgumentException("a contact sheet needs a FLOAT32 [B, C, H, W] batch, but got "
                        + images.dtype() + " " + images.shape());
            }
            int n = (int) Math.min(limit, images.shape().dim(0));
            Tensor first = images.slice(0, n);
            return new Snapshot(n, (int) images.shape().dim(1), (int) images.shape().dim(2),
                    (int) images.shape().dim(3), first.toFloatArray(), targets.slice(0, n).toLongArray());
        }
    }

    static final int MAX_COLUMNS = 8;

    static int columns(int count) {
        return Math.max(1, Math.min(count, MAX_COLUMNS));
    }

    static int rows(int count) {
        int c = columns(count);
        return (count + c - 1) / c;
    }

    static int width(int count, int tileWidth) {
        return columns(count) * (tileWidth + GAP) + GAP;
    }

    static int height(int count, int tileHeight) {
        return rows(count) * (tileHeight + LABEL_HEIGHT + GAP) + GAP;
    }

    /**
     * Draws {@code batch} (normalized with {@code mean} and {@code std}) and writes it to {@code file} as PNG.
     *
     * @return true if the class names could be drawn (false when the JVM has no usable font)
     */
    static boolean write(Snapshot batch, float[] mean, float[] std, List<String> classNames, Path file)
            throws IOException {
        int n = batch.count();
        int w = batch.width();
        int h = batch.height();
        BufferedImage sheet = new BufferedImage(width(n, w), height(n, h), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        boolean labelled = true;
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            int cols = columns(n);
            int plane = h * w;
            int c = batch.channels();
            for (int i = 0; i < n; i++) {
                int x0 = GAP + (i % cols) * (w + GAP);
                int y0 = GAP + (i / cols) * (h + LABEL_HEIGHT + GAP);
                int base = i * c * plane;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int p = y * w + x;
                        int r = pixel(batch.values()[base + p], mean[0], std[0]);
                        int gg = c >= 3 ? pixel(batch.values()[base + plane + p], mean[1], std[1]) : r;
                        int b = c >= 3 ? pixel(batch.values()[base + 2 * plane + p], mean[2], std[2]) : r;
                        sheet.setRGB(x0 + x, y0 + y, r << 16 | gg << 8 | b);
                    }
                }
            }
            try {
                drawLabels(g, batch, classNames, cols);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                labelled = false;   // headless JVM without fonts (no fontconfig): the pixels are still worth having
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!javax.imageio.ImageIO.write(sheet, "png", file.toFile())) {
            throw new IOException("no PNG writer available to write " + file);
        }
        return labelled;
    }

    private static void drawLabels(Graphics2D g, Snapshot batch, List<String> classNames, int cols) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.WHITE);
        int w = batch.width();
        for (int i = 0; i < batch.count(); i++) {
            long target = batch.targets()[i];
            String name = target >= 0 && target < classNames.size() ? classNames.get((int) target) : "#" + target;
            String label = fit(name, fm, w);
            int x0 = GAP + (i % cols) * (w + GAP);
            int y0 = GAP + (i / cols) * (batch.height() + LABEL_HEIGHT + GAP) + batch.height();
            int textX = x0 + Math.max(0, (w - fm.stringWidth(label)) / 2);
            int textY = y0 + (LABEL_HEIGHT + fm.getAscent() - fm.getDescent()) / 2;
            g.drawString(label, textX, textY);
        }
    }

    /** {@code text}, shortened with an ellipsis until it fits {@code width} pixels. */
    private static String fit(String text, FontMetrics fm, int width) {
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String t = text;
        while (!t.isEmpty() && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    /** A normalized value back to an 8-bit pixel: {@code round((x * std + mean) * 255)}, clamped to 0..255. */
    static int pixel(float normalized, float mean, float std) {
        long v = Math.round((normalized * std + mean) * 255.0);
        return (int) Math.max(0, Math.min(255, v));
    }
}
