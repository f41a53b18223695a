package org.dataloader4j.loader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        Map<String, Object> fields = new FlatJson(json).object();
        long version = number(fields, "version", json);
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported loader state version " + version + " (this library reads "
                    + VERSION + "): " + json);
        }
        Object extra = fields.get("deliveredExtra");
        if (!(extra instanceof long[] numbers)) {
            throw new IllegalArgumentException("loader state lacks the array \"deliveredExtra\": " + json);
        }
        return new LoaderState(number(fields, "seed", json), number(fields, "epoch", json),
                number(fields, "deliveredPrefix", json), numbers, number(fields, "batchesPerEpoch", json),
                Math.toIntExact(number(fields, "numWorkers", json)));
    }

    private static long number(Map<String, Object> fields, String name, String json) {
        if (!(fields.get(name) instanceof Long value)) {
            throw new IllegalArgumentException("loader state lacks the number \"" + name + "\": " + json);
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

    /** A parser for one flat JSON object whose values are integers or arrays of integers. */
    private static final class FlatJson {
        private final String text;
        private int at;

        FlatJson(String text) {
            this.text = text;
        }

        Map<String, Object> object() {
            Map<String, Object> fields = new LinkedHashMap<>();
            expect('{');
            if (peek() == '}') {
                at++;
                return fields;
            }
            do {
                String key = string();
                expect(':');
                fields.put(key, peek() == '[' ? array() : integer());
            } while (consume(','));
            expect('}');
            skipSpace();
            if (at != text.length()) {
                throw error("unexpected text after the object");
            }
            return fields;
        }

        private long[] array() {
            expect('[');
            List<Long> values = new ArrayList<>();
            if (peek() != ']') {
                do {
                    values.add(integer());
                } while (consume(','));
            }
            expect(']');
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        private String string() {
            expect('"');
            int end = text.indexOf('"', at);
            if (end < 0) {
                throw error("unterminated string");
            }
            String s = text.substring(at, end);
            at = end + 1;
            return s;
        }

        private long integer() {
            skipSpace();
            int start = at;
            if (at < text.length() && text.charAt(at) == '-') {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            try {
                return Long.parseLong(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("expected an integer");
            }
        }

        private char peek() {
            skipSpace();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            return text.charAt(at);
        }

        private boolean consume(char c) {
            if (peek() == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!consume(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not a loader state (" + what + " at character " + at + "): " + text);
        }
    }
}
