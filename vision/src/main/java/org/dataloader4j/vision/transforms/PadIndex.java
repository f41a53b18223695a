package org.dataloader4j.vision.transforms;

import java.util.Arrays;

/**
 * Where each padded pixel of one axis comes from, as numpy's {@code np.pad} (1.24) fills it: torchvision pads PIL
 * images in edge, reflect and symmetric mode with {@code np.pad}, one axis after the other, so a padded image is
 * {@code out[y][x] = in[rows[y]][columns[x]]} with one such map per axis.
 *
 * <p>Two details of numpy are kept on purpose, because torchvision's output depends on them:
 * <ul>
 *   <li>An axis of length 1 is extended with its only value in reflect and symmetric mode (numpy's legacy
 *       behaviour) instead of being refused.</li>
 *   <li>A reflection wider than the axis is built in rounds: each round mirrors the part filled so far (the
 *       original values plus what earlier rounds added), first on the left, then on the right. This is not a
 *       periodic extension: for values {@code 0 1 2} padded by 1 on the left and 8 on the right in reflect mode numpy
 *       gives {@code 1 | 0 1 2 | 1 0 1 2 1 0 1 0}, not {@code ... 1 0 1 2 1 0 1 2}.</li>
 * </ul>
 * Package-private: {@link Functional#pad} is the public entry point.
 */
final class PadIndex {
    /** The source index of a pixel that takes the constant fill. */
    static final int FILL = -1;

    private PadIndex() {
    }

    /**
     * The source index, in {@code 0..length-1}, of each of the {@code before + length + after} positions of an axis of
     * {@code length} values padded by {@code before} and {@code after} in {@code mode}; {@link #FILL} for the padded
     * positions in constant mode.
     *
     * @throws IllegalArgumentException if {@code length} is not positive or a padding is negative
     */
    static int[] sources(int length, int before, int after, Functional.PaddingMode mode) {
        if (length <= 0 || before < 0 || after < 0) {
            throw new IllegalArgumentException("an axis of " + length + " values cannot be padded by " + before
                    + " and " + after);
        }
        int total = Math.addExact(Math.addExact(length, before), after);
        int[] index = new int[total];
        for (int i = 0; i < length; i++) {
            index[before + i] = i;
        }
        switch (mode) {
            case CONSTANT -> {
                Arrays.fill(index, 0, before, FILL);
                Arrays.fill(index, before + length, total, FILL);
            }
            case EDGE -> edge(index, length, before);
            case REFLECT, SYMMETRIC -> {
                if (length == 1) {
                    edge(index, length, before);
                } else {
                    mirror(index, before, after, mode == Functional.PaddingMode.SYMMETRIC);
                }
            }
        }
        return index;
    }

    private static void edge(int[] index, int length, int before) {
        Arrays.fill(index, 0, before, 0);
        Arrays.fill(index, before + length, index.length, length - 1);
    }

    /**
     * Fills the padding by rounds of mirroring, as np.pad's reflect ({@code symmetric == false}: the edge value is
     * not repeated) and symmetric (the edge value is repeated) modes.
     */
    private static void mirror(int[] index, int before, int after, boolean symmetric) {
        int total = index.length;
        int edgeOffset = symmetric ? 1 : 0;
        int[] chunk = new int[total];
        int left = before;
        int right = after;
        while (left > 0 || right > 0) {
            // the values filled so far lie in [left, total - right); reflect mode mirrors around the edge value
            int available = total - right - left - (symmetric ? 0 : 1);
            if (left > 0) {
                int n = Math.min(available, left);
                int first = left - edgeOffset + n;   // copied backwards: first, first - 1, ..., first - n + 1
                for (int k = 0; k < n; k++) {
                    chunk[k] = index[first - k];
                }
                System.arraycopy(chunk, 0, index, left - n, n);
                left -= n;
            }
            if (right > 0) {
                int n = Math.min(available, right);
                int first = total - right + edgeOffset - 2;   // copied backwards from here
                for (int k = 0; k < n; k++) {
                    chunk[k] = index[first - k];
                }
                System.arraycopy(chunk, 0, index, total - right, n);
                right -= n;
            }
        }
    }
}
