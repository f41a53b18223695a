package org.dataloader4j.loader;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dataloader4j.io.Json;

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
 */
public record LoaderState(long seed, long epoch, long deliveredPrefix, long[] deliveredExtra, long batchesPerEpoch,
                          int numWorkers) {
    private static final int VERSION = 1;

    /** Validates the fields and copies the array. */
    public LoaderState {
        if (epoch < 0 || deliveredPrefix < 0 || numWorkers < 0) {
            throw new IllegalArgumentException("epoch, deliveredPrefix and numWorkers must be non-negative, but got epoch="
                    + epoch + " deliveredPrefix=" + deliveredPrefix + " numWorkers=" + numWorkers);
        }
        deliveredExtra = deliveredExtra.clone();
        for (long n : deliveredExtra) {
            if (n <= deliveredPrefix) {
                throw new IllegalArgumentException("deliveredExtra must hold batch numbers above deliveredPrefix="
                        + deliveredPrefix + ", but holds " + n);
            }
        }
    }

    /** A copy of the extra delivered batch numbers. */
    @Override
    public long[] deliveredExtra() {
        return deliveredExtra.clone();
    }

    /** Number of batches of the epoch already delivered. */
    public long deliveredCount() {
        return deliveredPrefix + deliveredExtra.length;
    }

    /** A small JSON object, for example {@code {"version":1,"seed":42,"epoch":3,"deliveredPrefix":17,...}}. */
    public String toJson() {
        return "{\"version\":" + VERSION + ",\"seed\":" + seed + ",\"epoch\":" + epoch + ",\"deliveredPrefix\":"
                + deliveredPrefix + ",\"deliveredExtra\":" + Arrays.toString(deliveredExtra).replace(" ", "")
                + ",\"batchesPerEpoch\":" + batchesPerEpoch + ",\"numWorkers\":" + numWorkers + "}";
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
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
                    + VERSION + "): " + json);
        }
        if (!(fields.get("deliveredExtra") instanceof List<?> extra)
                || !extra.stream().allMatch(n -> n instanceof Long)) {
            throw new IllegalArgumentException("loader state lacks the array of integers \"deliveredExtra\": " + json);
        }
        return new LoaderState(number(fields, "seed", json), number(fields, "epoch", json),
                number(fields, "deliveredPrefix", json), extra.stream().mapToLong(n -> (Long) n).toArray(),
                number(fields, "batchesPerEpoch", json), Math.toIntExact(number(fields, "numWorkers", json)));
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
                && numWorkers == s.numWorkers;
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
