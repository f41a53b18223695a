package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PNGs with one wrong chunk CRC (pngcrc/, written by make_fixtures.py with PIL's verdict on each): refused where PIL
 * refuses (any chunk before the image data), decoded to PIL's pixels where PIL decodes (IDAT and after).
 */
class PngChunkCheckTest {
    private static final Path DIR = Fixtures.dir("pngcrc");

    static Stream<String> refused() {
        return Fixtures.lines(DIR.resolve("cases.txt")).stream().filter(l -> l.split(" ")[1].equals("refuse"));
    }

    static Stream<String> accepted() {
        return Fixtures.lines(DIR.resolve("cases.txt")).stream().filter(l -> l.split(" ")[1].equals("accept"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void badCrcBeforeImageDataIsRefusedNamingChunkAndCrcs(String line) throws IOException {
        String[] f = line.split(" ");
        Path file = DIR.resolve(f[0]);
        String[] expected = {file.toString(), "broken PNG file", "CRC of the " + f[2] + " chunk",
                "expected " + f[3], "found " + f[4]};
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> Decoders.standard().decode(file));
        assertEquals(file, e.path());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "missing '" + part + "' in: " + e.getMessage());
        }
        byte[] bytes = Files.readAllBytes(file);
        ImageDecodeException fromBytes = assertThrows(ImageDecodeException.class,
                () -> Decoders.standard().decode(bytes, "shard.tar:" + f[0]));
        assertEquals(e.getMessage().replace(file.toString(), "shard.tar:" + f[0]), fromBytes.getMessage());
        ImageDecodeException header = assertThrows(ImageDecodeException.class,
                () -> Decoders.standard().header(file));
        assertEquals(e.getMessage(), header.getMessage());
        assertThrows(ImageDecodeException.class, () -> Decoders.standard().decodeRegion(file, 0, 0, 2, 2));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void badCrcFromImageDataOnIsDecodedToPilsPixels(String line) {
        String[] f = line.split(" ");
        try (Image rgb = Decoders.decodeRGB(DIR.resolve(f[0]))) {
            assertEquals(0, Fixtures.maxDiff(rgb, Fixtures.npy(DIR.resolve(f[2]))), f[0]);
        }
    }

    @ParameterizedTest
    @MethodSource("refused")
    void theSameFileWithItsCrcRepairedDecodes(String line) throws IOException {
        String[] f = line.split(" ");
        byte[] bytes = Files.readAllBytes(DIR.resolve(f[0]));
        int found = (int) Long.parseLong(f[4].substring(2), 16);
        int at = indexOf(bytes, found);
        java.nio.ByteBuffer.wrap(bytes).putInt(at, (int) Long.parseLong(f[3].substring(2), 16));
        try (Image img = Decoders.standard().decode(bytes, f[0])) {
            assertEquals(11, img.width());
            assertEquals(7, img.height());
        }
    }

    private static int indexOf(byte[] bytes, int value) {
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (java.nio.ByteBuffer.wrap(bytes).getInt(i) == value) {
                return i;
            }
        }
        throw new AssertionError("CRC " + Integer.toHexString(value) + " not in the file");
    }
}
