package org.dataloader4j.loader;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.io.internal.Json;

/**
 * Where a {@link DataLoader} stands within an epoch: enough to continue it later, bitwise identical
 * to an uninterrupted run. Save it next to a model checkpoint ({@link #toJson()}), and give it to
 * {@link DataLoader#resume(LoaderState)} of a loader built with the same dataset and options.
 *
 * <pre>{@code
 * String saved = loader.state().toJson();          // after any batch
 * ...
 * LoaderState state = LoaderState.fromJson(saved);
 * for (Batch batch : restarted.resume(state)) train(batch);       // the rest of that epoch
 * for (long e = state.epoch() + 1; e < epochs; e++)
 *     for (Batch batch : restarted.epoch(e)) train(batch);
 * }</pre>
 *
 * @param seed            the loader's seed (a resumed loader must have the same)
 * @param epoch           the epoch being loaded
 * @param deliveredPrefix every batch numbered below this was delivered
 * @param deliveredExtra  batches at or above the prefix that were delivered too (only with {@code inOrder(false)})
 * @param batchesPerEpoch batches per epoch of a map-style dataset, -1 for an {@code IterableDataset}
 * @param numWorkers      the worker count, which decides the order of an {@code IterableDataset}'s batches
 * @param fingerprint     what fixes the epoch's batches, by name (dataset size and identity, batch sampler with
 *                        its batch size, drop-last, shuffling, seed, rank and world size; a stream's identity):
 *                        {@link DataLoader#resume} refuses a state whose fingerprint differs from the loader's
 * @param stream          for an {@code IterableDataset}: the elements each worker's share consumed, whose batch comes
 *                        next and, for an elastic stream, the rank and the epoch's earlier runs; null for a
 *                        map-style dataset
 */
