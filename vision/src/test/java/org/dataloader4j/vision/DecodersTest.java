package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DecodersTest {
    private static final Path DIR = Fixtures.dir("decode");

    static Stream<String> cases() {
        return Fixtures.lines(DIR.resolve("cases.txt")).stream();
    }

    /**
     * Everything decodes exactly like PIL (the JDK's libjpeg gives the same pixels as PIL's libjpeg-turbo here),
     * lossy WebP too when libwebp is installed (the native path); without it, TwelveMonkeys' VP8 decoder reconstructs
     * differently from libwebp (up to 34 steps on these fixtures, a mean of 6.9 steps on this small noisy image);
     * see {@link #lossyWebpIsCloseOnAverageWithoutLibwebp}.
     */
    private static int tolerance(String file) {
        return file.equals("lossy.webp") && !Decoders.standard().usesNativeWebp() ? 40 : 0;
    }

    @Test
    void lossyWebpIsCloseOnAverageWithoutLibwebp() {
        try (Image rgb = Decoders.standard().withNativeWebp(false).decode(DIR.resolve("lossy.webp"), Image.Mode.RGB)) {
            Fixtures.Npy expected = Fixtures.npy(DIR.resolve("lossy_webp.npy"));
            byte[] got = rgb.toByteArray();
            double sum = 0;
            for (int i = 0; i < got.length; i++) {
                sum += Math.abs((got[i] & 0xFF) - expected.values()[i]);
            }
            double mean = sum / got.length;
            System.out.println("lossy.webp mean abs difference to PIL/libwebp: " + mean);
            assertTrue(mean < 8, "mean difference " + mean);   // 6.9 measured: a real decoder difference, see the report
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decodesLikePilOpenConvertRgb(String line) {
        String[] f = line.split(" ");
        Path file = DIR.resolve(f[0]);
        Fixtures.Npy expected = Fixtures.npy(DIR.resolve(f[2]));
        try (Image natural = Decoders.standard().decode(file); Image rgb = Decoders.decodeRGB(file)) {
            if (!f[0].equals("palette_trns.png")) {
                assertEquals(expectedMode(f[1]), natural.mode(), f[0]);
            }
            int diff = Fixtures.maxDiff(rgb, expected);
            assertTrue(diff <= tolerance(f[0]), f[0] + ": max difference " + diff + " to PIL");
        }
    }

    private static Image.Mode expectedMode(String pilMode) {
        return switch (pilMode) {
            case "L", "1", "I" -> Image.Mode.L;
            case "RGBA", "LA" -> Image.Mode.RGBA;
            default -> Image.Mode.RGB;   // RGB, CMYK, P (palettes with transparency are RGBA, checked below)
        };
    }

    @Test
    void paletteWithTransparencyKeepsAlpha() {
        try (Image img = Decoders.standard().decode(DIR.resolve("palette_trns.png"))) {
            assertEquals(Image.Mode.RGBA, img.mode());
        }
    }

    /** Prints the largest difference per file (for the report), without asserting anything more. */
    @Test
    void reportDifferences() {
        Map<String, Integer> diffs = new LinkedHashMap<>();
        cases().forEach(line -> {
            String[] f = line.split(" ");
            try (Image rgb = Decoders.decodeRGB(DIR.resolve(f[0]))) {
                diffs.put(f[0], Fixtures.maxDiff(rgb, Fixtures.npy(DIR.resolve(f[2]))));
            }
        });
        System.out.println("decode max abs difference to PIL: " + diffs);
    }

    @Test
    void describeNamesTheDecoders() {
        String d = Decoders.describe();
        assertTrue(d.contains("JPEG -> ") && d.contains("WEBP -> com.twelvemonkeys"), d);
    }

    private static ImageDecodeException failure(Path file) {
        return assertThrows(ImageDecodeException.class, () -> Decoders.decodeRGB(file));
    }

    @Test
    void truncatedFilesFailNamingThePath(@TempDir Path tmp) throws IOException {
        for (String name : List.of("baseline.jpg", "progressive.jpg", "rgb.png", "rgb.bmp", "rgb.tif", "rgb.ppm",
                "lossless.webp")) {
            byte[] all = Files.readAllBytes(DIR.resolve(name));
            Path cut = tmp.resolve("cut-" + name);
            Files.write(cut, Arrays.copyOf(all, all.length * 2 / 3));
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> Decoders.decodeRGB(cut), name);
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
            assertEquals(cut, e.path());
        }
    }

    @Test
    void nonImagesFailClearly(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.jpg"), "hello, this is not an image");
        assertTrue(failure(text).getMessage().contains("not an image"), failure(text).getMessage());
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        assertTrue(failure(empty).getMessage().contains("empty"));
        assertTrue(failure(tmp.resolve("missing.png")).getMessage().contains("missing.png"));
        assertTrue(failure(tmp).getMessage().contains("directory"));
        Path p4 = Files.write(tmp.resolve("bits.pbm"), "P4 2 2\n\0\0".getBytes());
        assertTrue(failure(p4).getMessage().contains("P4"), failure(p4).getMessage());
        byte[] png = Files.readAllBytes(DIR.resolve("rgb.png"));
        for (int i = 40; i < png.length - 20; i++) {
            png[i] ^= 0x5A;       // scramble the compressed data
        }
        Path garbled = Files.write(tmp.resolve("garbled.png"), png);
        assertTrue(failure(garbled).getMessage().contains("PNG"), failure(garbled).getMessage());
    }

    @Test
    void pixelLimitIsCheckedFromTheHeader(@TempDir Path tmp) throws IOException {
        Decoders small = Decoders.standard().withMaxPixels(23 * 17 - 1);
        for (String name : List.of("baseline.jpg", "rgb.png", "rgb.ppm", "lossless.webp", "rgb.tif")) {
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> small.decode(DIR.resolve(name)));
            assertTrue(e.getMessage().contains("23x17") && e.getMessage().contains("limit"), e.getMessage());
        }
        try (Image ok = Decoders.standard().withMaxPixels(23 * 17).decode(DIR.resolve("rgb.png"))) {
            assertEquals(23, ok.width());
        }
        assertEquals(178_956_970L, Decoders.standard().maxPixels());
        // a PNG header declaring 100000 x 100000 pixels with no data: refused before any allocation
        byte[] png = Files.readAllBytes(DIR.resolve("rgb.png"));
        byte[] header = Arrays.copyOf(png, 33);
        java.nio.ByteBuffer.wrap(header).putInt(16, 100_000).putInt(20, 100_000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(header, 12, 17);
        java.nio.ByteBuffer.wrap(header).putInt(29, (int) crc.getValue());
        Path bomb = Files.write(tmp.resolve("bomb.png"), header);
        ImageDecodeException e = failure(bomb);
        assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("decompression bomb"),
                e.getMessage());
        Path pgm = Files.write(tmp.resolve("bomb.pgm"), "P5 50000 50000 255\n".getBytes());
        assertTrue(failure(pgm).getMessage().contains("50000x50000"));
    }
}
