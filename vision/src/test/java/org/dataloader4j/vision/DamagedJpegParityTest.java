package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Damaged JPEGs load or fail as PIL 9.4 (torchvision's loader) loads them, with PIL's pixels bit for bit, on the
 * native and the pure-Java paths, from a file or from memory, whole or by region; {@link Decoders#withStrictJpeg}
 * refuses the ones libjpeg repairs. The verdicts and pixels are those make_damaged_jpegs.py recorded from PIL.
 */
class DamagedJpegParityTest {
    private static final Decoders NATIVE = Decoders.standard();
    private static final Decoders JAVA = Decoders.standard().withNativeJpeg(false);
    private static final List<DamagedJpegCases.Case> CASES = DamagedJpegCases.all();

    private static void assumeNative() {
        Assumptions.assumeTrue(NativeJpeg.available(), "native JPEG path not built: " + NativeJpeg.status());
    }

    /** Checks one decode against PIL's verdict for the case, naming {@code how} it was decoded on failure. */
    private static void assertLikePil(DamagedJpegCases.Case c, String how, ThrowingDecode decode) {
        if (c.accepted()) {
            try (Image rgb = decode.run()) {
                assertEquals(c.width() + "x" + c.height(), rgb.width() + "x" + rgb.height(), how + ": " + c);
                assertEquals(c.rgbSha256(), DamagedJpegCases.sha256(rgb.toByteArray()),
                        how + ": pixels differ from PIL's for " + c);
            } catch (ImageDecodeException e) {
                fail(how + " refused " + c + ": " + e.getMessage(), e);
            }
        } else {
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decode.run().close(),
                    how + " accepted " + c);
            assertTrue(e.getMessage().contains(c.file().getFileName().toString()), e.getMessage());
        }
    }

    @FunctionalInterface
    private interface ThrowingDecode {
        Image run();
    }

    @Test
    void nativeDecodeAcceptsWhatPilAcceptsWithItsPixelsAndRefusesTheRest() throws IOException {
        assumeNative();
        int accepted = 0;
        for (DamagedJpegCases.Case c : CASES) {
            assertLikePil(c, "native decode", () -> NATIVE.decode(c.file(), Image.Mode.RGB));
            byte[] bytes = Files.readAllBytes(c.file());
            assertLikePil(c, "native decode from memory", () -> NATIVE.decode(bytes, c.file().toString(),
                    Image.Mode.RGB));
            if (c.accepted()) {
                accepted++;
                try (Image img = NATIVE.decode(c.file())) {
                    assertEquals(c.mode(), img.mode().name(), c.toString());
                }
            }
        }
        assertTrue(accepted >= 40 && CASES.size() - accepted >= 40, "the fixtures cover both verdicts");
    }

    @Test
    void theEarlyEndOfDataWithAnEndMarkerLoadsWithLibjpegsFill() {
        assumeNative();
        for (String name : List.of("base", "prog", "gray", "q444")) {
            DamagedJpegCases.Case c = CASES.stream()
                    .filter(k -> k.file().getFileName().toString().equals(name + "_eoi_after_10_percent.jpg"))
                    .findFirst().orElseThrow();
            assertTrue(c.accepted(), c.toString());
            try (Image damaged = NATIVE.decode(c.file(), Image.Mode.RGB);
                 Image intact = NATIVE.decode(DamagedJpegCases.dir().resolve(name + ".jpg"), Image.Mode.RGB)) {
                // the first rows survive; the rest differs from the intact image (filled by libjpeg)
                byte[] a = damaged.toByteArray();
                byte[] b = intact.toByteArray();
                assertEquals(a.length, b.length);
                assertTrue(!java.util.Arrays.equals(a, b), c.toString());
            }
        }
    }

    /**
     * The pure-Java path (the JDK's libjpeg 6b behind ImageIO) gives PIL's verdict and pixels except where it cannot
     * reproduce libjpeg-turbo's repair, all listed here: a progressive file with missing data (smoothed
     * differently; refused with a message saying so), data that runs out while the markers after the last row
     * are read (the reader cannot tell where; refused as truncated), and one corrupt Huffman code that libjpeg 6b
     * decodes differently without a warning (the pixels differ).
     */
    @Test
    void javaPathGivesPilsVerdictAndPixelsExceptWhereItsLibjpegCannot() throws IOException {
        List<String> expected = new ArrayList<>();
        for (String name : List.of("prog_eoi_after_10_percent", "prog_eoi_after_90_percent", "prog_eoi_at_third",
                "prog_rst3_at_third", "prog_flip_3", "prog_flip_4", "prog_flip_5")) {
            expected.add(name + ".jpg refused: damaged progressive JPEG data");
        }
        for (String name : List.of("base", "gray", "q444")) {
            expected.add(name + "_app1_at_third.jpg refused: truncated or corrupt JPEG data");
        }
        expected.add("gray_flip_1.jpg: other pixels");
        List<String> deviations = new ArrayList<>();
        for (DamagedJpegCases.Case c : CASES) {
            String name = c.file().getFileName().toString();
            byte[] bytes = Files.readAllBytes(c.file());
            String fromFile = javaOutcome(c, () -> JAVA.decode(c.file(), Image.Mode.RGB));
            String fromMemory = javaOutcome(c, () -> JAVA.decode(bytes, c.file().toString(), Image.Mode.RGB));
            assertEquals(fromFile, fromMemory, c + ": file and memory differ on the Java path");
            if (!fromFile.equals("as PIL")) {
                deviations.add(name + fromFile);
            }
        }
        assertEquals(expected.stream().sorted().toList(), deviations.stream().sorted().toList());
    }

    /** "as PIL", ": other pixels", " accepted" or " refused: " + the start of the message. */
    private static String javaOutcome(DamagedJpegCases.Case c, ThrowingDecode decode) {
        try (Image rgb = decode.run()) {
            if (!c.accepted()) {
                return " accepted";
            }
            return DamagedJpegCases.sha256(rgb.toByteArray()).equals(c.rgbSha256()) ? "as PIL" : ": other pixels";
        } catch (ImageDecodeException e) {
            assertTrue(e.getMessage().contains(c.file().toString()), e.getMessage());
            if (!c.accepted()) {
                return "as PIL";
            }
            String m = e.getMessage().substring(e.getMessage().indexOf(".jpg: ") + 6);
            return " refused: " + m.substring(0, m.indexOf(" data") + 5);
        }
    }

    @Test
    void strictJpegRefusesWhatLibjpegRepairsAndKeepsIntactFiles() {
        for (Decoders strict : decoders(true)) {
            for (DamagedJpegCases.Case c : CASES) {
                String name = c.file().getFileName().toString();
                boolean intact = name.matches("[a-z0-9]+\\.jpg") || name.endsWith("_trailing_bytes.jpg");
                if (intact) {
                    assertLikePil(c, "strict decode", () -> strict.decode(c.file(), Image.Mode.RGB));
                } else if (c.accepted() && name.contains("_eoi_after_")) {
                    ImageDecodeException e = assertThrows(ImageDecodeException.class,
                            () -> strict.decode(c.file()).close(), c.toString());
                    assertTrue(e.getMessage().contains(c.file().toString())
                            && e.getMessage().contains("premature end of data segment")
                            && e.getMessage().contains("withStrictJpeg"), e.getMessage());
                } else if (!c.accepted()) {
                    assertThrows(ImageDecodeException.class, () -> strict.decode(c.file()).close(), c.toString());
                }
            }
        }
    }

    private static List<Decoders> decoders(boolean strict) {
        List<Decoders> out = new ArrayList<>(List.of(JAVA.withStrictJpeg(strict)));
        if (NativeJpeg.available()) {
            out.add(NATIVE.withStrictJpeg(strict));
        }
        return out;
    }

    /** The intact JPEG the damaged file of {@code c} was made from ("base_cut_at_30_percent.jpg": "base.jpg"). */
    static DamagedJpegCases.Case intactOriginal(DamagedJpegCases.Case c) {
        String name = c.file().getFileName().toString();
        String original = name.replaceFirst("[_.].*", "") + ".jpg";
        return CASES.stream().filter(k -> k.file().getFileName().toString().equals(original)).findFirst()
                .orElseThrow();
    }


    @Test
    void aRegionDecodeGivesTheWholeFilesVerdictWhateverTheRegion() {
        assumeNative();
        Random rnd = new Random(11);
        for (boolean strict : new boolean[] {false, true}) {
            Decoders d = NATIVE.withStrictJpeg(strict);
            for (DamagedJpegCases.Case c : CASES) {
                Image full;
                try {
                    full = d.decode(c.file());
                } catch (ImageDecodeException e) {
                    full = null;
                }
                DamagedJpegCases.Case original = intactOriginal(c);   // the size of a refused file
                int w = original.width();
                int h = original.height();
                for (int i = 0; i < 30; i++) {
                    int rw = 1 + rnd.nextInt(i < 10 ? Math.max(1, w / 4) : w);
                    int rh = 1 + rnd.nextInt(i < 10 ? Math.max(1, h / 4) : h);
                    int left = rnd.nextInt(w - rw + 1);
                    int top = i % 3 == 0 ? 0 : rnd.nextInt(h - rh + 1);   // often the top rows: all else is below
                    String at = c + (strict ? " strict" : "") + " region " + rw + "x" + rh + " at (" + left + ", "
                            + top + ")";
                    if (full != null) {
                        try (Image region = d.decodeRegion(c.file(), top, left, rh, rw)) {
                            assertArrayEquals(Fixtures.crop(full, top, left, rh, rw), region.toByteArray(), at);
                        } catch (ImageDecodeException e) {
                            fail(at + ": the whole file decodes, the region fails: " + e.getMessage(), e);
                        }
                    } else {
                        assertThrows(ImageDecodeException.class,
                                () -> d.decodeRegion(c.file(), top, left, rh, rw).close(),
                                at + ": the whole file fails, the region decodes");
                    }
                }
                if (full != null) {
                    full.close();
                }
            }
        }
    }
}
