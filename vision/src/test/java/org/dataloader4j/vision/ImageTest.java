package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ImageTest {

    @Test
    void allocateIsHwcUint8AndPixelAccessWorks() {
        try (Image img = Image.allocate(Image.Mode.RGB, 4, 3)) {
            assertEquals(4, img.width());
            assertEquals(3, img.height());
            assertEquals(3, img.channels());
            assertEquals(36, img.byteSize());
            img.set(2, 1, 0, 200);
            img.set(2, 1, 2, 7);
            assertEquals(200, img.get(2, 1, 0));
            assertEquals(7, img.get(2, 1, 2));
            Tensor t = img.tensor();
            assertEquals(DType.UINT8, t.dtype());
            assertArrayEquals(new long[] {3, 4, 3}, t.shape().toArray());
            assertEquals(200, t.getLong(1, 2, 0));
            assertFalse(t.ownsMemory());
            assertThrows(IndexOutOfBoundsException.class, () -> img.get(4, 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> img.get(0, 0, 3));
            assertThrows(IllegalArgumentException.class, () -> img.set(0, 0, 0, 256));
        }
    }

    @Test
    void closeFreesAndMakesImageAndViewsUnusable() {
        Image img = Image.allocate(Image.Mode.L, 2, 2);
        Tensor view = img.tensor();
        img.close();
        assertTrue(img.isClosed());
        assertThrows(IllegalStateException.class, () -> img.get(0, 0, 0));
        assertThrows(IllegalStateException.class, () -> view.getLong(0, 0, 0));
        img.close(); // idempotent
    }

    @Test
    void wrapBorrowsTheTensor() {
        try (Tensor t = Tensor.zeros(DType.UINT8, 2, 3, 4)) {
            Image img = Image.wrap(t, Image.Mode.RGBA);
            assertEquals(3, img.width());
            assertEquals(2, img.height());
            img.set(1, 1, 3, 9);
            assertEquals(9, t.getLong(1, 1, 3));
            img.close();
            assertFalse(t.isClosed());
            assertThrows(IllegalArgumentException.class, () -> Image.wrap(t, Image.Mode.RGB));
        }
    }

    @Test
    void conversionsFollowPil() {
        byte[] rgba = {10, (byte) 200, 30, 40, (byte) 255, 0, 0, 0};
        try (Image img = Image.of(Image.Mode.RGBA, 2, 1, rgba);
             Image rgb = img.convert(Image.Mode.RGB);
             Image l = img.convert(Image.Mode.L);
             Image back = l.convert(Image.Mode.RGB);
             Image withAlpha = rgb.convert(Image.Mode.RGBA)) {
            // RGBA -> RGB drops alpha without compositing (alpha 0 still keeps the colour)
            assertArrayEquals(new byte[] {10, (byte) 200, 30, (byte) 255, 0, 0}, rgb.toByteArray());
            // PIL: (10, 200, 30) -> 124, (255, 0, 0) -> 76
            assertArrayEquals(new byte[] {124, 76}, l.toByteArray());
            assertArrayEquals(new byte[] {124, 124, 124, 76, 76, 76}, back.toByteArray());
            assertArrayEquals(new byte[] {10, (byte) 200, 30, (byte) 255, (byte) 255, 0, 0, (byte) 255},
                    withAlpha.toByteArray());
        }
    }

    @Test
    void lumaMatchesPilOnAllGrays() {
        for (int v = 0; v < 256; v++) {
            assertEquals(v, Image.luma(v, v, v));
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Image.allocate(Image.Mode.RGB, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Image.of(Image.Mode.RGB, 2, 2, new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> Image.Mode.ofChannels(2));
    }
}
