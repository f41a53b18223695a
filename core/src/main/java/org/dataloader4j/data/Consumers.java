package org.dataloader4j.data;

/**
 * How {@link LineDataset} and {@link NpyShardsDataset} split their input among the consumers of a stream (every
 * (rank, worker) pair, numbered by {@link WorkerInfo#consumer(int)}), so that each element goes to exactly one.
 */
final class Consumers {
    private Consumers() {
    }

    /** Start of part {@code part} of {@code total} items split into {@code parts} nearly equal parts. */
    static long splitPoint(long total, int part, int parts) {
        return (total / parts) * part + (total % parts) * part / parts;
    }
}
