package org.dataloader4j.vision.transforms;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.Image;

/**
 * torchvision's {@code Pad}: padding of one value (all sides), two (left/right, top/bottom) or four (left, top,
 * right, bottom); constant (with a fill per channel or one for all), edge, reflect or symmetric. Paddings may be
 * wider than the image and images may have a side of one pixel, with torchvision's results (see
 * {@link Functional#pad}); negative paddings crop.
 *
 * <pre>{@code
 * SampleTransform<Image, Image> black = new Pad(4);                                   // 4 px of 0 on every side
 * SampleTransform<Image, Image> mirror = new Pad(new int[] {2, 6}, Pad.Mode.REFLECT, new int[] {0});  // l/r 2, t/b 6
 * }</pre>
 */
public final class Pad implements SampleTransform<Image, Image> {
    /** The padding modes; see {@link Functional.PaddingMode}. */
    public enum Mode {
        /** The fill value. */
        CONSTANT,
        /** The nearest pixel of the edge, repeated. */
        EDGE,
        /** Mirrored about the edge pixel, which is not repeated. */
        REFLECT,
        /** Mirrored about the edge, which is repeated. */
        SYMMETRIC
    }

    private final int left;
    private final int top;
    private final int right;
    private final int bottom;
    private final Mode mode;
    private final int[] fill;

    /**
     * Constant zero padding of {@code padding} on every side.
     *
     * @param padding the amount on every side, in pixels
     */
    public Pad(int padding) {
        this(new int[] {padding}, Mode.CONSTANT, new int[] {0});
    }

    /**
     * Pads by {@code padding}: one value for every side, two for left/right and top/bottom, or four for left, top, right and bottom.
     *
     * @param padding 1, 2 or 4 amounts in pixels
     * @param mode how the new pixels are filled
     * @param fill the constant fill, one value or one per channel
     * @throws IllegalArgumentException if {@code padding} does not have 1, 2 or 4 values, or a fill value is not 0..255
     */
    public Pad(int[] padding, Mode mode, int[] fill) {
        int[] ltrb = sides(padding);
        left = ltrb[0];
        top = ltrb[1];
        right = ltrb[2];
        bottom = ltrb[3];
        this.mode = Objects.requireNonNull(mode, "mode");
        checkFill(fill);
        this.fill = fill.clone();
    }

    static void checkFill(int[] fill) {
        for (int f : fill) {
            if (f < 0 || f > 255) {
                throw new IllegalArgumentException("fill values are 0..255, but got " + Arrays.toString(fill));
            }
        }
    }

    /** torchvision's padding of 1 (all sides), 2 (left/right, top/bottom) or 4 values as {left, top, right, bottom}. */
    static int[] sides(int[] padding) {
        return switch (padding.length) {
            case 1 -> new int[] {padding[0], padding[0], padding[0], padding[0]};
            case 2 -> new int[] {padding[0], padding[1], padding[0], padding[1]};
            case 4 -> padding.clone();
            default -> throw new IllegalArgumentException("padding must have 1, 2 or 4 values, but got "
                    + Arrays.toString(padding));
        };
    }

    @Override
    public Image apply(Image image, RandomGenerator rng) {
        return Functional.pad(image, left, top, right, bottom, Functional.PaddingMode.valueOf(mode.name()), fill);
    }

    @Override
    public String toString() {
        return "Pad(padding=[" + left + ", " + top + ", " + right + ", " + bottom + "], mode=" + mode + ", fill="
                + Arrays.toString(fill) + ")";
    }
}
