package org.dataloader4j.vision;

import java.util.Locale;

/**
 * libjpeg's warnings about corrupt data it repaired, which PIL accepts, and the refusal a strict decoder
 * ({@link Decoders#withStrictJpeg}) gives instead; shared by the pure-Java and the native JPEG paths (the native
 * path's list of repairs is in {@code dl4j_jpeg.c}).
 */
final class JpegRepairs {
    private JpegRepairs() {
    }

    /**
     * True for libjpeg's warnings about corrupt data it repaired ("Corrupt JPEG data: ...", a bad progression or
     * SOS).
     */
    static boolean isRepairWarning(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.startsWith("corrupt jpeg data") || w.startsWith("invalid sos parameters")
                || w.startsWith("inconsistent progression");
    }

    /** The message of a strict decoder's refusal of a file that {@code warning} says libjpeg repaired. */
    static String strictRefusal(String format, String warning) {
        return "damaged " + format + " data: " + warning + " (PIL loads this file with libjpeg's repair; refused"
                + " because strict JPEG decoding is on, see Decoders.withStrictJpeg)";
    }
}
