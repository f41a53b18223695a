package org.dataloader4j.sampler;

import java.util.Arrays;

/** Digests and abbreviations of the samplers' arrays, for their fingerprints and {@code toString}s. */
final class Digests {
    private Digests() {
    }

    /** A 64-bit digest (FNV-1a over the values' bits) for fingerprints: equal arrays, equal digests. */
    static String digest(long[] values) {
        long h = 0xcbf29ce484222325L;
        for (long v : values) {
            h = (h ^ v) * 0x100000001b3L;
        }
        return String.format(java.util.Locale.ROOT, "%016x", h);
    }

    /** {@link #digest(long[])} of the doubles' bits. */
    static String digest(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToLongBits(values[i]);
        }
        return digest(bits);
    }

    /** The first {@code limit} elements of {@code values} for a {@code toString}, with the total when cut short. */
    static String abbreviate(long[] values, int limit) {
        if (values.length <= limit) {
            return Arrays.toString(values);
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < limit; i++) {
            sb.append(values[i]).append(", ");
        }
        return sb.append("... (").append(values.length).append(" in all)]").toString();
    }
}
