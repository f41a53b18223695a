package org.dataloader4j.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dataloader4j.stats.RunningStats;

/**
 * The aggregation buffer of {@link ReportAggregator}: shard reports by index, merged statistics, skipped inputs.
 * Public only because Spark's encoders refuse other classes; its fields are not part of the API.
 *
 * <pre>{@code
 * // not used directly: the job's Result carries the merged statistics and the skipped inputs
 * ShardJob.Result result = ShardJob.run(spark, images, out, ShardJob.options(8).onCorrupt(ShardJob.OnCorrupt.SKIP));
 * }</pre>
 */
public final class JobReport {
    Map<Integer, ShardReport> shards = new HashMap<>();
    RunningStats stats;
    List<String> skippedSources = new ArrayList<>();
    List<String> skippedReasons = new ArrayList<>();

    JobReport() {
    }

    JobReport add(ShardReport r) {
        ShardReport brief = new ShardReport();
        brief.shard = r.shard;
        brief.file = r.file;
        brief.samples = r.samples;
        brief.bytes = r.bytes;
        brief.sha256 = r.sha256;
        if (shards.put(r.shard, brief) != null) {
            throw new IllegalStateException("shard " + r.shard + " was reported twice");
        }
        mergeStats(r.stats);
        skippedSources.addAll(r.skippedSources);
        skippedReasons.addAll(r.skippedReasons);
        return this;
    }

    JobReport merge(JobReport other) {
        for (ShardReport r : other.shards.values()) {
            if (shards.put(r.shard, r) != null) {
                throw new IllegalStateException("shard " + r.shard + " was reported twice");
            }
        }
        mergeStats(other.stats);
        skippedSources.addAll(other.skippedSources);
        skippedReasons.addAll(other.skippedReasons);
        return this;
    }

    List<Manifest.Skipped> skipped() {
        List<Manifest.Skipped> list = new ArrayList<>();
        for (int i = 0; i < skippedSources.size(); i++) {
            list.add(new Manifest.Skipped(skippedSources.get(i), skippedReasons.get(i)));
        }
        return list;
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
