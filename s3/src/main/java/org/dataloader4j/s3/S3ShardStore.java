package org.dataloader4j.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardStore;
import org.dataloader4j.spark.ShardedDataset;
import org.dataloader4j.spark.internal.Checksums;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A {@link ShardStore} for shards in S3 or an S3-compatible object store (MinIO, Ceph, R2), read with the AWS SDK
 * for Java v2: every shard download is verified against the manifest's size and SHA-256 and retried on throttling,
 * 5xx, dropped connections and mismatches ({@link RetryPolicy}); the shards each consumer will read next are fetched
 * in the background by a bounded pool, into a local disk cache whose byte limit is never exceeded by more than one
 * shard; {@link #statistics()} tells what it did.
 *
 * <pre>{@code
 * try (S3ShardStore store = S3ShardStore.builder()
 *         .endpoint(URI.create("http://minio:9000")).pathStyle(true)   // only for S3-compatible stores
 *         .cacheDirectory(Path.of("/scratch/shards")).cacheBytes(20L << 30)
 *         .build()) {
 *     ShardedDataset shards = store.dataset("s3://training/imagenet").partition(new Partition(rank, world)).build();
 *     // ... train ...
 *     System.out.println(store.statistics());
 * }
 * }</pre>
 *
 * <p>Credentials come from the SDK's default chain (environment, system properties, profile files, container and
 * instance roles) unless {@link Builder#credentials} is given; the region from the SDK's default chain, or
 * {@code us-east-1} if it finds none and an endpoint override is set (S3-compatible stores ignore it).
 */
public final class S3ShardStore implements ShardStore, AutoCloseable {
    /** The lock file that keeps two stores from sharing a cache folder. */
    static final String LOCK_FILE = ".dataloader4j-s3.lock";
    private final S3Client client;
    private final boolean ownsClient;
    private final ObjectFetcher fetcher;
    private final ShardCache cache;
    private final ExecutorService pool;
    private final Path cacheDir;
    private final boolean ownsCacheDir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private S3ShardStore(Builder b, S3Client client, boolean ownsClient, Path cacheDir, boolean ownsCacheDir,
                         FileChannel lockChannel, FileLock lock) {
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.client = client;
        this.ownsClient = ownsClient;
        this.cacheDir = cacheDir;
        this.ownsCacheDir = ownsCacheDir;
        this.fetcher = new ObjectFetcher(client, b.retry);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "dataloader4j-s3-prefetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(b.downloadThreads, threads);
        this.cache = new ShardCache(cacheDir, b.cacheBytes, b.prefetchBytes < 0 ? b.cacheBytes : b.prefetchBytes,
                b.prefetchShards, b.waitTimeout, fetcher, pool);
    }

    /** A builder with the defaults: 4 download threads, 2 shards ahead per consumer, a 10 GiB cache in a temp folder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The builder of a dataset at {@code location}: {@code s3://bucket/prefix} (the folder holding
     * {@code manifest.json} and the shards) or {@code s3://bucket/prefix/manifest.json}.
     */
    public ShardedDataset.Builder dataset(String location) {
        return ShardedDataset.builder(this, manifestLocation(location));
    }

    /**
     * The manifest of an S3 location: {@code location} itself if it names a {@code .json} file, else
     * {@code location/manifest.json}.
     *
     * @throws IllegalArgumentException naming the location if it is not {@code s3://bucket/...}
     */
    public static String manifestLocation(String location) {
        S3Location.parse(location);   // checks the form
        String trimmed = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        return trimmed.endsWith(".json") ? trimmed : trimmed + "/" + Manifest.FILE_NAME;
    }

    /** The whole object at {@code location} ({@code s3://bucket/key}), retried; used for the manifest. */
    @Override
    public InputStream open(String location) throws IOException {
        return new ByteArrayInputStream(fetcher.readAll(S3Location.parse(location)));
    }

    /** True: every shard this store hands out was verified against the manifest when it was downloaded. */
    @Override
    public boolean verifies() {
        return true;
    }

    @Override
    public Session session(List<Ref> plan) {
        return cache.session(plan);
    }

    /**
     * Uploads the shard set in {@code folder} (its {@code manifest.json} and the shards it lists, as {@link
     * org.dataloader4j.spark.ShardJob} writes them) to {@code location} ({@code s3://bucket/prefix}). Each shard is
     * first checked against the manifest's size and SHA-256 (a local shard that does not match is refused, naming
     * it), uploaded with the store's retries and checked with a HEAD request; the manifest goes last, so a reader
     * never finds a manifest whose shards are not all in place.
     *
     * @return the manifest uploaded
     * @throws IOException naming the file or object that could not be verified or uploaded
     */
    public Manifest upload(Path folder, String location) throws IOException {
        Path manifestFile = folder.resolve(Manifest.FILE_NAME);
        Manifest manifest = Manifest.parse(Files.readString(manifestFile), manifestFile.toString());
        String manifestLocation = manifestLocation(location);
        String base = manifestLocation.substring(0, manifestLocation.lastIndexOf('/'));
        for (Manifest.Shard shard : manifest.shards()) {
            Path file = folder.resolve(shard.file());
            String mismatch;
            try (InputStream in = Files.newInputStream(file)) {
                mismatch = Checksums.mismatch(shard, Checksums.sha256(in));
            }
            if (mismatch != null) {
                throw new IOException("not uploading " + file + ": it does not match " + manifestFile + ": " + mismatch);
            }
            fetcher.upload(file, S3Location.parse(base + "/" + shard.file()));
        }
        fetcher.upload(manifestFile, S3Location.parse(manifestLocation));
        return manifest;
    }

    /** What the store has downloaded, served from cache, waited for and retried so far. */
    public S3Statistics statistics() {
        return cache.statistics();
    }

    /** The folder of the disk cache. */
    public Path cacheDirectory() {
        return cacheDir;
    }

    /**
     * Stops the prefetch, deletes the cached shards (and the cache folder if the store created it) and closes the
     * S3 client if the store built it.
     */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cache.clear();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel, and the channel with the process
        }
        if (ownsCacheDir) {
            try (Stream<Path> files = Files.walk(cacheDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a temporary folder: nothing of the user's is lost if it stays
            }
        }
        if (ownsClient) {
            client.close();
        }
    }

    /**
     * One of the settings that {@link Builder#fromEnvironment()} reads: the system property
     * {@code dataloader4j.s3.NAME}, else the environment variable {@code DATALOADER4J_S3_NAME} (upper case, words
     * joined by {@code _}: {@code pathStyle} is {@code DATALOADER4J_S3_PATH_STYLE}), else null. Command-line tools
     * that configure other S3 clients (the shard command's S3A) read the same settings with it.
     *
     * @param name {@code endpoint}, {@code pathStyle}, {@code region}, {@code cacheDirectory} or {@code cacheBytes}
     * @return the setting's value, or null if it is not set
     */
    public static String environmentSetting(String name) {
        String property = System.getProperty("dataloader4j.s3." + name);
        return property != null ? property
                : System.getenv("DATALOADER4J_S3_" + name.replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT));
    }

    /** Options of an {@link S3ShardStore}. */
    public static final class Builder {
        private S3Client client;
        private URI endpoint;
        private boolean pathStyle;
        private String region;
        private AwsCredentialsProvider credentials;
        private Duration readTimeout = Duration.ofSeconds(30);
        private Path cacheDir;
        private long cacheBytes = 10L << 30;
        private long prefetchBytes = -1;
        private int prefetchShards = 2;
        private int downloadThreads = 4;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Duration waitTimeout = Duration.ofMinutes(10);

        private Builder() {
        }

        /**
         * A client of your own (its retries stay as you configured them, and it is not closed with the store);
         * without it the store builds one from the options below.
         */
        public Builder client(S3Client client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The endpoint of an S3-compatible store, for example {@code http://minio:9000}. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** Path-style requests ({@code http://host/bucket/key}), which most S3-compatible stores need. */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** The region (default: the SDK's region chain). */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /** The credentials (default: the SDK's default credentials chain). */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** How long a read may wait for the next bytes before the attempt fails and is retried (default 30 s). */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /**
         * The cache folder (default: a temporary folder, deleted on {@link #close()}). A store locks it (a second
         * store on the same folder, in any process, is refused) and on start deletes the cached shards an earlier
         * store left there.
         */
        public Builder cacheDirectory(Path dir) {
            this.cacheDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The cache's byte limit, at least the largest shard (default 10 GiB); exceeded by at most one shard. */
        public Builder cacheBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("cacheBytes must be positive, but got cacheBytes=" + bytes);
            }
            this.cacheBytes = bytes;
            return this;
        }

        /** At most this many bytes fetched ahead and not yet opened (default: the cache limit). */
        public Builder prefetchBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("prefetchBytes must not be negative, but got prefetchBytes="
                        + bytes);
            }
            this.prefetchBytes = bytes;
            return this;
        }

        /** How many shards beyond the one being read each consumer fetches ahead (default 2; 0: no prefetch). */
        public Builder prefetchShards(int shards) {
            if (shards < 0) {
                throw new IllegalArgumentException("prefetchShards must not be negative, but got prefetchShards="
                        + shards);
            }
            this.prefetchShards = shards;
            return this;
        }

        /** The size of the background download pool (default 4). */
        public Builder downloadThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("downloadThreads must be at least 1, but got downloadThreads="
                        + threads);
            }
            this.downloadThreads = threads;
            return this;
        }

        /** How failed downloads are retried (default {@link RetryPolicy#DEFAULT}). */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** How long a consumer waits for cache room held by other consumers' open shards (default 10 min). */
        public Builder waitTimeout(Duration timeout) {
            this.waitTimeout = positive(timeout, "waitTimeout");
            return this;
        }

        /**
         * Applies the settings given as system properties or environment variables (a property wins), for
         * command-line tools: {@code dataloader4j.s3.endpoint} / {@code DATALOADER4J_S3_ENDPOINT},
         * {@code dataloader4j.s3.pathStyle} / {@code DATALOADER4J_S3_PATH_STYLE} ({@code true} or {@code false}),
         * {@code dataloader4j.s3.region} / {@code DATALOADER4J_S3_REGION},
         * {@code dataloader4j.s3.cacheDirectory} / {@code DATALOADER4J_S3_CACHE_DIRECTORY} and
         * {@code dataloader4j.s3.cacheBytes} / {@code DATALOADER4J_S3_CACHE_BYTES}. Unset ones keep their value
         * (the SDK's own {@code AWS_ENDPOINT_URL_S3}, {@code AWS_REGION}, profiles and credentials apply as usual).
         *
         * @throws IllegalArgumentException naming the setting if a value is malformed
         */
        public Builder fromEnvironment() {
            return settings(S3ShardStore::environmentSetting);
        }

        Builder settings(Function<String, String> setting) {
            String v = setting.apply("endpoint");
            if (v != null) {
                try {
                    endpoint(URI.create(v));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the S3 endpoint setting is not a URI: \"" + v + "\"", e);
                }
            }
            v = setting.apply("pathStyle");
            if (v != null) {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException("the S3 pathStyle setting must be true or false, but is \""
                            + v + "\"");
                }
                pathStyle(Boolean.parseBoolean(v));
            }
            v = setting.apply("region");
            if (v != null) {
                region(v);
            }
            v = setting.apply("cacheDirectory");
            if (v != null) {
                cacheDirectory(Path.of(v));
            }
            v = setting.apply("cacheBytes");
            if (v != null) {
                try {
                    cacheBytes(Long.parseLong(v.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("the S3 cacheBytes setting is not a number of bytes: \"" + v
                            + "\"", e);
                }
            }
            return this;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, but got " + name + "=" + d);
            }
            return d;
        }

        /**
         * Builds the store (and its S3 client, unless one was given).
         *
         * @throws UncheckedIOException  if the cache folder cannot be created
         * @throws IllegalStateException if no region is set and the SDK's region chain finds none (without an
         *                               endpoint override)
         */
        public S3ShardStore build() {
            S3Client c = client != null ? client : buildClient();
            boolean ownsDir = cacheDir == null;
            Path dir = null;
            FileChannel channel = null;
            try {
                dir = ownsDir ? Files.createTempDirectory("dataloader4j-s3-cache") : Files.createDirectories(cacheDir);
                channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    throw new IllegalStateException("the shard cache folder " + dir + " is in use by another store"
                            + " (in this or another process); give each store its own cacheDirectory");
                }
                removeLeftovers(dir);
                return new S3ShardStore(this, c, client == null, dir, ownsDir, channel, lock);
            } catch (IOException | RuntimeException e) {
                if (client == null) {
                    c.close();
                }
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // closing a lock file we could not use
                    }
                }
                if (e instanceof IOException io) {
                    throw new UncheckedIOException("cannot use the shard cache folder " + (dir != null ? dir
                            : cacheDir) + ": " + e, io);
                }
                throw (RuntimeException) e;
            }
        }

        /**
         * Deletes the shards and partial downloads an earlier store left in the folder (its files are named
         * {@code <16 hex digits>-<shard file>}): they are not in this store's byte count, so they would let the
         * folder exceed the limit.
         */
        private static void removeLeftovers(Path dir) throws IOException {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    if (f.getFileName().toString().matches("[0-9a-f]{16}-.*") && Files.isRegularFile(f)) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }

        private S3Client buildClient() {
            S3ClientBuilder b = S3Client.builder()
                    .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(readTimeout)
                            .connectionTimeout(Duration.ofSeconds(10)))
                    // one retry loop, ours: it also retries truncated and corrupt bodies, and counts every retry
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    // the manifest's SHA-256 is the integrity check; S3-compatible stores vary in SDK checksums
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .forcePathStyle(pathStyle)
                    .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder()
                            .build());
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            if (region != null) {
                b.region(Region.of(region));
            } else {
                Region r;
                try {
                    r = DefaultAwsRegionProviderChain.builder().build().getRegion();
                } catch (SdkClientException e) {
                    if (endpoint == null) {
                        throw new IllegalStateException("no AWS region for the S3 client: set AWS_REGION (or the"
                                + " aws.region property, a profile's region, DATALOADER4J_S3_REGION, or"
                                + " S3ShardStore.builder().region(...))", e);
                    }
                    r = Region.US_EAST_1;   // an S3-compatible store behind an endpoint override ignores it
                }
                b.region(r);
            }
            return b.build();
        }
    }
}
