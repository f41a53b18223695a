package org.dataloader4j.loader;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 */
public record LoaderState(long seed, long epoch, long deliveredPrefix, long[] deliveredExtra, long batchesPerEpoch,
                          int numWorkers, Map<String, String> fingerprint) {
    private static final int VERSION = 2;

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

    /** {@return a small JSON object, for example {@code {"version":2,"seed":42,"epoch":3,"deliveredPrefix":17,...}}} */
    public String toJson() {
        return "{\"version\":" + VERSION + ",\"seed\":" + seed + ",\"epoch\":" + epoch + ",\"deliveredPrefix\":"
                + deliveredPrefix + ",\"deliveredExtra\":" + Arrays.toString(deliveredExtra).replace(" ", "")
                + ",\"batchesPerEpoch\":" + batchesPerEpoch + ",\"numWorkers\":" + numWorkers + ",\"fingerprint\":"
                + Json.write(fingerprint).replaceAll("\\n\\s*", "") + "}";
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
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported loader state version " + version + " (this library reads "
                    + VERSION + (version == 1 ? "; version 1 carries no fingerprint of the loader that saved it, so"
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
                fingerprint);
    }

    private static long number(Map<?, ?> fields, String name, String json) {
        if (!(fields.get(name) instanceof Long value)) {
            throw new IllegalArgumentException("loader state lacks the integer \"" + name + "\": " + json);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoaderState s && seed == s.seed && epoch == s.epoch && deliveredPrefix == s.deliveredPrefix
                && Arrays.equals(deliveredExtra, s.deliveredExtra) && batchesPerEpoch == s.batchesPerEpoch
                && numWorkers == s.numWorkers && fingerprint.equals(s.fingerprint);
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
