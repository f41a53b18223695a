package org.dataloader4j.spark;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a shard job writes: a local folder, or an object-store prefix {@code s3a://bucket/prefix} or
 * {@code s3://bucket/prefix} (the same store, written through Hadoop's S3A). Only strings: this class touches no
 * Spark or Hadoop class, so command lines are checked without either on the class path.
 */
final class OutputLocation {
    private OutputLocation() {
    }

    /**
     * {@return true if {@code output} names an object-store prefix ({@code s3://} or {@code s3a://}, any case; a
     * malformed one such as {@code s3:/bucket} too, which {@link #normalize} refuses)}
     */
    static boolean isObjectStore(String output) {
        String scheme = scheme(output);
        return scheme != null && (scheme.equals("s3") || scheme.equals("s3a"));
    }

    /**
     * The output as the job uses it: an object-store prefix with its scheme in lower case and without trailing
     * slashes ({@code s3://bucket/prefix}), a {@code file:} URI as the local path it names, anything else as a local
     * path ({@code Path.of(output).toString()}).
     *
     * @throws IllegalArgumentException naming the output if it is an object-store location without a bucket, or a
     *                                  URI of a scheme the job cannot write to
     */
    static String normalize(String output) {
        Objects.requireNonNull(output, "output (OUT)");
        String scheme = scheme(output);
        if (scheme == null) {
            return Path.of(output).toString();
        }
        if (scheme.equals("file")) {
            try {
                return Path.of(new URI(output)).toString();
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IllegalArgumentException("OUT " + output + " is not a valid file: URI: " + e.getMessage(), e);
            }
        }
        if (!isObjectStore(output)) {
            throw new IllegalArgumentException("OUT " + output + ": the shard job writes to a local folder, s3://bucket/"
                    + "prefix or s3a://bucket/prefix, not to " + scheme + "://");
        }
        if (!output.startsWith("://", scheme.length())) {
            throw new IllegalArgumentException("OUT " + output + " is not an object-store location: expected "
                    + scheme + "://bucket/prefix");
        }
        String rest = output.substring(scheme.length() + 3);
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("OUT " + output + " names no bucket: expected " + scheme
                    + "://bucket/prefix");
        }
        if (rest.contains("//")) {
            throw new IllegalArgumentException("OUT " + output + " has an empty path segment (//); expected " + scheme
                    + "://bucket/prefix");
        }
        return scheme + "://" + rest;
    }

    /** {@return the bucket of a normalized object-store location} */
    static String bucket(String location) {
        String rest = location.substring(location.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** {@return a normalized object-store location with the scheme Hadoop writes it with: {@code s3a}} */
    static String hadoopUri(String location) {
        return "s3a" + location.substring(location.indexOf("://"));
    }

    /** {@return the location of {@code file} under a normalized object-store location} */
    static String child(String location, String file) {
        return location + "/" + file;
    }

    /** The URI scheme of {@code output} in lower case, or null for a plain path (a Windows drive letter is a path). */
    private static String scheme(String output) {
        int colon = output.indexOf(':');
        if (colon < 2) {
            return null;
        }
        String scheme = output.substring(0, colon);
        if (!scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
                || !Character.isLetter(scheme.charAt(0))) {
            return null;
        }
        String lower = scheme.toLowerCase(Locale.ROOT);
        if (lower.equals("file") || lower.equals("s3") || lower.equals("s3a") || output.startsWith("://", colon)) {
            return lower;
        }
        return null;
    }
}
