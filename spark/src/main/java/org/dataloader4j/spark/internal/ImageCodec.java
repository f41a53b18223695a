package org.dataloader4j.spark.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageDecodeException;

/**
 * Decoding of image bytes with the vision module's {@link Decoders} (so a shard's image decodes exactly as the
 * same file in an {@code ImageFolder} would: same formats, same RGB conversion, same corruption checks) and
 * encoding to JPEG or PNG. The bytes are decoded in memory ({@link Decoders#decode(byte[], String, Image.Mode)}),
 * with no temporary file.
 *
 * <pre>{@code
 * byte[] bytes = Files.readAllBytes(path);
 * try (Image rgb = ImageCodec.decode(bytes, path.toString(), Image.Mode.RGB)) {
 *     byte[] jpeg = ImageCodec.encodeJpeg(rgb, 90);
 * }
 * }</pre>
 */
public final class ImageCodec {
    private ImageCodec() {
    }

    /** The file format of encoded image bytes, from their first bytes. */
    public enum Format {
        /** JPEG, starting with {@code FF D8 FF}. */
        JPEG("jpg"),
        /** PNG, starting with its 8-byte signature. */
        PNG("png"),
        /** Anything else. */
        OTHER("img");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        /** {@return the WebDataset extension of this format: {@code jpg}, {@code png}} */
        public String extension() {
            return extension;
        }
    }

    /**
     * {@return the format of {@code bytes}: JPEG ({@code FF D8 FF}), PNG (its 8-byte signature) or something else}
     *
     * @param bytes the encoded image
     */
    public static Format sniff(byte[] bytes) {
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return Format.JPEG;
        }
        if (bytes.length >= 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G'
                && bytes[4] == 0x0D && bytes[5] == 0x0A && bytes[6] == 0x1A && bytes[7] == 0x0A) {
            return Format.PNG;
        }
        return Format.OTHER;
    }

    /**
     * Decodes {@code bytes} and converts them to {@code mode} exactly as {@link Decoders#decode(Path, Image.Mode)}
     * does for a file of those bytes (through {@link Decoders#decode(byte[], String, Image.Mode)}).
     *
     * @param name names the image in an error (a path, or {@code shard.tar:key.jpg})
     * @param bytes the encoded image
     * @param mode the pixel mode to convert to
     * @return the decoded image
     * @throws ImageDecodeException naming {@code name} and the problem, for corrupt or unsupported data
     */
    public static Image decode(byte[] bytes, String name, Image.Mode mode) {
        return Decoders.standard().decode(bytes, name, mode);
    }

    /**
     * Encodes an RGB or L image as a baseline JPEG of {@code quality} (1 to 100, as PIL's {@code quality}).
     *
     * @param image the image to encode
     * @param quality the JPEG quality, 1 to 100
     * @return the JPEG file's bytes
     * @throws IllegalArgumentException if the quality is out of range or the image has an alpha channel
     */
    public static byte[] encodeJpeg(Image image, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be in [1, 100], but got quality=" + quality);
        }
        if (image.mode() == Image.Mode.RGBA) {
            throw new IllegalArgumentException("JPEG has no alpha channel; convert the RGBA image to RGB first");
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no JPEG writer is registered with ImageIO");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(toBuffered(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed: " + e, e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * Encodes an image losslessly as PNG.
     *
     * @param image the image to encode
     * @return the PNG file's bytes
     */
    public static byte[] encodePng(Image image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(toBuffered(image), "png", bytes)) {
                throw new IllegalStateException("no PNG writer is registered with ImageIO");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed: " + e, e);
        }
        return bytes.toByteArray();
    }

    private static BufferedImage toBuffered(Image image) {
        int w = image.width();
        int h = image.height();
        byte[] hwc = image.toByteArray();
        BufferedImage bi;
        switch (image.mode()) {
            case L -> {
                bi = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
                System.arraycopy(hwc, 0, dst, 0, hwc.length);
            }
            case RGB -> {
                bi = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
                byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
                for (int i = 0; i < hwc.length; i += 3) {
                    dst[i] = hwc[i + 2];
                    dst[i + 1] = hwc[i + 1];
                    dst[i + 2] = hwc[i];
                }
            }
            case RGBA -> {
                bi = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
                byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
                for (int i = 0; i < hwc.length; i += 4) {
                    dst[i] = hwc[i + 3];
                    dst[i + 1] = hwc[i + 2];
                    dst[i + 2] = hwc[i + 1];
                    dst[i + 3] = hwc[i];
                }
            }
            default -> throw new IllegalArgumentException("unsupported image mode " + image.mode());
        }
        return bi;
    }

    /** {@code s} in lower case, the same in every locale (file extensions). */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
