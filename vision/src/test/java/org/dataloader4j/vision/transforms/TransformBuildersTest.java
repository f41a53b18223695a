package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;

/** The transforms' builders: defaults equal the short constructors, options take effect, bad options are named. */
class TransformBuildersTest {

    @Test
    void buildersWithoutOptionsEqualTheShortConstructors() {
        assertEquals(new RandomCrop(5).toString(), RandomCrop.builder(5).build().toString());
        assertEquals(new RandomResizedCrop(7).toString(), RandomResizedCrop.builder(7).build().toString());
        assertEquals(new RandomRotation(12).toString(), RandomRotation.builder(12).build().toString());
        assertEquals(new Pad(3).toString(), Pad.builder(3).build().toString());
        assertEquals(new Resize(9).toString(), Resize.builder(9).build().toString());
        assertEquals(new ColorJitter(0.4, 0.3, 0.2, 0.1).toString(),
                ColorJitter.builder().brightness(0.4).contrast(0.3).saturation(0.2).hue(0.1).build().toString());
        assertEquals(new ColorJitter(0, 0, 0, 0).toString(), ColorJitter.builder().build().toString());
    }

    @Test
    void builderOptionsShowInTheTransform() {
        assertEquals("RandomCrop(size=(4, 6), padding=[1, 2, 1, 2], padIfNeeded=true, fill=[9, 8, 7], "
                        + "paddingMode=EDGE)",
                RandomCrop.builder(4, 6).padding(1, 2).padIfNeeded(true).fill(9, 8, 7).paddingMode(Pad.Mode.EDGE)
                        .build().toString());
        assertEquals("RandomRotation(degrees=(10.0, 20.0), BILINEAR, expand=true, center=[1.5, 2.0], fill=[3])",
                RandomRotation.builder(10, 20).interpolation(InterpolationMode.BILINEAR).expand(true).center(1.5, 2)
                        .fill(3).build().toString());
        assertEquals("RandomResizedCrop(size=(5, 8), scale=(0.5, 0.9), ratio=(1.0, 2.0), NEAREST)",
                RandomResizedCrop.builder(5, 8).scale(0.5, 0.9).ratio(1, 2).interpolation(InterpolationMode.NEAREST)
                        .build().toString());
        assertEquals("Resize(size=16, BICUBIC, maxSize=20)",
                Resize.builder(16).interpolation(InterpolationMode.BICUBIC).maxSize(20).build().toString());
        assertEquals("ColorJitter(brightness=(0.5, 0.7), contrast=None, saturation=None, hue=(-0.2, 0.1))",
                ColorJitter.builder().brightness(0.5, 0.7).hue(-0.2, 0.1).build().toString());
    }

    @Test
    void padBuilderWithTwoValuesPadsLeftRightThenTopBottom() {
        try (Image img = RandomTransformsTest.ramp(5, 4);
             Image out = Pad.builder(2, 3).mode(Pad.Mode.REFLECT).build().apply(img, CounterRandom.of(0, 0, 0, 0));
             Image expected = Functional.pad(img, 2, 3, 2, 3, Functional.PaddingMode.REFLECT, new int[] {0})) {
            assertEquals(9, out.width());
            assertEquals(10, out.height());
            assertArrayEquals(expected.toByteArray(), out.toByteArray());
        }
    }

    @Test
    void buildersRefuseBadOptionsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RandomCrop.builder(3, 0));
        assertTrue(e.getMessage().contains("width=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomResizedCrop.builder(-2, 4));
        assertTrue(e.getMessage().contains("height=-2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Resize.builder(0));
        assertTrue(e.getMessage().contains("size=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pad.builder(1, 2, 3));
        assertTrue(e.getMessage().contains("1, 2 or 4 values") && e.getMessage().contains("[1, 2, 3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pad.builder(1).fill(0, 300));
        assertTrue(e.getMessage().contains("[0, 300]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomResizedCrop.builder(4).scale(0.9, 0.5).build());
        assertTrue(e.getMessage().contains("scale=(0.9, 0.5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomRotation.builder(Double.NaN));
        assertTrue(e.getMessage().contains("degrees=NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ColorJitter.builder().saturation(-1));
        assertTrue(e.getMessage().contains("saturation=-1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ColorJitter.builder().hue(0.2, 0.6).build());
        assertTrue(e.getMessage().contains("hue values"), e.getMessage());
        assertThrows(NullPointerException.class, () -> RandomCrop.builder(3).paddingMode(null));
    }
}