public record LoaderState(long seed, long epoch, long deliveredPrefix, long[] deliveredExtra, long batchesPerEpoch,
                          int numWorkers, Map<String, String> fingerprint, StreamProgress stream) {
    private static final int VERSION = 3;

    /** Validates the fields and copies the array and the map. */
    public LoaderState {
        fingerprint = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(fingerprint));
        Preconditions.checkNonNegative("epoch", epoch);
        Preconditions.checkNonNegative("deliveredPrefix", deliveredPrefix);
        Preconditions.checkNonNegative("numWorkers", numWorkers);
        deliveredExtra = deliveredExtra.clone();
        for (long n : deliveredExtra) {
            if (n <= deliveredPrefix) {
                throw new IllegalArgumentException("deliveredExtra must hold batch numbers above deliveredPrefix="
                        + deliveredPrefix + ", but holds " + n);
            }
            if (batchesPerEpoch >= 0 && n >= batchesPerEpoch) {
                throw new IllegalArgumentException("deliveredExtra must hold batch numbers below batchesPerEpoch="
                        + batchesPerEpoch + ", but holds " + n);
            }
        }
        if (batchesPerEpoch >= 0 && deliveredPrefix > batchesPerEpoch) {
            throw new IllegalArgumentException("deliveredPrefix=" + deliveredPrefix + " is past the end of an epoch of "
                    + batchesPerEpoch + " batches");
        }
    }

    /**
     * A state without stream progress: that of a map-style dataset.
     *
     * @param seed the loader's seed
     * @param epoch the epoch being loaded
     * @param deliveredPrefix every batch numbered below this was delivered
     * @param deliveredExtra batches at or above the prefix that were delivered too
     * @param batchesPerEpoch batches per epoch of a map-style dataset
     * @param numWorkers the worker count
     * @param fingerprint what fixes the epoch's batches, by name
     */
    public LoaderState(long seed, long epoch, long deliveredPrefix, long[] deliveredExtra, long batchesPerEpoch,
                       int numWorkers, Map<String, String> fingerprint) {
        this(seed, epoch, deliveredPrefix, deliveredExtra, batchesPerEpoch, numWorkers, fingerprint, null);
    }

    /**
     * Merges the states that every rank of an elastic stream's job saved at the same point (as a DDP job's ranks do
     * after the same step) into one state that resumes the rest of the epoch on any number of ranks and workers:
     * each new rank gives the merged state to its loader's {@link DataLoader#resume}, and the ranks together receive
     * exactly the elements that no old rank delivered, in the epoch's global order, none lost and none repeated.
     * States merged earlier are kept as the epoch's earlier runs, so a job can change its size any number of times.
     *
     * <pre>{@code
     * List<LoaderState> all = ranks.stream().map(r -> LoaderState.fromJson(read("loader-" + r + ".json"))).toList();
     * LoaderState merged = LoaderState.merge(all);           // on every new rank, the same
     * for (Batch b : loader.resume(merged)) step(b);           // this rank's part of the rest of the epoch
     * }</pre>
     *
     * @param states one state per rank of the old job, in any order (or copies of one merged state)
     * @return the merged state
     * @throws IllegalArgumentException naming the problem if a state is not of an elastic stream, the states disagree
     *         on the seed, epoch, stream or batch size, or the ranks are not each present exactly once
     */
    public static LoaderState merge(java.util.Collection<LoaderState> states) {
        if (states.isEmpty()) {
            throw new IllegalArgumentException("merge needs the states of all ranks, but got none");
        }
        LoaderState first = states.iterator().next();
        for (LoaderState s : states) {
            if (s.stream == null || (s.stream.partition() == null && !s.stream.isMerged())) {
                throw new IllegalArgumentException("only the states of an elastic stream (IterableDataset."
                        + "elasticPartition() present) can be merged, but got " + s);
            }
            if (s.seed != first.seed || s.epoch != first.epoch || !Objects.equals(s.fingerprint.get("stream"),
                    first.fingerprint.get("stream"))) {
                throw new IllegalArgumentException("the states to merge must come from one job at one point (same seed,"
                        + " epoch and stream), but " + s + " differs from " + first);
            }
        }
        if (first.stream.isMerged()) {
            for (LoaderState s : states) {
                if (!s.equals(first)) {
                    throw new IllegalArgumentException("a merged state can only be merged with copies of itself, but got"
                            + " " + s + " and " + first);
                }
            }
            return first;
        }
        int worldSize = first.stream.partition().worldSize();
        int workers = first.stream.consumed().length;
        LoaderState[] byRank = new LoaderState[worldSize];
        for (LoaderState s : states) {
            StreamProgress p = s.stream;
            if (p.isMerged() || p.partition().worldSize() != worldSize || p.consumed().length != workers
                    || p.batchSize() != first.stream.batchSize() || !p.earlierRuns().equals(first.stream.earlierRuns())) {
                throw new IllegalArgumentException("the states to merge must come from one job (world size, workers,"
                        + " batch size and earlier runs alike), but " + s + " differs from " + first);
            }
            int rank = p.partition().rank();
            if (byRank[rank] != null) {
                throw new IllegalArgumentException("rank " + rank + " of " + worldSize + " has two states to merge: "
                        + byRank[rank] + " and " + s);
            }
            byRank[rank] = s;
        }
        long[][] consumed = new long[worldSize][];
        for (int r = 0; r < worldSize; r++) {
            if (byRank[r] == null) {
                throw new IllegalArgumentException("merge needs the state of every rank of the old job, but rank " + r
                        + " of " + worldSize + " is missing");
            }
            consumed[r] = byRank[r].stream.consumed();
        }
        java.util.List<org.dataloader4j.data.ElasticRun> runs = new java.util.ArrayList<>(first.stream.earlierRuns());
        runs.add(new org.dataloader4j.data.ElasticRun(worldSize, workers, first.stream.batchSize(), consumed));
        Map<String, String> fingerprint = new TreeMap<>();
        fingerprint.put("stream", first.fingerprint.get("stream"));
        return new LoaderState(first.seed, first.epoch, 0, new long[0], first.batchesPerEpoch, 0, fingerprint,
                new StreamProgress(first.stream.batchSize(), new long[0], 0, null, runs));
    }

    /** {@return a copy of the extra delivered batch numbers} */
    @Override
    public long[] deliveredExtra() {
        return deliveredExtra.clone();
    }

    /** {@return number of batches of the epoch already delivered} */
    public long deliveredCount() {
        return deliveredPrefix + deliveredExtra.length;
    }

    /**
     * What differs between this state's fingerprint and {@code other}, one line per entry ("batch sampler: saved
     * X, this loader Y"); empty when they agree.
     */
    String differences(Map<String, String> other) {
        StringBuilder sb = new StringBuilder();
        java.util.TreeSet<String> names = new java.util.TreeSet<>(fingerprint.keySet());
        names.addAll(other.keySet());
        for (String name : names) {
            String saved = fingerprint.get(name);
            String now = other.get(name);
            if (!java.util.Objects.equals(saved, now)) {
                sb.append(sb.isEmpty() ? "" : "; ").append(name).append(": saved ")
                        .append(saved == null ? "(none)" : saved).append(", this loader ")
                        .append(now == null ? "(none)" : now);
            }
        }
        return sb.toString();
    }

    /** {@return a small JSON object, for example {@code {"version":3,"seed":42,"epoch":3,"deliveredPrefix":17,...}}} */
    public String toJson() {
        return "{\"version\":" + VERSION + ",\"seed\":" + seed + ",\"epoch\":" + epoch + ",\"deliveredPrefix\":"
                + deliveredPrefix + ",\"deliveredExtra\":" + Arrays.toString(deliveredExtra).replace(" ", "")
                + ",\"batchesPerEpoch\":" + batchesPerEpoch + ",\"numWorkers\":" + numWorkers + ",\"fingerprint\":"
                + Json.write(fingerprint).replaceAll("\\n\\s*", "") + ",\"stream\":"
                + (stream == null ? "null" : Json.write(stream.toMap()).replaceAll("\\n\\s*", "")) + "}";
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @param json what {@link #toJson()} wrote
     * @return the state
     * @throws IllegalArgumentException naming the problem when the text is not such a state
     */
    public static LoaderState fromJson(String json) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a loader state (" + e.getMessage() + "): " + json, e);
        }
        if (!(parsed instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException("not a loader state (expected a JSON object): " + json);
        }
        long version = number(fields, "version", json);
        if (version != VERSION && version != 2) {
            throw new IllegalArgumentException("unsupported loader state version " + version + " (this library reads "
                    + "2 and " + VERSION + (version == 1 ? "; version 1 carries no fingerprint of the loader that saved it, so"
                    + " resuming it cannot be checked: restart the epoch it was saved in" : "") + "): " + json);
        }
        if (!(fields.get("fingerprint") instanceof Map<?, ?> saved)
                || !saved.values().stream().allMatch(v -> v instanceof String)) {
            throw new IllegalArgumentException("loader state lacks the object of strings \"fingerprint\": " + json);
        }
        Map<String, String> fingerprint = new TreeMap<>();
        saved.forEach((k, v) -> fingerprint.put((String) k, (String) v));
        if (!(fields.get("deliveredExtra") instanceof List<?> extra)
                || !extra.stream().allMatch(n -> n instanceof Long)) {
            throw new IllegalArgumentException("loader state lacks the array of integers \"deliveredExtra\": " + json);
        }
        return new LoaderState(number(fields, "seed", json), number(fields, "epoch", json),
                number(fields, "deliveredPrefix", json), extra.stream().mapToLong(n -> (Long) n).toArray(),
                number(fields, "batchesPerEpoch", json), Math.toIntExact(number(fields, "numWorkers", json)),
                fingerprint, fields.get("stream") == null ? null : StreamProgress.fromMap(fields.get("stream"), json));
    }

    private static long number(Map<?, ?> fields, String name, String json) {
        return number("loader state", fields, name, json);
    }

    /** The integer field {@code name} of {@code fields}, part {@code what} of the state {@code json}; refused naming it. */
    static long number(String what, Map<?, ?> fields, String name, String json) {
        if (!(fields.get(name) instanceof Long value)) {
            throw new IllegalArgumentException(what + " lacks the integer \"" + name + "\": " + json);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoaderState s && seed == s.seed && epoch == s.epoch && deliveredPrefix == s.deliveredPrefix
                && Arrays.equals(deliveredExtra, s.deliveredExtra) && batchesPerEpoch == s.batchesPerEpoch
                && numWorkers == s.numWorkers && fingerprint.equals(s.fingerprint) && Objects.equals(stream, s.stream);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seed) * 31 + Long.hashCode(epoch) * 17 + Long.hashCode(deliveredPrefix)
                + Arrays.hashCode(deliveredExtra);
    }

    @Override
    public String toString() {
        return "LoaderState" + toJson();
    }
}
