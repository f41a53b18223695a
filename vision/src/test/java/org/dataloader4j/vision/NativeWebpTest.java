package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native WebP path (libwebp through java.lang.foreign): PIL's pixels and mode for lossy, lossless, alpha and
 * animated files (webp/, written by make_fixtures.py with PIL 9.4), PIL's refusals, the pixel limit before libwebp
 * allocates, damaged input that never crashes, and concurrent decodes. Skipped where libwebp is not installed; on a
 * system that has it, a native path that does not load is a failure.
 */
class NativeWebpTest {
    static final Path DIR = Fixtures.dir("webp");
    private static final Decoders NATIVE = Decoders.standard();

    @BeforeAll
    static void nativePathIsThereWhenTheSystemHasLibwebp() {
        boolean off = "false".equalsIgnoreCase(System.getProperty(NativeWebp.PROPERTY));
        if (systemHas("libwebp.so.7") && systemHas("libwebpdemux.so.2") && !off) {
            assertTrue(NativeWebp.available(), "libwebp is installed but the native path does not load: "
                    + NativeWebp.status());
        }
        System.out.println("native WebP: " + NativeWebp.status());
        Assumptions.assumeTrue(NativeWebp.available(), "native WebP path not available: " + NativeWebp.status());
    }

    private static boolean systemHas(String library) {
        return Stream.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib").anyMatch(d -> Files.exists(Path.of(d, library)));
    }

    static Stream<String> accepted() {
        return Fixtures.lines(DIR.resolve("cases.txt")).stream().filter(l -> l.split(" ")[1].equals("accept"));
    }

    static Stream<String> refused() {
        return Fixtures.lines(DIR.resolve("cases.txt")).stream().filter(l -> l.split(" ")[1].equals("refuse"));
    }

