package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native libjpeg-turbo path: PIL's pixels, region decodes equal to cropping the full decode, errors that name
 * the file for corrupt, truncated and garbage input (never a crash), the pixel limit from the header. Skipped where
 * the library was not built (no gcc or libjpeg headers); a library that was built but fails to load is a failure.
 */
class NativeJpegTest {
    private static final Path DIR = Fixtures.dir("decode");
    private static final Decoders NATIVE = Decoders.standard();
    private static final Decoders JAVA = Decoders.standard().withNativeJpeg(false);

    @BeforeAll
    static void nativePathIsThereWhenItWasBuilt() {
        boolean built = NativeJpeg.class.getClassLoader().getResource("native") != null;
        if (built) {
            assertTrue(NativeJpeg.available(), "the native library was built but does not load: " + NativeJpeg.status());
        }
        System.out.println("native JPEG: " + NativeJpeg.status());
        Assumptions.assumeTrue(NativeJpeg.available(), "native JPEG path not built: " + NativeJpeg.status());
    }

    @Test
    void describeSaysTheNativePathIsInUse() {
        assertTrue(NATIVE.usesNativeJpeg());
        assertFalse(JAVA.usesNativeJpeg());
        assertTrue(Decoders.describe().contains("native libjpeg-turbo path: in use"), Decoders.describe());
        assertTrue(Decoders.describe().matches(".*native pixel kernels: in use for RGB resampling and ToTensor/Normalize"
                + " \\((AVX-512 with VBMI and VNNI|AVX-512|AVX2|scalar C)\\).*"), Decoders.describe());
    }

    @Test
    void sameBytesAsPilForBaselineProgressiveAndGray() {
        for (String name : List.of("baseline.jpg", "progressive.jpg", "q75_444.jpg", "gray.jpg", "cmyk.jpg")) {
            Path file = DIR.resolve(name);
            Fixtures.Npy expected = Fixtures.npy(DIR.resolve(name.replace('.', '_') + ".npy"));
            try (Image img = NATIVE.decode(file); Image rgb = NATIVE.decode(file, Image.Mode.RGB);
                 Image java = JAVA.decode(file)) {
                assertEquals(name.startsWith("gray") ? Image.Mode.L : Image.Mode.RGB, img.mode(), name);
                assertEquals(0, Fixtures.maxDiff(rgb, expected), name);
                assertArrayEquals(java.toByteArray(), img.toByteArray(), name + ": native and Java paths differ");
            }
        }
    }


    @Test
    void regionDecodeEqualsCroppingTheFullDecode(@TempDir Path tmp) throws IOException {
        Random rnd = new Random(5);
        for (Path file : List.of(Fixtures.photo(tmp, "colour.jpg", 203, 157, false, 1), Fixtures.photo(tmp, "gray.jpg", 120, 90, true, 2))) {
            try (Image full = NATIVE.decode(file); Image java = JAVA.decode(file)) {
                assertArrayEquals(java.toByteArray(), full.toByteArray(), file + ": native and Java full decodes");
                for (int i = 0; i < 60; i++) {
                    int w = 1 + rnd.nextInt(full.width());
                    int h = 1 + rnd.nextInt(full.height());
                    int left = rnd.nextInt(full.width() - w + 1);
                    int top = rnd.nextInt(full.height() - h + 1);
                    try (Image region = NATIVE.decodeRegion(file, top, left, h, w);
                         Image viaJava = JAVA.decodeRegion(file, top, left, h, w)) {
                        String at = file.getFileName() + " region " + w + "x" + h + " at (" + left + ", " + top + ")";
                        assertEquals(full.mode(), region.mode(), at);
                        assertArrayEquals(Fixtures.crop(full, top, left, h, w), region.toByteArray(), at);
                        assertArrayEquals(region.toByteArray(), viaJava.toByteArray(), at);
                    }
                }
                ImageDecodeException e = assertThrows(ImageDecodeException.class,
                        () -> NATIVE.decodeRegion(file, 10, 10, full.height(), 5));
                assertTrue(e.getMessage().contains("outside") && e.getMessage().contains(file.toString()),
                        e.getMessage());
            }
        }
    }

