package org.dataloader4j.vision.internal;

/**
 * Internal, not an API: the two fixed-point tables of an RGB resample, as {@link NativeKernels#resampleRgb} and the
 * native JPEG decoder's resampled decode take them, relative to the image (or decoded region) they read. The
 * arrays are shared, not copied: nobody modifies them.
 *
 * <pre>{@code
 * ResampleTables t = new ResampleTables(hStart, hWeights, hTaps, outW, vStart, vCount, vWeights, vKsize,
 *         vFirst, vLast, outH);
 * boolean ok = t.readsInside(regionWidth, regionHeight);
 * }</pre>
 *
 * @param hStart   the first input column of each output column's padded window
 * @param hWeights {@code hTaps} weights per output column
 * @param hTaps    the horizontal weights per output column
 * @param outW     the output width
 * @param vStart   the first input row of each output row
 * @param vCount   the number of weights of each output row
 * @param vWeights {@code vKsize} weight slots per output row
 * @param vKsize   the vertical weight slots per output row
 * @param vFirst   the first input row any output row reads
 * @param vLast    one past the last input row any output row reads
 * @param outH     the output height
 */
public record ResampleTables(int[] hStart, int[] hWeights, int hTaps, int outW, int[] vStart, int[] vCount,
                             int[] vWeights, int vKsize, int vFirst, int vLast, int outH) {

    /** {@return whether every index the tables read lies inside a {@code width × height} input} */
    public boolean readsInside(int width, int height) {
        if (hTaps <= 0 || hTaps > width || vFirst < 0 || vLast > height || vFirst >= vLast || outW <= 0 || outH <= 0
                || hStart.length < outW || hWeights.length < (long) outW * hTaps || vStart.length < outH
                || vCount.length < outH || vWeights.length < (long) outH * vKsize) {
            return false;
        }
        for (int x = 0; x < outW; x++) {
            if (hStart[x] < 0 || hStart[x] + hTaps > width) {
                return false;
            }
        }
        for (int y = 0; y < outH; y++) {
            if (vCount[y] < 0 || vCount[y] > vKsize || vStart[y] < vFirst || vStart[y] + vCount[y] > vLast) {
                return false;
            }
        }
        return true;
    }
}