    @Test
    void describeSaysLibwebpDecodesWebp() {
        if (systemHas("libwebpdemux.so.2") && !"still".equalsIgnoreCase(System.getProperty(NativeWebp.PROPERTY))) {
            assertTrue(NativeWebp.animationAvailable(), NativeWebp.status());
        }
        assertTrue(NATIVE.usesNativeWebp());
        assertFalse(NATIVE.withNativeWebp(false).usesNativeWebp());
        assertTrue(NATIVE.withNativeWebp(false).withNativeWebp(true).usesNativeWebp());
        assertTrue(Decoders.describe().contains("WebP: native libwebp "), Decoders.describe());
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void decodesToPilsPixelsAndMode(String line) throws IOException {
        String[] f = line.split(" ");
        Assumptions.assumeTrue(f[3].equals("1") || NativeWebp.animationAvailable(),
                "an animation, and libwebpdemux is not loaded: " + NativeWebp.status());
        Path file = DIR.resolve(f[0]);
        Fixtures.Npy expected = Fixtures.npy(DIR.resolve(f[4]));
        try (Image natural = NATIVE.decode(file); Image rgb = NATIVE.decode(file, Image.Mode.RGB);
             Image fromBytes = NATIVE.decode(Files.readAllBytes(file), f[0])) {
            assertEquals(f[2].equals("RGBA") ? Image.Mode.RGBA : Image.Mode.RGB, natural.mode(), f[0]);
            assertEquals(0, Fixtures.maxDiff(rgb, expected), f[0] + ": pixels differ from PIL's");
            assertArrayEquals(natural.toByteArray(), fromBytes.toByteArray(), f[0] + ": bytes and file differ");
            ImageHeader h = NATIVE.header(file);
            assertEquals(new ImageHeader("WEBP", ImageHeader.modeName(natural.channels()), natural.width(),
                    natural.height()), h, f[0]);
        }
    }

    /**
     * Without libwebpdemux still images take WebPDecodeRGB(A)Into instead of PIL's WebPAnimDecoder: the same
     * verdict (image or error) and the same pixels on every still fixture and on damaged copies of them.
     */
    @Test
    @Timeout(120)
    void stillImageRouteGivesWhatPilsRouteGives() throws IOException {
        Assumptions.assumeTrue(NativeWebp.animationAvailable(), "libwebpdemux is not loaded: " + NativeWebp.status());
        Random random = new Random(7);
        int compared = 0;
        for (String line : Fixtures.lines(DIR.resolve("cases.txt"))) {
            String[] f = line.split(" ");
            if (f.length > 3 && !f[3].equals("1")) {
                continue;   // animations: PIL's route only
            }
            byte[] original = Files.readAllBytes(DIR.resolve(f[0]));
            for (int round = 0; round < 25; round++) {
                byte[] bytes = original.clone();
                if (round > 0) {
                    for (int k = 0; k <= round % 3; k++) {
                        bytes[12 + random.nextInt(bytes.length - 12)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                String name = "route-" + round + "-" + f[0];
                String pil = outcome(() -> NativeWebp.decode(bytes, Origin.named(name), Long.MAX_VALUE, true));
                String still = outcome(() -> NativeWebp.decode(bytes, Origin.named(name), Long.MAX_VALUE, false));
                assertEquals(pil.startsWith("image"), still.startsWith("image"), name + ": " + pil + " / " + still);
                if (pil.startsWith("image")) {
                    assertEquals(pil, still, name);
                }
                compared++;
            }
        }
        System.out.println("WebP routes compared on " + compared + " files");
    }

    /** "image MODE WxH hash" or "error MESSAGE". */
    private static String outcome(java.util.function.Supplier<Image> decode) {
        try (Image img = decode.get()) {
            return "image " + img.mode() + " " + img.width() + "x" + img.height() + " "
                    + java.util.Arrays.hashCode(img.toByteArray());
        } catch (ImageDecodeException e) {
            return "error " + e.getMessage();
        }
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWhatPilRefusesNamingTheFile(String line) throws IOException {
        String file = line.split(" ")[0];
        Path path = DIR.resolve(file);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> NATIVE.decode(path));
        assertEquals(path, e.path());
        assertTrue(e.getMessage().contains("WEBP"), e.getMessage());
        ImageDecodeException b = assertThrows(ImageDecodeException.class,
                () -> NATIVE.decode(Files.readAllBytes(path), "shard.tar:" + file));
        assertEquals(e.getMessage().replace(path.toString(), "shard.tar:" + file), b.getMessage());
    }

    /** A VP8X header that declares a 16384 x 16384 animation and nothing else. */
    private static byte[] hugeCanvas() {
        ByteBuffer b = ByteBuffer.allocate(12 + 18 + 14).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(12 + 18 + 14 - 8).put("WEBP".getBytes());
        b.put("VP8X".getBytes()).putInt(10).put((byte) 0x02).put(new byte[3]);
        b.put(new byte[] {(byte) 0xFF, 0x3F, 0, (byte) 0xFF, 0x3F, 0});   // 16383 + 1 each way
        b.put("ANIM".getBytes()).putInt(6).putInt(0).putShort((short) 0);
        return b.array();
    }

    @Test
    void pixelLimitIsCheckedBeforeLibwebpAllocatesItsCanvas(@TempDir Path tmp) throws IOException {
        Path bomb = Files.write(tmp.resolve("bomb.webp"), hugeCanvas());
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(() -> NATIVE.decode(bomb),
                () -> NATIVE.header(bomb), () -> NATIVE.decode(Files.readAllBytes(bomb), "bomb"))) {
            ImageDecodeException e = assertThrows(ImageDecodeException.class, call);
            assertTrue(e.getMessage().contains("16384x16384") && e.getMessage().contains("decompression bomb"),
                    e.getMessage());
        }
        Path small = DIR.resolve("lossy_q90.webp");
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> NATIVE.withMaxPixels(37 * 29 - 1).decode(small));
        assertTrue(e.getMessage().contains("37x29") && e.getMessage().contains("limit"), e.getMessage());
        try (Image ok = NATIVE.withMaxPixels(37 * 29).decode(small)) {
            assertEquals(37, ok.width());
        }
    }

    /** lossy_q90.webp wrapped in an extended (VP8X) file with a 100 kB ICC profile chunk before the image data. */
    private static byte[] withLargeProfile() throws IOException {
        byte[] simple = Files.readAllBytes(DIR.resolve("lossy_q90.webp"));
        byte[] vp8 = java.util.Arrays.copyOfRange(simple, 12, simple.length);   // the "VP8 " chunk, header included
        int profile = 100_000;
        ByteBuffer b = ByteBuffer.allocate(12 + 18 + 8 + profile + vp8.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WEBP".getBytes());
        b.put("VP8X".getBytes()).putInt(10).put((byte) 0x20).put(new byte[3]);
        b.put(new byte[] {36, 0, 0, 28, 0, 0});   // canvas 37 x 29
        b.put("ICCP".getBytes()).putInt(profile).put(new byte[profile]);
        b.put(vp8);
        return b.array();
    }

    @Test
    void headerAndPixelsOfAFileWithLargeMetadataBeforeTheImage(@TempDir Path tmp) throws IOException {
        Path file = Files.write(tmp.resolve("profile.webp"), withLargeProfile());
        assertEquals(new ImageHeader("WEBP", "RGB", 37, 29), NATIVE.header(file));
        try (Image rgb = NATIVE.decode(file, Image.Mode.RGB)) {
            assertEquals(0, Fixtures.maxDiff(rgb, Fixtures.npy(DIR.resolve("lossy_q90_webp.npy"))));
        }
    }

    /** Flipped bytes and cut files (with the RIFF size fixed to the new length): an image or a clear error. */
    @Test
    @Timeout(120)
    void damagedFilesGiveAnImageOrAnErrorNamingTheFile() throws IOException {
        Random random = new Random(20261206);
        int refused = 0;
        int decoded = 0;
        for (String line : accepted().toList()) {
            byte[] original = Files.readAllBytes(DIR.resolve(line.split(" ")[0]));
            for (int round = 0; round < 30; round++) {
                byte[] bytes;
                if (round % 3 == 2) {
                    bytes = java.util.Arrays.copyOf(original, 12 + random.nextInt(original.length - 12));
                    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(4, bytes.length - 8);
                } else {
                    bytes = original.clone();
                    for (int k = 0; k <= round % 4; k++) {
                        bytes[12 + random.nextInt(bytes.length - 12)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                String name = "damaged-" + round + "-" + line.split(" ")[0];
                try (Image img = NATIVE.decode(bytes, name)) {
                    assertTrue(img.width() > 0 && img.height() > 0 && img.width() <= 1 << 14, name);
                    decoded++;
                } catch (ImageDecodeException e) {
                    assertTrue(e.getMessage().contains(name), e.getMessage());
                    refused++;
                }
            }
        }
        System.out.println("damaged WebP files: " + decoded + " decoded, " + refused + " refused");
        assertTrue(refused > 0 && decoded > 0, decoded + " decoded, " + refused + " refused");
    }

    @Test
    @Timeout(120)
    void concurrentDecodesGivePilsPixels() throws Exception {
        Path file = DIR.resolve("lossy_big.webp");
        Fixtures.Npy expected = Fixtures.npy(DIR.resolve("lossy_big_webp.npy"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> diffs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                diffs.add(pool.submit(() -> {
                    try (Image rgb = NATIVE.decode(file, Image.Mode.RGB)) {
                        return Fixtures.maxDiff(rgb, expected);
                    }
                }));
            }
            for (Future<Integer> d : diffs) {
                assertEquals(0, d.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
