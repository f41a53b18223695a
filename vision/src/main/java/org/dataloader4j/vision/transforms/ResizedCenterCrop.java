package org.dataloader4j.vision.transforms;

import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Region;

/**
 * {@code Resize}, then pixel-wise stages, then {@code CenterCrop}, as one stage: when the crop lies inside the
 * resized image only the kept window is resized (and, from a file, only the rows and columns it reads are decoded)
 * and the pixel-wise stages run on the window; otherwise (the crop pads) the stages run one by one in their order.
 * Bitwise the stages run one by one: a pixel-wise stage gives the same pixels before or after a crop that only
 * selects pixels, and neither {@code Resize} nor {@code CenterCrop} draws from the generator.
 */
final class ResizedCenterCrop implements RegionTransform, Fuser.Fused {
    private final Resize resize;
    private final List<PixelwiseTransform> between;
    private final CenterCrop crop;

    ResizedCenterCrop(Resize resize, List<PixelwiseTransform> between, CenterCrop crop) {
        this.resize = resize;
        this.between = List.copyOf(between);
        this.crop = crop;
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        int[] hw = resize.outputSize(image.width(), image.height());
        if (crop.fitsIn(hw)) {
            Image window = Pixels.resizeWindow(image, hw[1], hw[0], resize.mode(), crop.top(hw[0]), crop.left(hw[1]),
                    crop.height(), crop.width());
            return PixelwiseRun.apply(window, window != image, between, rng);
        }
        Image resized = resize.apply(image, rng);
        Image changed = PixelwiseRun.apply(resized, resized != image, between, rng);
        Image out;
        try {
            out = crop.apply(changed, rng);
        } catch (RuntimeException | Error e) {
            if (changed != image) {
                changed.close();
            }
            throw e;
        }
        if (changed != image && changed != out) {
            changed.close();
        }
        return out;
    }

    @Override
    public RegionStep step(int width, int height, RandomGenerator rng) {
        int[] hw = resize.outputSize(width, height);
        ResizeCoefficients[] tables = crop.fitsIn(hw) ? Pixels.windowTables(width, height, hw[1], hw[0],
                resize.mode(), crop.top(hw[0]), crop.left(hw[1]), crop.height(), crop.width()) : null;
        if (tables == null) {
            return RegionSteps.of(null, pixels -> apply(pixels, rng));
        }
        int x0 = tables[0].paddedFirst();
        int y0 = tables[1].first();
        Region region = new Region(y0, x0, tables[1].last() - y0, tables[0].paddedLast() - x0);
        return RegionSteps.resampling(region, tables[0].shifted(x0), tables[1].shifted(y0),
                window -> PixelwiseRun.apply(window, true, between, rng));
    }

    @Override
    public String toString() {
        return "Resize" + PixelwiseRun.names(between) + "+CenterCrop";
    }
}