    @Test
    void truncatedFilesFailNamingThePath(@TempDir Path tmp) throws IOException {
        for (String name : List.of("baseline.jpg", "progressive.jpg", "gray.jpg")) {
            byte[] all = Files.readAllBytes(DIR.resolve(name));
            for (int keep : new int[] {3, 20, all.length / 3, all.length * 2 / 3, all.length - 2}) {
                Path cut = Files.write(tmp.resolve(keep + "-" + name), Arrays.copyOf(all, keep));
                ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> NATIVE.decode(cut),
                        name + " cut at " + keep);
                assertEquals(cut, e.path());
                assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("JPEG"), e.getMessage());
            }
        }
    }

    @Test
    void aTruncatedFileFailsEvenWhenTheRegionAskedForLiesInItsIntactRows(@TempDir Path tmp) throws IOException {
        Path photo = Fixtures.photo(tmp, "photo.jpg", 200, 160, false, 5);
        byte[] all = Files.readAllBytes(photo);
        Path cut = Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(all, all.length * 2 / 3));
        // the top rows are intact; only the rows below them are missing
        try (Image top = NATIVE.decodeRegion(photo, 0, 0, 16, 200)) {
            assertEquals(16, top.height());
        }
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> NATIVE.decodeRegion(cut, 0, 0, 16, 200));
        assertEquals(cut, e.path());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // a file with bytes after its end marker still decodes only the region, and gives the same pixels
        byte[] trailing = Arrays.copyOf(all, all.length + 7);
        Path padded = Files.write(tmp.resolve("trailing.jpg"), trailing);
        try (Image a = NATIVE.decodeRegion(photo, 40, 30, 50, 60); Image b = NATIVE.decodeRegion(padded, 40, 30, 50, 60)) {
            assertArrayEquals(a.toByteArray(), b.toByteArray());
        }
    }

    @Test
    void garbageAfterTheMarkerFailsCleanly(@TempDir Path tmp) throws IOException {
        Random rnd = new Random(3);
        byte[] noise = new byte[5000];
        rnd.nextBytes(noise);
        noise[0] = (byte) 0xFF;
        noise[1] = (byte) 0xD8;
        noise[2] = (byte) 0xFF;
        Path garbage = Files.write(tmp.resolve("garbage.jpg"), noise);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> NATIVE.decode(garbage));
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
        // a real header followed by noise instead of entropy-coded data
        byte[] all = Files.readAllBytes(DIR.resolve("baseline.jpg"));
        int sos = sosEnd(all);
        byte[] scrambled = all.clone();
        for (int i = sos; i < scrambled.length - 2; i++) {
            scrambled[i] = (byte) rnd.nextInt(256);
        }
        Path bad = Files.write(tmp.resolve("scrambled.jpg"), scrambled);
        try (Image img = NATIVE.decode(bad)) {
            assertEquals(23, img.width());   // libjpeg decodes noise as data (PIL does too) ...
        } catch (ImageDecodeException ex) {
            assertTrue(ex.getMessage().contains(bad.toString()), ex.getMessage());   // ... or notices the damage
        }
    }

    /** Offset just after the start-of-scan segment. */
    private static int sosEnd(byte[] jpg) {
        int i = 2;
        while (i + 4 < jpg.length) {
            int marker = jpg[i + 1] & 0xFF;
            int len = (jpg[i + 2] & 0xFF) << 8 | (jpg[i + 3] & 0xFF);
            if (marker == 0xDA) {
                return i + 2 + len;
            }
            i += 2 + len;
        }
        throw new AssertionError("no SOS");
    }

    @Test
    void randomDamageNeverCrashes(@TempDir Path tmp) throws IOException {
        Random rnd = new Random(11);
        int failed = 0;
        for (String name : List.of("baseline.jpg", "progressive.jpg", "gray.jpg")) {
            byte[] all = Files.readAllBytes(DIR.resolve(name));
            for (int i = 0; i < 150; i++) {
                byte[] bad = all.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    bad[2 + rnd.nextInt(bad.length - 2)] = (byte) rnd.nextInt(256);
                }
                if (rnd.nextBoolean()) {
                    bad = Arrays.copyOf(bad, 3 + rnd.nextInt(bad.length - 3));
                }
                Path file = Files.write(tmp.resolve(i + name), bad);
                try (Image img = NATIVE.decode(file)) {
                    assertTrue(img.width() > 0 && img.height() > 0);
                } catch (ImageDecodeException e) {
                    assertEquals(file, e.path());
                    failed++;
                }
            }
        }
        assertTrue(failed > 0, "some damaged files must be refused");
    }

    @Test
    void pixelLimitComesFromTheNativeHeader(@TempDir Path tmp) throws IOException {
        Decoders small = NATIVE.withMaxPixels(23 * 17 - 1);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> small.decode(DIR.resolve("baseline.jpg")));
        assertTrue(e.getMessage().contains("23x17") && e.getMessage().contains("limit"), e.getMessage());
        // a header claiming 60000 x 60000 pixels (3.6 gigapixels) with almost no data: refused before allocating
        byte[] all = Files.readAllBytes(DIR.resolve("baseline.jpg"));
        int i = 2;
        while ((all[i + 1] & 0xFF) != 0xC0) {
            i += 2 + ((all[i + 2] & 0xFF) << 8 | (all[i + 3] & 0xFF));
        }
        all[i + 5] = (byte) 0xEA;
        all[i + 6] = (byte) 0x60;
        all[i + 7] = (byte) 0xEA;
        all[i + 8] = (byte) 0x60;
        Path bomb = Files.write(tmp.resolve("bomb.jpg"), Arrays.copyOf(all, sosEnd(all) + 10));
        ImageDecodeException b = assertThrows(ImageDecodeException.class, () -> NATIVE.decode(bomb));
        assertTrue(b.getMessage().contains("60000x60000") && b.getMessage().contains("decompression bomb"),
                b.getMessage());
    }
}
