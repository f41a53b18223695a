package org.dataloader4j.vision;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Crops a region out of a decoded image, for the files whose decoder cannot decode just a region, and checks that
 * a chosen region lies inside the image, with the message every region decode gives.
 */
final class RegionCrop {
    private RegionCrop() {
    }

    /** @throws ImageDecodeException naming {@code path} when {@code r} is not inside a {@code width × height} image */
    static void checkInside(Path path, Region r, long width, long height) {
        checkInside(Origin.of(path), r, width, height);
    }

    /** @throws ImageDecodeException naming {@code origin} when {@code r} is not inside a {@code width × height} image */
    static void checkInside(Origin origin, Region r, long width, long height) {
        if ((long) r.left() + r.width() > width || (long) r.top() + r.height() > height) {
            throw origin.error("region " + r.width() + "x" + r.height() + " at (" + r.left()
                    + ", " + r.top() + ") is outside the " + width + "x" + height + " image");
        }
    }

    /**
     * The pixels of {@code r} in {@code whole}, in a new image of the same mode; {@code whole} is closed.
     *
     * @throws ImageDecodeException naming {@code path} when {@code r} is not inside {@code whole}
     */
    static Image crop(Path path, Image whole, Region r) {
        return crop(Origin.of(path), whole, r);
    }

    /**
     * The pixels of {@code r} in {@code whole}, in a new image of the same mode; {@code whole} is closed.
     *
     * @throws ImageDecodeException naming {@code origin} when {@code r} is not inside {@code whole}
     */
    static Image crop(Origin origin, Image whole, Region r) {
        try (whole) {
            checkInside(origin, r, whole.width(), whole.height());
            Image out = Image.allocate(whole.mode(), r.width(), r.height());
            long rowBytes = (long) r.width() * whole.channels();
            for (int y = 0; y < r.height(); y++) {
                MemorySegment.copy(whole.data(), ((long) (r.top() + y) * whole.width() + r.left()) * whole.channels(),
                        out.data(), y * rowBytes, rowBytes);
            }
            return out;
        }
    }
}
