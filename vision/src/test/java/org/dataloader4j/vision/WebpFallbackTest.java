package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure-Java WebP path ({@code withNativeWebp(false)}, also what runs where libwebp is missing), on the fixtures
 * of {@link NativeWebpTest}: lossless files give PIL's pixels, lossy ones are close on average, and what it would
 * get wrong (an animation's first frame that does not cover the canvas, a VP8 frame PIL refuses) is refused.
 */
class WebpFallbackTest {
    private static final Path DIR = NativeWebpTest.DIR;
    private static final Decoders JAVA = Decoders.standard().withNativeWebp(false);

    @Test
    void theSwitchTurnsTheNativePathOff() {
        assertFalse(JAVA.usesNativeWebp());
    }

    @Test
    void losslessFilesGivePilsPixels() {
        for (String name : List.of("lossless.webp", "lossless_alpha.webp", "lossless_scrambled.webp")) {
            Path file = DIR.resolve(name);
            try (Image rgb = JAVA.decode(file, Image.Mode.RGB)) {
                assertEquals(0, Fixtures.maxDiff(rgb, Fixtures.npy(DIR.resolve(name.replace('.', '_') + ".npy"))),
                        name);
            }
        }
    }

    /** TwelveMonkeys' VP8 decoder reconstructs differently from libwebp: close on average, not equal. */
    @Test
    void lossyFilesAreCloseToPilOnAverage() {
        for (String name : List.of("lossy_q90.webp", "lossy_q20.webp", "lossy_big.webp", "lossy_alpha.webp",
                "gray_lossy.webp", "animated.webp")) {
            try (Image rgb = JAVA.decode(DIR.resolve(name), Image.Mode.RGB)) {
                Fixtures.Npy expected = Fixtures.npy(DIR.resolve(name.replace('.', '_') + ".npy"));
                assertArrayEquals(expected.shape(), new int[] {rgb.height(), rgb.width(), 3}, name);
                byte[] got = rgb.toByteArray();
                double sum = 0;
                for (int i = 0; i < got.length; i++) {
                    sum += Math.abs((got[i] & 0xFF) - expected.values()[i]);
                }
                double mean = sum / got.length;
                System.out.printf("pure-Java %s: mean abs difference to PIL %.2f%n", name, mean);
                assertTrue(mean < 8, name + ": mean difference " + mean);
            }
        }
    }

    @Test
    void animationWhoseFirstFrameDoesNotCoverTheCanvasIsRefusedSayingHowToDecodeIt() {
        for (String name : List.of("animated_offset.webp", "animated_offset_alpha.webp")) {
            Path file = DIR.resolve(name);
            ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> JAVA.decode(file));
            assertEquals(file, e.path());
            assertTrue(e.getMessage().contains("does not cover its 20x16 canvas")
                    && e.getMessage().contains("libwebp"), e.getMessage());
            assertEquals(e.getMessage(), assertThrows(ImageDecodeException.class, () -> JAVA.header(file)).getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("org.dataloader4j.vision.NativeWebpTest#refused")
    void refusesWhatPilRefuses(String line) {
        Path file = DIR.resolve(line.split(" ")[0]);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> JAVA.decode(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("WEBP"), e.getMessage());
    }
}
