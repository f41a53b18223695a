package org.dataloader4j.vision;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * The pure-Java decoding path: reads an image, or only its header, with a {@code javax.imageio} reader (the JDK's,
 * or the TwelveMonkeys plugins for CMYK/YCCK JPEG and WebP), checks the size against the pixel limit before any
 * pixel memory is allocated, and turns the reader's warnings into PIL's verdicts on damaged data.
 */
final class ImageIODecoding {
    private ImageIODecoding() {
    }

    /**
     * Decodes the first image of {@code in} with {@code reader}, which it disposes of.
     *
     * @throws ImageDecodeException naming {@code origin} for a corrupt header or data, truncated data, an image
     *                              over {@code maxPixels}, or, when {@code strictJpeg}, for corrupt data that libjpeg
     *                              repairs
     */
    static Image read(Origin origin, ImageInputStream in, ImageReader reader, long maxPixels, boolean strictJpeg) {
        String format = formatName(reader);
        List<String> warnings = new ArrayList<>();
        try {
            reader.setInput(in, true, true);
            checkedSize(origin, reader, format, maxPixels);
            reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
            ImageReadParam param = reader.getDefaultReadParam();
            Image image;
            ImageTypeSpecifier raw = rawType(reader);
            if (raw != null && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK
                    && reader.canReadRaster()) {
                boolean adobe = JpegStructure.hasAdobeMarker(in);
                Raster raster = reader.readRaster(0, param);
                image = RasterConverter.fromCmyk(raster, raster.getWidth(), raster.getHeight(), adobe);
            } else {
                BufferedImage bi = reader.read(0, param);
                image = RasterConverter.toImage(bi);
            }
            for (String w : warnings) {
                if (isFatalWarning(w)) {
                    image.close();
                    throw origin.error("truncated or corrupt " + format + " data: " + w);
                }
            }
            for (String w : warnings) {
                if (strictJpeg && JpegRepairs.isRepairWarning(w)) {
                    image.close();
                    throw origin.error(JpegRepairs.strictRefusal(format, w));
                }
                if (JpegRepairs.isRepairWarning(w) && JpegStructure.isProgressive(in)) {
                    image.close();
                    throw origin.error("damaged progressive JPEG data: " + w + "; libjpeg-turbo (PIL, the native"
                            + " path) smooths the missing coefficients differently from the pure-Java decoder, so"
                            + " it refuses the file rather than give other pixels than PIL");
                }
            }
            return image;
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String detail = warnings.isEmpty() ? "" : " (warnings: " + String.join("; ", warnings) + ")";
            throw origin.error("corrupt or truncated " + format + " data: " + describe(e) + detail, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * What {@code reader}'s header for the first image of {@code in} declares, with the size checked as
     * {@link #read} checks it; {@code reader} is disposed of.
     *
     * @throws ImageDecodeException naming {@code origin} for a corrupt header or an image over {@code maxPixels}
     */
    static ImageHeader header(Origin origin, ImageInputStream in, ImageReader reader, long maxPixels) {
        try {
            reader.setInput(in, true, true);
            String format = formatName(reader);
            int[] size = checkedSize(origin, reader, format, maxPixels);
            return new ImageHeader(format, declaredMode(reader), size[0], size[1]);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The readers {@code javax.imageio} picks for the formats it decodes here, for example
     * {@code "pure Java (javax.imageio): JPEG -> com.twelvemonkeys...JPEGImageReader, PNG -> ..., "}.
     */
    static String describe() {
        Map<String, String> used = new LinkedHashMap<>();
        for (String format : List.of("jpeg", "png", "bmp", "tiff", "webp")) {
            Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format);
            used.put(format.toUpperCase(Locale.ROOT), it.hasNext() ? it.next().getClass().getName() : "none");
        }
        StringBuilder sb = new StringBuilder("pure Java (javax.imageio): ");
        used.forEach((format, reader) -> sb.append(format).append(" -> ").append(reader).append(", "));
        return sb.toString();
    }

    /** The {@code {width, height}} of the first image, from the header, after {@link PixelLimit#check}. */
    private static int[] checkedSize(Origin origin, ImageReader reader, String format, long maxPixels) {
        int width;
        int height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw origin.error("corrupt " + format + " header: " + describe(e), e);
        }
        PixelLimit.check(origin, width, height, maxPixels);
        return new int[] {width, height};
    }

    /** The pixel mode a reader's header declares, or "unknown" when it cannot tell without decoding. */
    private static String declaredMode(ImageReader reader) {
        try {
            ImageTypeSpecifier type = reader.getRawImageType(0);
            if (type == null) {
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                type = types.hasNext() ? types.next() : null;
            }
            if (type == null) {
                return "unknown";
            }
            var cm = type.getColorModel();
            if (cm instanceof IndexColorModel icm) {
                return icm.hasAlpha() ? "P (palette + alpha)" : "P (palette)";
            }
            if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                return "CMYK";
            }
            return ImageHeader.modeName(cm.getNumComponents());
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static ImageTypeSpecifier rawType(ImageReader reader) {
        try {
            return reader.getRawImageType(0);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Warnings that mean pixels are missing: PIL raises "image file is truncated" for these. libjpeg's "premature
     * end of data segment" is not one: the data ends at a marker, libjpeg fills the rest, and PIL keeps the image.
     */
    private static boolean isFatalWarning(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return !JpegRepairs.isRepairWarning(warning)
                && (w.contains("premature end") || w.contains("truncat") || w.contains("end of file"));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    private static String formatName(ImageReader reader) {
        try {
            String name = reader.getFormatName();
            return name == null ? "image" : name.toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }
}
