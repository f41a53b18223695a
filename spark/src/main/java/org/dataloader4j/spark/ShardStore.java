package org.dataloader4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a {@link ShardedDataset} reads its manifest and shards from: local files by default, or an implementation
 * for remote storage (the {@code dataloader4j-s3} module implements it for S3-compatible object stores). The
 * dependency is one-way: this module defines the interface and knows no store; a store module depends on this one.
 *
 * <p>A store sees, for every consumer (one loader worker of one rank) and epoch, the list of shards that consumer
 * will read, in order ({@link #session}), so it can fetch ahead and drop shards that are no longer needed. Methods
 * are called from the loader's worker threads, concurrently.
 *
 * <pre>{@code
 * ShardStore store = ShardStore.of(location -> myHttpClient.open(location));
 * ShardedDataset shards = ShardedDataset.builder(store, "https://host/shards/manifest.json").build();
 * }</pre>
 */
public interface ShardStore {

    /**
     * {@return a fresh stream of the object at {@code location} (the manifest, or a shard for the default {@link
     * #session})}
     *
     * @param location the object's location
     * @throws IOException naming the location if it cannot be opened (a missing object says so)
     */
    InputStream open(String location) throws IOException;

    /**
     * {@return whether the streams of {@link #session} are already verified against the manifest's size and SHA-256
     * (for example because the store verified the download); if not, {@link ShardedDataset} verifies each shard the
     * first time it opens it}
     */
    default boolean verifies() {
        return false;
    }

    /**
     * {@return the shards one consumer will read, in reading order (a shard may appear more than once); the default
     * opens each with {@link #open} when asked and fetches nothing ahead}
     *
     * @param plan the shards to read, in order
     */
    default Session session(List<Ref> plan) {
        List<Ref> copy = List.copyOf(plan);
        return new Session() {
            @Override
            public InputStream open(int index) throws IOException {
                return ShardStore.this.open(copy.get(index).location());
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * A shard of a consumer's plan.
     *
     * @param location where it is (the manifest's folder + {@code "/"} + its file name)
     * @param shard    what the manifest says of it
     */
    record Ref(String location, Manifest.Shard shard) {
        /** Checks the values. */
        public Ref {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(shard, "shard");
        }
    }

    /**
     * One consumer's reading of its plan. {@link #open} is called with the indices {@code 0, 1, 2, ...} of the plan
     * in order, each stream closed before the next is opened (a consumer may stop early);
     * {@link #close} ends the session (the shards it has not read are no longer needed by it).
     */
    interface Session extends AutoCloseable {
        /**
         * {@return a stream of the shard at {@code index} of the plan, which the caller closes when done with it}
         *
         * @param index the shard's position in the plan
         * @throws IOException if the shard cannot be opened
         */
        InputStream open(int index) throws IOException;

        @Override
        void close();
    }

    /**
     * {@return a store that opens every location with {@code opener} (which may throw {@link
     * java.io.UncheckedIOException})}
     *
     * @param opener opens a location as a stream
     */
    static ShardStore of(Function<String, InputStream> opener) {
        Objects.requireNonNull(opener, "opener");
        return location -> Objects.requireNonNull(opener.apply(location),
                () -> "the opener returned null for " + location);
    }
}
