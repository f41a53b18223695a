package org.dataloader4j.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dataloader4j.io.internal.Json;

/**
 * What {@code manifest.json} beside a set of shards says: the shard files (relative to the manifest's folder) with
 * their sample counts, the class names (index {@code i} is class {@code i}, as in the {@code .cls} files), the
 * per-channel mean and population standard deviation of the images as stored (RGB, scaled to [0, 1] as
 * {@code ToTensor} does, ready for {@code Normalize}), the seed and preprocessing that produced them, and every
 * input that was skipped, with the reason. Each shard's SHA-256 is recorded so that readers verify what they
 * download or open; it is optional when reading (manifests written before it existed have none, see
 * {@link #checksummed()}).
 *
 * <pre>{@code
 * {
 *   "format": "webdataset",
 *   "version": 1,
 *   "samples": 1281167,
 *   "seed": 0,
 *   "shards": [ {"file": "shard-00000.tar", "samples": 20018, "bytes": 1410918400, "sha256": "9f86d0..."}, ... ],
 *   "classes": ["n01440764", ...],
 *   "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "pixelsPerChannel": 64225000000,
 *   "maxSide": 320, "quality": 90,
 *   "skipped": [ {"source": "/data/train/n02105855/n02105855_2933.JPEG", "reason": "..."} ]
 * }
 * }</pre>
 *
 * @param seed             the seed that placed samples in shards
 * @param shards           the shards, in order
 * @param classes          the class names
 * @param mean             per-channel mean (empty if no image was written)
 * @param std              per-channel population standard deviation
 * @param pixelsPerChannel the number of values behind each channel's statistics
 * @param maxSide          the preprocessing's bound on the shorter side, or 0 for none
 * @param quality          the JPEG quality images were re-encoded at, or 0 if they were not re-encoded as JPEG
 * @param skipped          the inputs that were not written, with the reason
 */
