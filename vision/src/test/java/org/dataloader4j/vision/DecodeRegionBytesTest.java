package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Decoders#decodeRegion(byte[], String, RegionChooser)} gives what
 * {@link Decoders#decodeRegion(Path, RegionChooser)} gives for a file of the same bytes: the same pixels, the same
 * call of the chooser, the same errors with the name in place of the path.
 */
class DecodeRegionBytesTest {
    private static final Path PARITY = Fixtures.dir("decode").getParent();
    private static final String NAME = "shard-007.tar:sample.jpg";

    static java.util.stream.Stream<String> images() {
        return DecodeBytesTest.images();
    }

    /** Regions of a {@code w × h} image: a corner, the middle, an odd sliver, the whole image, and null. */
    private static List<Region> regions(int w, int h) {
        List<Region> out = new ArrayList<>();
        out.add(new Region(0, 0, Math.max(1, h / 3), Math.max(1, w / 3)));
        out.add(new Region(h / 4, w / 4, Math.max(1, h / 2), Math.max(1, w / 2)));
        out.add(new Region(h - 1, Math.max(0, w - 7), 1, Math.min(w, 7)));
        out.add(new Region(0, 0, h, w));
        out.add(null);
        return out;
    }

    @ParameterizedTest
    @MethodSource("images")
    void regionFromBytesHasThePixelsOfTheRegionFromTheFile(String file) throws IOException {
        Path path = PARITY.resolve(file);
        byte[] data = Files.readAllBytes(path);
        for (Decoders d : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            int w;
            int h;
            try (Image whole = d.decode(path)) {
                w = whole.width();
                h = whole.height();
            }
            for (Region r : regions(w, h)) {
                String what = file + " region " + r + (d.usesNativeJpeg() ? " (native JPEG)" : " (Java)");
                List<String> fileCalls = new ArrayList<>();
                List<String> bytesCalls = new ArrayList<>();
                try (Image fromFile = d.decodeRegion(path, (cw, ch) -> {
                        fileCalls.add(cw + "x" + ch);
                        return r;
                    });
                     Image fromBytes = d.decodeRegion(data, NAME, (cw, ch) -> {
                        bytesCalls.add(cw + "x" + ch);
                        return r;
                    })) {
                    assertEquals(fromFile.mode(), fromBytes.mode(), what);
                    assertEquals(fromFile.width(), fromBytes.width(), what);
                    assertEquals(fromFile.height(), fromBytes.height(), what);
                    assertArrayEquals(fromFile.toByteArray(), fromBytes.toByteArray(), what);
                }
                assertEquals(List.of(w + "x" + h), bytesCalls, what + ": the chooser is called once, with the size");
                assertEquals(fileCalls, bytesCalls, what);
            }
        }
        assertArrayEquals(Files.readAllBytes(path), data, "the bytes are not modified");
    }

    @Test
    void regionOutsideTheImageFailsLikeTheFileNamingTheName(@TempDir Path tmp) throws IOException {
        Path file = Fixtures.photo(tmp, "photo.jpg", 64, 48, false, 7);
        byte[] data = Files.readAllBytes(file);
        for (Decoders d : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            RegionChooser outside = (w, h) -> new Region(40, 10, 20, 30);
            ImageDecodeException fromFile = assertThrows(ImageDecodeException.class,
                    () -> d.decodeRegion(file, outside).close());
            ImageDecodeException fromBytes = assertThrows(ImageDecodeException.class,
                    () -> d.decodeRegion(data, NAME, outside).close());
            assertEquals(fromFile.getMessage().replace(file.toString(), NAME), fromBytes.getMessage());
            assertTrue(fromBytes.getMessage().contains("region 30x20 at (10, 40) is outside the 64x48 image"),
                    fromBytes.getMessage());
            assertEquals(NAME, fromBytes.name());
            assertNull(fromBytes.path());
        }
    }

    @Test
    void truncatedJpegBytesFailNamingTheNameWhateverTheRegion(@TempDir Path tmp) throws IOException {
        Path file = Fixtures.photo(tmp, "photo.jpg", 96, 80, false, 3);
        byte[] whole = Files.readAllBytes(file);
        byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
        for (Decoders d : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            // the region lies in the top rows, whose data is intact: the verdict is still that of the whole decode
            ImageDecodeException e = assertThrows(ImageDecodeException.class,
                    () -> d.decodeRegion(cut, NAME, (w, h) -> new Region(0, 0, 8, 8)).close());
            assertEquals(NAME, e.name());
            assertTrue(e.getMessage().startsWith("cannot decode image " + NAME + ": "), e.getMessage());
            ImageDecodeException wholeDecode = assertThrows(ImageDecodeException.class,
                    () -> d.decode(cut, NAME).close());
            assertEquals(wholeDecode.getMessage(), e.getMessage());
        }
    }

    @Test
    void garbageAndEmptyBytesFailBeforeTheChooserIsCalled() {
        List<String> calls = new ArrayList<>();
        RegionChooser chooser = (w, h) -> {
            calls.add(w + "x" + h);
            return null;
        };
        for (Decoders d : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            ImageDecodeException empty = assertThrows(ImageDecodeException.class,
                    () -> d.decodeRegion(new byte[0], NAME, chooser).close());
            assertTrue(empty.getMessage().contains("the file is empty"), empty.getMessage());
            ImageDecodeException garbage = assertThrows(ImageDecodeException.class,
                    () -> d.decodeRegion("not an image at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                            NAME, chooser).close());
            assertEquals(NAME, garbage.name());
        }
        assertEquals(List.of(), calls);
        assertThrows(NullPointerException.class, () -> Decoders.standard().decodeRegion((byte[]) null, NAME,
                (w, h) -> null));
        assertThrows(NullPointerException.class, () -> Decoders.standard().decodeRegion(new byte[1], NAME, null));
    }
}
