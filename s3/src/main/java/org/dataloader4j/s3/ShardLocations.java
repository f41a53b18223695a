package org.dataloader4j.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.dataloader4j.spark.ShardedDataset;

/**
 * A {@link ShardedDataset} builder for any location a user may type: {@code s3://bucket/prefix} (read through an
 * {@link S3ShardStore}), {@code file:///data/shards} or a plain path (read locally, no SDK involved).
 *
 * <pre>{@code
 * ShardedDataset shards = ShardLocations.builder(args[0], () -> store).partition(new Partition(rank, world)).build();
 * }</pre>
 */
public final class ShardLocations {
    private ShardLocations() {
    }

    /**
     * The builder for {@code location}; {@code s3Store} is asked for a store only for {@code s3://} locations.
     *
     * @throws IllegalArgumentException naming the location if it has a scheme other than {@code s3} or {@code file}
     */
    public static ShardedDataset.Builder builder(String location, Supplier<S3ShardStore> s3Store) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(s3Store, "s3Store");
        if (S3Location.isS3(location)) {
            return s3Store.get().dataset(location);
        }
        return ShardedDataset.builder(localPath(location));
    }

    /** The local path of a {@code file:} URI or plain path. */
    static Path localPath(String location) {
        if (location.regionMatches(true, 0, "file:", 0, 5)) {
            return Path.of(URI.create(location));
        }
        int colon = location.indexOf(':');
        if (colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")
                && location.startsWith("//", colon + 1)) {
            throw new IllegalArgumentException("unsupported location \"" + location + "\": expected s3://bucket/prefix,"
                    + " file:///path or a local path");
        }
        return Path.of(location);
    }
}
