package org.dataloader4j.s3;

import java.util.Objects;

/**
 * An object in S3: {@code s3://bucket/key}.
 *
 * <pre>{@code
 * S3Location manifest = S3Location.parse("s3://training/imagenet/manifest.json");   // bucket "training"
 * }</pre>
 *
 * @param bucket the bucket
 * @param key    the key (may be empty for a bucket's root)
 */
public record S3Location(String bucket, String key) {
    /** The scheme prefix of S3 locations. */
    public static final String SCHEME = "s3://";

    /** Checks the values. */
    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("an S3 location needs a bucket: s3://bucket/key");
        }
    }

    /** Whether {@code location} starts with {@code s3://}. */
    public static boolean isS3(String location) {
        return location != null && location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses {@code s3://bucket/key}.
     *
     * @throws IllegalArgumentException naming the location if it is not of that form
     */
    public static S3Location parse(String location) {
        Objects.requireNonNull(location, "location");
        if (!isS3(location)) {
            throw new IllegalArgumentException("not an S3 location: \"" + location + "\", expected s3://bucket/key");
        }
        String rest = location.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("no bucket in S3 location \"" + location + "\", expected s3://bucket/key");
        }
        return new S3Location(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    /** {@code s3://bucket/key}. */
    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}
