package org.dataloader4j.vision.internal;

import org.dataloader4j.vision.RegionChooser;

/**
 * Internal, not an API: a {@link RegionChooser} whose caller resamples the region it chooses next, and lets a
 * decoder that can do both at once (the native JPEG path) return the resampled pixels instead of the region's. The
 * region itself is never written whole then: its rows go through the resample's first pass as they are decoded.
 *
 * <p>A decoder calls {@link #choose} once, then may call {@link #resampling()}; if it returns the resampled
 * pixels it calls {@link #resampled()} first. A decoder that knows nothing of this interface returns the region,
 * and the caller resamples it as usual: the bytes are the same either way.
 *
 * <pre>{@code
 * // org.dataloader4j.vision.transforms.RegionDecoding.Chooser notes resampled() in a field
 * Image image = decoders.decodeRegion(path, chooser);
 * Image out = chooser.wasResampled() ? image : resample(image);
 * }</pre>
 */
public interface ResamplingChooser extends RegionChooser {
    /** {@return the tables of the resample that follows, relative to the region just chosen, or null for none} */
    ResampleTables resampling();

    /** Called by the decoder when the image it returns is the resampled region. */
    void resampled();
}
