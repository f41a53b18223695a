package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;

/** ColorJitter, RandomCrop, RandomRotation and Resize's maxSize: degenerate ranges, draws, argument checks. */
class JitterCropRotateTest {

    private static Image scene(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) (x * 255 / Math.max(1, w - 1));
                px[i + 1] = (byte) (y * 255 / Math.max(1, h - 1));
                px[i + 2] = (byte) ((x * 31 + y * 17) & 0xFF);
            }
        }
        return Image.of(Image.Mode.RGB, w, h, px);
    }

    private static RandomGenerator rng(int i) {
        return CounterRandom.of(11, 0, i, 0);
    }

    @Test
    void colorJitterWithNothingToDoReturnsTheInput() {
        ColorJitter none = new ColorJitter(0, 0, 0, 0);
        try (Image img = scene(9, 7)) {
            for (int i = 0; i < 10; i++) {
                assertSame(img, none.apply(img, rng(i)));
            }
            ColorJitter.Params p = none.params(rng(0));
            assertNull(p.brightness());
            assertNull(p.hue());
        }
    }

    @Test
    void colorJitterWithSingleValueRangesEqualsTheFunctionalChain() {
        ColorJitter fixed = ColorJitter.builder().brightness(1.3, 1.3).contrast(0.8, 0.8).hue(0.1, 0.1).build();
        try (Image img = scene(12, 10)) {
            for (int i = 0; i < 5; i++) {
                ColorJitter.Params p = fixed.params(rng(i));
                assertEquals(1.3, p.brightness());
                assertEquals(0.8, p.contrast());
                assertNull(p.saturation());
                assertEquals(0.1, p.hue());
                Image expected = img;
                for (ColorJitter.Op op : p.order()) {
                    Image next = switch (op) {
                        case BRIGHTNESS -> Functional.adjustBrightness(expected, 1.3);
                        case CONTRAST -> Functional.adjustContrast(expected, 0.8);
                        case SATURATION -> expected;
                        case HUE -> Functional.adjustHue(expected, 0.1);
                    };
                    if (expected != img && next != expected) {
                        expected.close();
                    }
                    expected = next;
                }
                try (Image got = fixed.apply(img, rng(i)); Image e = expected) {
                    assertArrayEquals(e.toByteArray(), got.toByteArray());
                }
            }
        }
    }

    @Test
    void colorJitterDrawsInRangeAndEveryOrder() {
        ColorJitter cj = new ColorJitter(0.4, 0.4, 1.5, 0.1);
        Set<List<ColorJitter.Op>> orders = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            ColorJitter.Params p = cj.params(rng(i));
            assertEquals(p, cj.params(rng(i)), "same generator, same parameters");
            assertEquals(EnumSet.allOf(ColorJitter.Op.class), EnumSet.copyOf(p.order()));
            orders.add(p.order());
            assertTrue(p.brightness() >= 0.6 && p.brightness() <= 1.4, p.toString());
            assertTrue(p.contrast() >= 0.6 && p.contrast() <= 1.4, p.toString());
            assertTrue(p.saturation() >= 0 && p.saturation() <= 2.5, p.toString());
            assertTrue(p.hue() >= -0.1 && p.hue() <= 0.1, p.toString());
        }
        assertEquals(24, orders.size(), "all 4! orders occur");
    }

    @Test
    void colorJitterAndAdjustmentsCheckTheirArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(-0.1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(0, 0, 0, 0.6));
        assertThrows(IllegalArgumentException.class,
                () -> ColorJitter.builder().brightness(1.5, 1.2).build());
        assertThrows(IllegalArgumentException.class,
                () -> ColorJitter.builder().hue(-0.7, 0).build());
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter.Params(
                List.of(ColorJitter.Op.HUE, ColorJitter.Op.HUE, ColorJitter.Op.CONTRAST, ColorJitter.Op.SATURATION),
                null, null, null, null));
        try (Image img = scene(4, 4)) {
            assertThrows(IllegalArgumentException.class, () -> Functional.adjustHue(img, 0.51));
            assertThrows(IllegalArgumentException.class, () -> Functional.adjustBrightness(img, -1));
            try (Image same = Functional.adjustBrightness(img, 1); Image black = Functional.adjustBrightness(img, 0)) {
                assertArrayEquals(img.toByteArray(), same.toByteArray());
                assertArrayEquals(new byte[4 * 4 * 3], black.toByteArray());
            }
        }
    }

    @Test
    void randomCropOfTheWholeImageIsTheImage() {
        try (Image img = scene(10, 8)) {
            RandomCrop whole = RandomCrop.builder(8, 10).build();
            assertSame(img, whole.apply(img, rng(0)));
            assertEquals(new RandomCrop.Params(0, 0), whole.params(10, 8, rng(1)));
        }
    }

    @Test
    void randomCropDrawsEveryPositionAndMatchesAnExplicitCrop() {
        RandomCrop crop = RandomCrop.builder(4).padding(2).build();   // 4x4 after padding 2: an 8x6 image becomes 12x10
        Set<RandomCrop.Params> seen = new java.util.HashSet<>();
        try (Image img = scene(8, 6)) {
            for (int i = 0; i < 400; i++) {
                RandomCrop.Params p = crop.params(12, 10, rng(i));
                assertTrue(p.top() >= 0 && p.top() <= 6 && p.left() >= 0 && p.left() <= 8, p.toString());
                seen.add(p);
            }
            assertEquals(7 * 9, seen.size());
            RandomCrop.Params p = crop.params(12, 10, rng(3));
            try (Image a = crop.apply(img, rng(3)); Image b = crop.apply(img, p);
                 Image padded = Functional.pad(img, 2, 2, 2, 2, Functional.PaddingMode.CONSTANT, new int[] {0});
                 Image c = Functional.crop(padded, p.top(), p.left(), 4, 4)) {
                assertArrayEquals(c.toByteArray(), a.toByteArray());
                assertArrayEquals(c.toByteArray(), b.toByteArray());
            }
        }
    }

    @Test
    void randomCropTooLargeWithoutPadIfNeededIsAnError() {
        try (Image img = scene(5, 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new RandomCrop(6).apply(img, rng(0)));
            assertTrue(e.getMessage().contains("(6, 6)"), e.getMessage());
            RandomCrop padded = RandomCrop.builder(6, 7).padIfNeeded(true).fill(9).build();
            try (Image out = padded.apply(img, rng(0))) {
                assertEquals(7, out.width());
                assertEquals(6, out.height());
            }
            assertThrows(IllegalArgumentException.class,
                    () -> RandomCrop.builder(3, 3).padding(1, 2, 3));
            assertThrows(IllegalArgumentException.class,
                    () -> RandomCrop.builder(3, 3).fill(256));
        }
    }

    @Test
    void randomRotationOfZeroDegreesCopiesAndSingleAngleEqualsRotate() {
        try (Image img = scene(9, 6)) {
            try (Image out = new RandomRotation(0).apply(img, rng(0))) {
                assertArrayEquals(img.toByteArray(), out.toByteArray());
            }
            RandomRotation fixed = RandomRotation.builder(30, 30).interpolation(InterpolationMode.BILINEAR).expand(true).fill(7).build();
            try (Image a = fixed.apply(img, rng(1));
                 Image b = Functional.rotate(img, 30, InterpolationMode.BILINEAR, true, null, new int[] {7})) {
                assertArrayEquals(b.toByteArray(), a.toByteArray());
                assertTrue(a.width() > 9 && a.height() > 6);
                assertEquals(7, a.get(0, 0, 0), "the corner lies outside the rotated image: fill");
            }
            try (Image full = Functional.rotate(img, 360, InterpolationMode.NEAREST, false, null, null);
                 Image half = Functional.rotate(img, -180, InterpolationMode.NEAREST, false, null, null);
                 Image twice = Functional.rotate(half, 180, InterpolationMode.NEAREST, false, null, null)) {
                assertArrayEquals(img.toByteArray(), full.toByteArray());
                assertNotEquals(img.get(0, 0, 0), half.get(0, 0, 0));
                assertArrayEquals(img.toByteArray(), twice.toByteArray());
            }
        }
    }

    @Test
    void randomRotationDrawsInItsRange() {
        RandomRotation rot = new RandomRotation(15);
        for (int i = 0; i < 200; i++) {
            double a = rot.angle(rng(i));
            assertTrue(a >= -15 && a <= 15, "angle " + a);
            assertEquals(a, rot.angle(rng(i)));
        }
        assertThrows(IllegalArgumentException.class, () -> new RandomRotation(-1));
        assertThrows(IllegalArgumentException.class,
                () -> RandomRotation.builder(0, 10).interpolation(InterpolationMode.BICUBIC));
        assertThrows(IllegalArgumentException.class,
                () -> RandomRotation.builder(10, 0));
        try (Image img = scene(4, 4)) {
            assertThrows(IllegalArgumentException.class,
                    () -> Functional.rotate(img, 10, InterpolationMode.NEAREST, false, null, new int[] {1, 2}));
        }
    }

    @Test
    void resizeMaxSizeLimitsTheLongerSide() {
        assertArrayEquals(new int[] {256, 341}, Functional.shorterSideSize(500, 375, 256, 0));
        assertArrayEquals(new int[] {225, 300}, Functional.shorterSideSize(500, 375, 256, 300));
        assertArrayEquals(new int[] {256, 341}, Functional.shorterSideSize(500, 375, 256, 341));
        assertArrayEquals(new int[] {300, 150}, Functional.shorterSideSize(100, 200, 160, 300));
        assertThrows(IllegalArgumentException.class, () -> Resize.builder(256).maxSize(256).build());
        assertThrows(IllegalArgumentException.class, () -> Resize.builder(256).maxSize(-1).build());
        try (Image img = scene(40, 20); Image out = Resize.builder(10).maxSize(15).build().apply(img, rng(0))) {
            assertEquals(15, out.width());
            assertEquals(7, out.height());
        }
    }
}
