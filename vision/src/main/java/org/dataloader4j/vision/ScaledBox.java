package org.dataloader4j.vision;

/**
 * Where a region lands when a JPEG is decoded at a reduced DCT scale: the {@code plan} to decode (the scale and the
 * whole scaled pixels that cover the region) and the region's box in the decoded image's pixel coordinates, from
 * ({@code left}, {@code top}) to ({@code right}, {@code bottom}), fractional where the region's edges fall inside
 * a scaled pixel. Package-private: {@link Decoders#decodeScaled} plans with it and reports the box in its
 * {@link ScaledRegion}.
 */
record ScaledBox(NativeJpeg.Plan plan, double left, double top, double right, double bottom) {
    /**
     * The box of {@code region} (full-size pixels, inside the {@code width × height} image) in the image decoded at
     * {@code scaleNum}/8; at 8/8 the plan is the region itself and the box is {@code (0, 0, width, height)}.
     */
    static ScaledBox of(Region region, int width, int height, int scaleNum) {
        if (scaleNum == 8) {
            return new ScaledBox(new NativeJpeg.Plan(8, region), 0, 0, region.width(), region.height());
        }
        double x0 = region.left() * scaleNum / 8.0;
        double y0 = region.top() * scaleNum / 8.0;
        double x1 = ((long) region.left() + region.width()) * scaleNum / 8.0;
        double y1 = ((long) region.top() + region.height()) * scaleNum / 8.0;
        int sx0 = (int) Math.floor(x0);
        int sy0 = (int) Math.floor(y0);
        int sx1 = (int) Math.min(Math.ceil(x1), NativeJpeg.scaled(width, scaleNum));
        int sy1 = (int) Math.min(Math.ceil(y1), NativeJpeg.scaled(height, scaleNum));
        Region covering = new Region(sy0, sx0, sy1 - sy0, sx1 - sx0);
        return new ScaledBox(new NativeJpeg.Plan(scaleNum, covering), x0 - sx0, y0 - sy0, x1 - sx0, y1 - sy0);
    }
}
