package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;

/** Resize followed by CenterCrop in a Compose computes only the kept pixels, and gives the same bytes. */
class ResizeCenterCropFusionTest {

    private static Image random(Image.Mode mode, int w, int h, long seed) {
        return Fixtures.noise(mode, w, h, seed);
    }

    @Test
    void fusedEqualsResizeThenCropForManySizesModesAndFilters() {
        CounterRandom rng = CounterRandom.fromKey(2026);
        InterpolationMode[] modes = {InterpolationMode.BILINEAR, InterpolationMode.BICUBIC, InterpolationMode.NEAREST};
        Image.Mode[] pixels = {Image.Mode.RGB, Image.Mode.L, Image.Mode.RGBA};
        for (int trial = 0; trial < 120; trial++) {
            int w = 8 + rng.nextInt(120);
            int h = 8 + rng.nextInt(120);
            int size = 4 + rng.nextInt(90);
            int crop = 2 + rng.nextInt(size + 20); // sometimes larger than the resized image: the padding path
            Resize resize = trial % 4 == 3 ? Resize.builder(size).interpolation(modes[trial % modes.length])
                    .maxSize(size + 1 + trial % 30).build()
                    : new Resize(size, modes[trial % modes.length]);
            CenterCrop centerCrop = new CenterCrop(crop);
            try (Image img = random(pixels[trial % pixels.length], w, h, trial)) {
                Image fused = Compose.of(resize).then(centerCrop).apply(img, null);
                Image resized = resize.apply(img, null);
                Image stepwise = centerCrop.apply(resized, null);
                String what = "trial " + trial + ": " + w + "x" + h + " -> " + size + " -> " + crop;
                assertEquals(stepwise.width(), fused.width(), what);
                assertEquals(stepwise.height(), fused.height(), what);
                assertArrayEquals(stepwise.toByteArray(), fused.toByteArray(), what);
            }
        }
    }

    @Test
    void anEvalPipelineMatchesTheTwoStepsExactly() {
        try (Image photo = random(Image.Mode.RGB, 500, 375, 7)) {
            Image fused = Compose.of(new Resize(256)).then(new CenterCrop(224)).apply(photo, null);
            Image stepwise = new CenterCrop(224).apply(new Resize(256).apply(photo, null), null);
            assertArrayEquals(stepwise.toByteArray(), fused.toByteArray());
            assertEquals(224, fused.width());
        }
    }
}
