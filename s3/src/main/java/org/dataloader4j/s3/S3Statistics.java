package org.dataloader4j.s3;

/**
 * What an {@link S3ShardStore} has done so far, for monitoring a training job's input pipeline.
 *
 * <pre>{@code
 * S3Statistics s = store.statistics();
 * log.info("downloaded {} MiB, {} hits, {} stalls ({} ms)", s.bytesDownloaded() >> 20, s.cacheHits(), s.stalls(),
 *         s.stallNanos() / 1_000_000);
 * }</pre>
 *
 * @param bytesDownloaded bytes received from the store, including attempts that were retried
 * @param downloads       shard downloads completed and verified
 * @param prefetches      of those, the downloads started ahead of need by the background prefetch
 * @param cacheHits       shard opens served from the cache without waiting
 * @param stalls          shard opens that had to wait for a download (their own or a prefetch in flight)
 * @param stallNanos      the total time opens waited
 * @param retries         download attempts that failed and were tried again
 * @param evictions       shards removed from the cache to make room
 * @param cacheBytes      bytes the cache holds now (downloads in progress counted at their full size)
 * @param peakCacheBytes  the most bytes the cache ever held
 * @param cacheLimit      the cache's byte limit
 */
public record S3Statistics(long bytesDownloaded, long downloads, long prefetches, long cacheHits, long stalls,
                           long stallNanos, long retries, long evictions, long cacheBytes, long peakCacheBytes,
                           long cacheLimit) {
}
