package org.dataloader4j.spark;

import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.dataloader4j.spark.internal.JobReport;
import org.dataloader4j.spark.internal.ShardReport;

/**
 * The Spark aggregator that combines the shard tasks' reports: shard files and counts, skipped inputs, and the
 * per-channel {@link org.dataloader4j.stats.RunningStats}, merged with {@code RunningStats.merge} (Chan et al.'s
 * parallel formula), so the statistics are exact up to rounding whatever the partitioning.
 */
final class ReportAggregator extends Aggregator<ShardReport, JobReport, JobReport> {
    @Override
    public JobReport zero() {
        return new JobReport();
    }

    @Override
    public JobReport reduce(JobReport buffer, ShardReport report) {
        return buffer.add(report);
    }

    @Override
    public JobReport merge(JobReport a, JobReport b) {
        return a.merge(b);
    }

    @Override
    public JobReport finish(JobReport reduction) {
        return reduction;
    }

    @Override
    public Encoder<JobReport> bufferEncoder() {
        return Encoders.kryo(JobReport.class);
    }

    @Override
    public Encoder<JobReport> outputEncoder() {
        return Encoders.kryo(JobReport.class);
    }
}
