package org.dataloader4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.stats.RunningStats;

/**
 * What one Spark task reports about the shard it wrote: file, samples, bytes, the statistics of its images and
 * the inputs it skipped. Travels through Spark as a Kryo-encoded value (RunningStats is not Java-serializable).
 * Public only because Spark's encoders refuse other classes; its fields are not part of the API.
 *
 * <pre>{@code
 * // not used directly: the job's Result summarises the reports
 * ShardJob.Result result = ShardJob.run(spark, images, out, ShardJob.options(8));
 * }</pre>
 */
public final class ShardReport {
    int shard;
    String file;
    long samples;
    long bytes;
    /** The SHA-256 of the shard file, lower-case hex. */
    String sha256;
    RunningStats stats;
    /** Skipped inputs as parallel lists (Kryo cannot rebuild records). */
    List<String> skippedSources = new ArrayList<>();
    List<String> skippedReasons = new ArrayList<>();

    void skip(String source, String reason) {
        skippedSources.add(source);
        skippedReasons.add(reason);
    }

    ShardReport() {
    }
}
