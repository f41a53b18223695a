package org.dataloader4j.spark.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.stats.RunningStats;

/**
 * The aggregation buffer of the shard job's report aggregator: shard reports by index, merged statistics, skipped inputs.
 * Internal, not an API: public (in a package the module does not export) because Spark's encoders refuse other
 * classes and {@code ShardJob} reads it.
 *
 * <pre>{@code
 * // not used directly: the job's Result carries the merged statistics and the skipped inputs
 * ShardJob.Result result = ShardJob.run(spark, images, out, ShardJob.options(8).onCorrupt(ShardJob.OnCorrupt.SKIP));
 * }</pre>
 */
public final class JobReport {
    /** The reports of the shards, by shard index, without their statistics (those are merged into {@link #stats}). */
    public Map<Integer, ShardReport> shards = new HashMap<>();
    /** The merged statistics of every shard's images, null before the first shard with images. */
    public RunningStats stats;
    /** The skipped inputs, parallel to {@link #skippedReasons}. */
    public List<String> skippedSources = new ArrayList<>();
    /** Why each input in {@link #skippedSources} was skipped. */
    public List<String> skippedReasons = new ArrayList<>();

    /** An empty report, the aggregation's zero. */
    public JobReport() {
    }

    /** Adds one shard's report; a shard reported twice is an {@link IllegalStateException}. */
    public JobReport add(ShardReport r) {
        ShardReport brief = new ShardReport();
        brief.shard = r.shard;
        brief.file = r.file;
        brief.samples = r.samples;
        brief.bytes = r.bytes;
        brief.sha256 = r.sha256;
        putShard(brief);
        absorb(r.stats, r.skippedSources, r.skippedReasons);
        return this;
    }

    /** Merges another partial report into this one; a shard in both is an {@link IllegalStateException}. */
    public JobReport merge(JobReport other) {
        for (ShardReport r : other.shards.values()) {
            putShard(r);
        }
        absorb(other.stats, other.skippedSources, other.skippedReasons);
        return this;
    }

    /** The skipped inputs as the manifest records them. */
    public List<Manifest.Skipped> skipped() {
        List<Manifest.Skipped> list = new ArrayList<>();
        for (int i = 0; i < skippedSources.size(); i++) {
            list.add(new Manifest.Skipped(skippedSources.get(i), skippedReasons.get(i)));
        }
        return list;
    }

    private void putShard(ShardReport r) {
        if (shards.put(r.shard, r) != null) {
            throw new IllegalStateException("shard " + r.shard + " was reported twice");
        }
    }

    /** Merges {@code s} into the statistics and appends the skipped inputs, {@code sources} parallel to {@code reasons}. */
    private void absorb(RunningStats s, List<String> sources, List<String> reasons) {
        mergeStats(s);
        skippedSources.addAll(sources);
        skippedReasons.addAll(reasons);
    }

    private void mergeStats(RunningStats s) {
        if (s == null || s.count() == 0) {
            return;
        }
        if (stats == null) {
            stats = new RunningStats(s.features());
        }
        stats.merge(s);
    }
}
