package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dataloader4j.data.ElasticRun;
import org.dataloader4j.data.Partition;
import org.dataloader4j.internal.Preconditions;

/**
 * The part of a {@link LoaderState} that says where an {@code IterableDataset}'s epoch stands: how many elements of
 * each worker's share the delivered batches (and failures in their place) consumed, and whose batch comes next. A
 * resumed loader opens each share after its consumed elements ({@code IterableDataset.iterator(worker,
 * StreamStart)}), so nothing delivered is read, transformed or decoded again where the stream can pass over elements.
 * For an elastic stream it also holds the rank and the earlier runs of the epoch; the states of all ranks merge
 * ({@link LoaderState#merge}) into one whose {@link #consumed()} is empty and whose last earlier run holds every rank's
 * counts, which resumes on any world size and worker count.
 *
 * <pre>{@code
 * StreamProgress p = loader.state().stream();
 * p.consumed();      // e.g. [128, 64]: worker 0 consumed 128 elements of its share, worker 1 64
 * p.nextWorker();    // 0: worker 0's batch comes next
 * }</pre>
 *
 * @param batchSize   the loader's batch size
 * @param consumed    per worker (one entry at {@code numWorkers = 0}), the elements of its share consumed by what the
 *                    consumer received; empty in a state merged from all ranks
 * @param nextWorker  the worker whose batch the consumer takes next
 * @param partition   the rank of an elastic stream; null for other streams and in a merged state
 * @param earlierRuns the runs of this epoch before this one (elastic streams resumed from a merged state)
 */
public record StreamProgress(int batchSize, long[] consumed, int nextWorker, Partition partition,
                             List<ElasticRun> earlierRuns) {

    /** Validates the fields and copies the array and the list. */
    public StreamProgress {
        Preconditions.checkPositive("batchSize", batchSize);
        consumed = consumed.clone();
        for (int w = 0; w < consumed.length; w++) {
            Preconditions.checkNonNegative("consumed[" + w + "]", consumed[w]);
        }
        if (nextWorker < 0 || (consumed.length > 0 && nextWorker >= consumed.length)) {
            throw new IllegalArgumentException("nextWorker must be in [0, " + Math.max(1, consumed.length)
                    + "), but got " + nextWorker);
        }
        earlierRuns = List.copyOf(earlierRuns);
    }

    /** {@return a copy of the per-worker counts} */
    @Override
    public long[] consumed() {
        return consumed.clone();
    }

    /** {@return true for a state merged from all ranks of an elastic stream, which any rank of any world resumes} */
    public boolean isMerged() {
        return consumed.length == 0;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batchSize", (long) batchSize);
        m.put("consumed", consumed);
        m.put("nextWorker", (long) nextWorker);
        if (partition != null) {
            m.put("rank", (long) partition.rank());
            m.put("worldSize", (long) partition.worldSize());
        }
        List<Object> runs = new ArrayList<>();
        for (ElasticRun run : earlierRuns) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("worldSize", (long) run.worldSize());
            r.put("numWorkers", (long) run.numWorkers());
            r.put("batchSize", (long) run.batchSize());
            r.put("consumed", Arrays.stream(run.consumed()).map(row -> (Object) row).toList());
            runs.add(r);
        }
        m.put("earlierRuns", runs);
        return m;
    }

    static StreamProgress fromMap(Object value, String json) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("loader state's \"stream\" is not an object: " + json);
        }
        Partition partition = m.containsKey("rank") ? new Partition(Math.toIntExact(number(m, "rank", json)),
                Math.toIntExact(number(m, "worldSize", json))) : null;
        if (!(m.get("earlierRuns") instanceof List<?> list)) {
            throw new IllegalArgumentException("loader state's \"stream\" lacks the array \"earlierRuns\": " + json);
        }
        List<ElasticRun> runs = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> r) || !(r.get("consumed") instanceof List<?> rows)) {
                throw new IllegalArgumentException("loader state's \"earlierRuns\" holds an entry that is not a run: "
                        + json);
            }
            long[][] consumed = new long[rows.size()][];
            for (int i = 0; i < consumed.length; i++) {
                consumed[i] = longs(rows.get(i), "earlierRuns consumed", json);
            }
            runs.add(new ElasticRun(Math.toIntExact(number(r, "worldSize", json)),
                    Math.toIntExact(number(r, "numWorkers", json)), Math.toIntExact(number(r, "batchSize", json)),
                    consumed));
        }
        return new StreamProgress(Math.toIntExact(number(m, "batchSize", json)), longs(m.get("consumed"), "consumed",
                json), Math.toIntExact(number(m, "nextWorker", json)), partition, runs);
    }

    private static long number(Map<?, ?> fields, String name, String json) {
        return LoaderState.number("loader state's \"stream\"", fields, name, json);
    }

    private static long[] longs(Object value, String name, String json) {
        if (!(value instanceof List<?> list) || !list.stream().allMatch(n -> n instanceof Long)) {
            throw new IllegalArgumentException("loader state's \"stream\" lacks the array of integers \"" + name
                    + "\": " + json);
        }
        return list.stream().mapToLong(n -> (Long) n).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamProgress p && batchSize == p.batchSize && Arrays.equals(consumed, p.consumed)
                && nextWorker == p.nextWorker && Objects.equals(partition, p.partition)
                && earlierRuns.equals(p.earlierRuns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(batchSize, Arrays.hashCode(consumed), nextWorker, partition, earlierRuns);
    }

    @Override
    public String toString() {
        return "StreamProgress" + org.dataloader4j.io.internal.Json.write(toMap()).replaceAll("\\n\\s*", "");
    }
}
