package org.dataloader4j.spark.internal;

import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.stats.RunningStats;

/**
 * What one Spark task reports about the shard it wrote: file, samples, bytes, the statistics of its images and
 * the inputs it skipped. Travels through Spark as a Kryo-encoded value (RunningStats is not Java-serializable).
 * Internal, not an API: public (in a package the module does not export) because Spark's encoders refuse other
 * classes and {@code ShardJob} reads it.
 *
 * <pre>{@code
 * // not used directly: the job's Result summarises the reports
 * ShardJob.Result result = ShardJob.run(spark, images, out, ShardJob.options(8));
 * }</pre>
 */
public final class ShardReport {
    /** The shard's index. */
    public int shard;
    /** The shard's file name. */
    public String file;
    /** The samples written. */
    public long samples;
    /** The shard file's size in bytes. */
    public long bytes;
    /** The SHA-256 of the shard file, lower-case hex. */
    public String sha256;
    /** The statistics of the shard's images. */
    public RunningStats stats;
    /** Skipped inputs as parallel lists (Kryo cannot rebuild records). */
    public List<String> skippedSources = new ArrayList<>();
    /** Why each input in {@link #skippedSources} was skipped. */
    public List<String> skippedReasons = new ArrayList<>();

    /** Records an input that was skipped and why. */
    public void skip(String source, String reason) {
        skippedSources.add(source);
        skippedReasons.add(reason);
    }

    /** An empty report (Kryo and the shard writer fill it in). */
    public ShardReport() {
    }
}