public record Manifest(long seed, List<Shard> shards, List<String> classes, double[] mean, double[] std,
                       long pixelsPerChannel, int maxSide, int quality, List<Skipped> skipped) {
    /** The file name of the manifest beside the shards. */
    public static final String FILE_NAME = "manifest.json";
    static final int VERSION = 1;

    /**
     * One shard file.
     *
     * @param file    its name, relative to the manifest's folder
     * @param samples the number of samples in it
     * @param bytes   its size in bytes
     * @param sha256  the SHA-256 of its bytes as 64 lower-case hex digits, or null in a manifest written before
     *                checksums were recorded (such shards are read, and their size checked, but not their content)
     */
    public record Shard(String file, long samples, long bytes, String sha256) {
        /** Checks the values. */
        public Shard {
            Objects.requireNonNull(file, "file");
            if (samples < 0 || bytes < 0) {
                throw new IllegalArgumentException("shard " + file + " has negative samples=" + samples + " or bytes="
                        + bytes);
            }
            if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("shard " + file + " has sha256 \"" + sha256 + "\", expected 64"
                        + " lower-case hex digits");
            }
        }

        /**
         * A shard without a recorded checksum.
         *
         * @param file the shard's file name
         * @param samples the number of samples in it
         * @param bytes its length in bytes
         */
        public Shard(String file, long samples, long bytes) {
            this(file, samples, bytes, null);
        }
    }

    /**
     * An input that is not in the shards.
     *
     * @param source its path or key
     * @param reason why it was skipped
     */
    public record Skipped(String source, String reason) {
    }

    /** Copies the lists and arrays. */
    public Manifest {
        shards = List.copyOf(shards);
        classes = List.copyOf(classes);
        mean = mean.clone();
        std = std.clone();
        skipped = List.copyOf(skipped);
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " channels but std has " + std.length);
        }
    }

    /**
     * {@return whether every shard has a recorded SHA-256: manifests written before checksums were recorded have none,
     * and their shards are then checked for size only}
     */
    public boolean checksummed() {
        return shards.stream().allMatch(s -> s.sha256 != null);
    }

    /** {@return samples in all shards} */
    public long samples() {
        long n = 0;
        for (Shard s : shards) {
            n += s.samples;
        }
        return n;
    }

    /**
     * {@return the mean of each channel over the whole shard set}
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * {@return the standard deviation of each channel over the whole shard set}
     */
    @Override
    public double[] std() {
        return std.clone();
    }

    /** {@return the manifest as JSON} */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "webdataset");
        m.put("version", VERSION);
        m.put("samples", samples());
        m.put("seed", seed);
        List<Object> files = new ArrayList<>();
        for (Shard s : shards) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("file", s.file);
            f.put("samples", s.samples);
            f.put("bytes", s.bytes);
            if (s.sha256 != null) {
                f.put("sha256", s.sha256);
            }
            files.add(f);
        }
        m.put("shards", files);
        m.put("classes", classes);
        m.put("mean", mean);
        m.put("std", std);
        m.put("pixelsPerChannel", pixelsPerChannel);
        m.put("maxSide", maxSide);
        m.put("quality", quality);
        List<Object> skips = new ArrayList<>();
        for (Skipped s : skipped) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("source", s.source);
            f.put("reason", s.reason);
            skips.add(f);
        }
        m.put("skipped", skips);
        return Json.write(m) + "\n";
    }

    /**
     * Reads a manifest.
     *
     * @param where names the manifest in errors
     * @param json the manifest's text
     * @return the manifest
     * @throws IllegalArgumentException naming {@code where} and the problem if the text is not a manifest (also if a
     *                                  class name is not a string or is listed twice)
     */
    public static Manifest parse(String json, String where) {
        try {
            if (!(Json.parse(json) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("the manifest is not a JSON object");
            }
            if (!"webdataset".equals(m.get("format"))) {
                throw new IllegalArgumentException("\"format\" is " + m.get("format") + ", expected \"webdataset\"");
            }
            long version = number(m, "version").longValue();
            if (version != VERSION) {
                throw new IllegalArgumentException("version " + version + " is not supported (this library reads "
                        + VERSION + ")");
            }
            List<Shard> shards = new ArrayList<>();
            for (Object o : list(m, "shards")) {
                if (!(o instanceof Map<?, ?> s)) {
                    throw new IllegalArgumentException("an entry of \"shards\" is not an object: " + o);
                }
                Object sha = s.get("sha256");
                if (sha != null && !(sha instanceof String)) {
                    throw new IllegalArgumentException("\"sha256\" of shard " + s.get("file") + " is not a string: "
                            + sha);
                }
                shards.add(new Shard(string(s, "file"), number(s, "samples").longValue(),
                        number(s, "bytes").longValue(), (String) sha));
            }
            List<String> classes = new ArrayList<>();
            Map<String, Integer> indices = new HashMap<>();
            for (Object o : list(m, "classes")) {
                if (!(o instanceof String name)) {
                    throw new IllegalArgumentException("class " + classes.size() + " is " + o + ", not a string name");
                }
                Integer earlier = indices.putIfAbsent(name, classes.size());
                if (earlier != null) {
                    throw new IllegalArgumentException("class \"" + name + "\" is listed twice, as class " + earlier
                            + " and class " + classes.size() + "; a label must name one class");
                }
                classes.add(name);
            }
            List<Skipped> skipped = new ArrayList<>();
            for (Object o : list(m, "skipped")) {
                if (!(o instanceof Map<?, ?> s)) {
                    throw new IllegalArgumentException("an entry of \"skipped\" is not an object: " + o);
                }
                skipped.add(new Skipped(string(s, "source"), string(s, "reason")));
            }
            Manifest manifest = new Manifest(number(m, "seed").longValue(), shards, classes, doubles(m, "mean"),
                    doubles(m, "std"), number(m, "pixelsPerChannel").longValue(), number(m, "maxSide").intValue(),
                    number(m, "quality").intValue(), skipped);
            long stated = number(m, "samples").longValue();
            if (stated != manifest.samples()) {
                throw new IllegalArgumentException("\"samples\" is " + stated + " but the shards hold "
                        + manifest.samples());
            }
            return manifest;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid manifest " + where + ": " + e.getMessage(), e);
        }
    }

    private static Number number(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("\"" + key + "\" is missing or not a number");
        }
        return n;
    }

    private static String string(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException("\"" + key + "\" is missing or not a string");
        }
        return s;
    }

    private static List<?> list(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof List<?> l)) {
            throw new IllegalArgumentException("\"" + key + "\" is missing or not an array");
        }
        return l;
    }

    private static double[] doubles(Map<?, ?> m, String key) {
        List<?> l = list(m, key);
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            if (!(l.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("\"" + key + "\" holds a non-number " + l.get(i));
            }
            a[i] = n.doubleValue();
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest x && seed == x.seed && shards.equals(x.shards) && classes.equals(x.classes)
                && java.util.Arrays.equals(mean, x.mean) && java.util.Arrays.equals(std, x.std)
                && pixelsPerChannel == x.pixelsPerChannel && maxSide == x.maxSide && quality == x.quality
                && skipped.equals(x.skipped);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, shards, classes, java.util.Arrays.hashCode(mean), pixelsPerChannel);
    }

    /** For example {@code Manifest(shards=64, samples=1281167, classes=1000, skipped=0)}. */
    @Override
    public String toString() {
        return "Manifest(shards=" + shards.size() + ", samples=" + samples() + ", classes=" + classes.size()
                + ", skipped=" + skipped.size() + ")";
    }
}
