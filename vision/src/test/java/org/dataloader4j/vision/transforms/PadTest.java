package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;

/**
 * Padding edge cases next to the torchvision fixtures (TransformParityTest): numpy's index maps written out, and the
 * paddings that leave nothing, where torchvision fails or returns an image without pixels and we refuse.
 */
class PadTest {
    private static final Functional.PaddingMode REFLECT = Functional.PaddingMode.REFLECT;
    private static final Functional.PaddingMode SYMMETRIC = Functional.PaddingMode.SYMMETRIC;

    /** The expected maps are np.pad(np.arange(n), (before, after), mode) from numpy 1.24. */
    @Test
    void wideReflectionIsBuiltInRoundsLikeNumpy() {
        assertArrayEquals(new int[] {1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 0}, PadIndex.sources(3, 1, 8, REFLECT));
        assertArrayEquals(new int[] {2, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1}, PadIndex.sources(3, 8, 1, REFLECT));
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0}, PadIndex.sources(2, 5, 6, SYMMETRIC));
        assertArrayEquals(new int[] {3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0},
                PadIndex.sources(4, 9, 9, REFLECT));
    }

    @Test
    void singleValueAxisIsRepeatedInReflectAndSymmetricMode() {
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, PadIndex.sources(1, 2, 3, REFLECT));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, PadIndex.sources(1, 2, 3, SYMMETRIC));
        assertArrayEquals(new int[] {-1, 0, -1, -1}, PadIndex.sources(1, 1, 2, Functional.PaddingMode.CONSTANT));
    }

    @Test
    void onePixelImageReflectPadsToItsOwnColour() {
        try (Image one = Image.of(Image.Mode.RGB, 1, 1, new byte[] {10, 20, 30});
             Image out = Pad.builder(3).mode(Pad.Mode.REFLECT).build().apply(one, CounterRandom.of(0, 0, 0, 0))) {
            assertEquals(7, out.width());
            assertEquals(7, out.height());
            byte[] px = out.toByteArray();
            for (int i = 0; i < px.length; i += 3) {
                assertArrayEquals(new byte[] {10, 20, 30}, new byte[] {px[i], px[i + 1], px[i + 2]}, "pixel " + i / 3);
            }
        }
    }

    /**
     * torchvision returns a 0x1 image for a 7x1 gray image cropped by 4 and 3 in reflect mode, and a 1x0 image for a
     * 1x1 image cropped by 1 row in constant mode: an image without pixels, which ours cannot be, so it is refused.
     */
    @Test
    void paddingThatLeavesNoPixelsIsRefusedNamingPaddingAndSize() {
        try (Image row = Image.of(Image.Mode.L, 7, 1, new byte[7]);
             Image one = Image.of(Image.Mode.RGB, 1, 1, new byte[3])) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.pad(row, -4, 0, -3, 0, REFLECT, new int[] {0}));
            assertTrue(e.getMessage().contains("left=-4") && e.getMessage().contains("7x1 image")
                    && e.getMessage().contains("0x1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.pad(row, -8, 0, 2, 0, Functional.PaddingMode.EDGE, new int[] {0}));
            assertTrue(e.getMessage().contains("EDGE mode crops it to nothing (-1x1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Functional.pad(one, 0, -1, 0, 0, Functional.PaddingMode.CONSTANT, new int[] {0}));
            assertTrue(e.getMessage().contains("top=-1") && e.getMessage().contains("1x0 image"), e.getMessage());
        }
    }

    @Test
    void constantFillWithWrongNumberOfValuesIsRefused() {
        try (Image rgba = Image.of(Image.Mode.RGBA, 2, 2, new byte[16])) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Pad.builder(1).fill(1, 2, 3).build().apply(rgba,
                            CounterRandom.of(0, 0, 0, 0)));
            assertTrue(e.getMessage().contains("3 != 4"), e.getMessage());
        }
    }
}
