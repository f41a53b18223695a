package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Decoders#decode(byte[], String)} gives what {@link Decoders#decode(Path)} gives for a file of the bytes. */
class DecodeBytesTest {
    private static final Path DIR = Fixtures.dir("decode");
    private static final String NAME = "shard-007.tar:sample.img";

    private static final Path PARITY = DIR.getParent();

    /**
     * Every image fixture under {@code parity/} (as paths relative to it): JPEG (baseline, progressive, CMYK, gray),
     * PNG (8 and 16 bit, gray, palette, alpha), BMP, TIFF, WebP, PGM/PPM; not those PIL refuses to open (see
     * {@link Fixtures#refusedImages()}), which have tests of their own.
     */
    static Stream<String> images() {
        try (Stream<Path> files = Files.walk(PARITY)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> PARITY.relativize(p).toString())
                    .filter(n -> !n.endsWith(".npy") && !n.endsWith(".txt") && !n.endsWith(".py"))
                    .filter(n -> !Fixtures.refusedImages().contains(n)).sorted().toList();
            assertTrue(names.size() >= 33, "fixtures: " + names);
            return names.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertSame(Image fromPath, Image fromBytes, String what) {
        assertEquals(fromPath.mode(), fromBytes.mode(), what);
        assertEquals(fromPath.width(), fromBytes.width(), what);
        assertEquals(fromPath.height(), fromBytes.height(), what);
        assertArrayEquals(fromPath.toByteArray(), fromBytes.toByteArray(), what);
    }

    @ParameterizedTest
    @MethodSource("images")
    void bytesDecodeLikeTheFile(String file) throws IOException {
        byte[] data = Files.readAllBytes(PARITY.resolve(file));
        for (Decoders d : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            String what = file + (d.usesNativeJpeg() ? " (native JPEG)" : " (Java)");
            try (Image p = d.decode(PARITY.resolve(file)); Image b = d.decode(data, file)) {
                assertSame(p, b, what);
            }
            try (Image p = d.decode(PARITY.resolve(file), Image.Mode.RGB);
                 Image b = d.decode(data, file, Image.Mode.RGB)) {
                assertSame(p, b, what + " as RGB");
            }
        }
        assertArrayEquals(Files.readAllBytes(PARITY.resolve(file)), data, "the bytes are not modified");
    }

    /** Decodes {@code data} from a file and from memory: both fail with the same message (the name aside). */
    private static ImageDecodeException sameFailure(Decoders d, byte[] data, Path tmp, String fileName)
            throws IOException {
        Path file = Files.write(tmp.resolve(fileName), data);
        ImageDecodeException fromFile = assertThrows(ImageDecodeException.class, () -> d.decode(file).close(),
                fileName);
        ImageDecodeException fromBytes = assertThrows(ImageDecodeException.class, () -> d.decode(data, NAME).close(),
                fileName);
        assertEquals(fromFile.getMessage().replace(file.toString(), NAME), fromBytes.getMessage(), fileName);
        assertTrue(fromBytes.getMessage().startsWith("cannot decode image " + NAME + ": "), fromBytes.getMessage());
        assertEquals(NAME, fromBytes.name());
        assertNull(fromBytes.path());
        assertEquals(file, fromFile.path());
        assertEquals(file.toString(), fromFile.name());
        return fromBytes;
    }

    @Test
    void truncatedBytesFailLikeTheFileNamingTheName(@TempDir Path tmp) throws IOException {
        List<String> checked = new ArrayList<>();
        for (String file : List.of("baseline.jpg", "progressive.jpg", "cmyk.jpg", "rgb.png", "rgb16.png", "rgb.bmp",
                "rgb.tif", "rgb.ppm", "gray.pgm", "lossless.webp", "lossy.webp")) {
            byte[] all = bytes(file);
            for (Decoders d : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
                for (int length : new int[] {all.length * 2 / 3, 40, 3}) {
                    String cut = "cut" + length + "-" + file;
                    ImageDecodeException e = sameFailure(d, Arrays.copyOf(all, length), tmp, cut);
                    checked.add(cut + ": " + e.getMessage());
                }
            }
        }
        String webp = sameFailure(Decoders.standard(), Arrays.copyOf(bytes("lossless.webp"),
                bytes("lossless.webp").length - 1), tmp, "short.webp").getMessage();
        assertTrue(webp.contains("truncated WEBP"), webp);
        assertFalse(checked.isEmpty());
    }

    @Test
    void emptyNonImageAndCorruptBytesFailNamingTheName(@TempDir Path tmp) throws IOException {
        Decoders d = Decoders.standard();
        assertTrue(sameFailure(d, new byte[0], tmp, "empty.png").getMessage().contains("empty"));
        String text = sameFailure(d, "hello, this is not an image".getBytes(StandardCharsets.US_ASCII), tmp,
                "notes.jpg").getMessage();
        assertTrue(text.contains("not an image"), text);
        String p4 = sameFailure(d, "P4 2 2\n\0\0".getBytes(StandardCharsets.US_ASCII), tmp, "bits.pbm").getMessage();
        assertTrue(p4.contains("P4"), p4);
        byte[] png = bytes("rgb.png");
        for (int i = 40; i < png.length - 20; i++) {
            png[i] ^= 0x5A;
        }
        String garbled = sameFailure(d, png, tmp, "garbled.png").getMessage();
        assertTrue(garbled.contains("PNG"), garbled);
        byte[] jpeg = bytes("baseline.jpg");
        for (int i = jpeg.length / 2; i < jpeg.length - 2; i++) {
            jpeg[i] = (byte) 0xFF;
        }
        for (Decoders dd : List.of(d, d.withNativeJpeg(false))) {
            sameFailure(dd, jpeg, tmp, "garbled.jpg");
        }
    }

    @Test
    void pixelLimitAppliesToBytes(@TempDir Path tmp) throws IOException {
        for (String file : List.of("baseline.jpg", "cmyk.jpg", "rgb.png", "rgb.bmp", "rgb.tif", "rgb.ppm",
                "gray.pgm", "lossless.webp")) {
            int pixels;
            try (Image img = Decoders.standard().decode(DIR.resolve(file))) {
                pixels = img.width() * img.height();
            }
            byte[] data = bytes(file);
            for (Decoders d : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
                String m = sameFailure(d.withMaxPixels(pixels - 1), data, tmp, "big-" + file).getMessage();
                assertTrue(m.contains("exceeds the limit of " + (pixels - 1) + " pixels"), m);
                try (Image ok = d.withMaxPixels(pixels).decode(data, file)) {
                    assertEquals(pixels, ok.width() * ok.height(), file);
                }
            }
        }
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> Decoders.standard().decode((byte[]) null, NAME));
        assertThrows(NullPointerException.class,
                () -> Decoders.standard().decode(bytes("rgb.png"), NAME, (Image.Mode) null));
    }
}
