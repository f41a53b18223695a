package org.dataloader4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Several datasets of equal size side by side, PyTorch's {@code StackDataset}: sample {@code i} holds
 * sample {@code i} of every dataset, either as a list (in the order given) or as a map from names
 * (in the map's iteration order). Where {@link ConcatDataset} adds samples, this adds fields; where
 * {@link TensorDataset} pairs rows of tensors, this pairs any datasets, for example decoded images
 * with labels read from a table.
 *
 * <pre>{@code
 * Dataset<String> paths = Datasets.of(List.of("a.jpg", "b.jpg"));
 * Dataset<Long> labels = Datasets.of(List.of(3L, 7L));
 *
 * StackDataset<List<Object>> pairs = StackDataset.of(paths, labels);
 * pairs.get(1);      // ["b.jpg", 7]
 *
 * var named = new LinkedHashMap<String, Dataset<?>>();
 * named.put("image", paths);
 * named.put("label", labels);
 * StackDataset<Map<String, Object>> records = StackDataset.of(named);
 * records.get(1);    // {image=b.jpg, label=7}
 * }</pre>
 *
 * @param <T> the type of one sample: {@code List<Object>} or {@code Map<String, Object>}
 */
public final class StackDataset<T> implements Dataset<T>, TransformDepth {
    private final List<Dataset<?>> datasets;
    private final List<String> keys;   // empty for the positional form
    private final long size;
    private final int depth;

    private StackDataset(List<Dataset<?>> datasets, List<String> keys) {
        this.datasets = Collections.unmodifiableList(datasets);
        this.keys = keys;
        long first = datasets.getFirst().size();
        for (int i = 0; i < datasets.size(); i++) {
            long n = datasets.get(i).size();
            if (n != first) {
                throw new IllegalArgumentException(name(i) + " has size " + n + " but " + name(0) + " has size " + first
                        + ": all datasets must have the same size");
            }
        }
        this.size = first;
        this.depth = TransformDepth.deepest(datasets);
    }

    /**
     * Stacks {@code datasets}: sample {@code i} is the unmodifiable list of each dataset's sample {@code i}, in order.
     *
     * @param datasets the datasets, all of the same size
     * @return the stacked dataset
     * @throws IllegalArgumentException if there is no dataset, or two sizes differ (naming both positions and sizes)
     * @throws NullPointerException     if a dataset is null (naming its position)
     */
    public static StackDataset<List<Object>> of(Dataset<?>... datasets) {
        Objects.requireNonNull(datasets, "datasets");
        if (datasets.length == 0) {
            throw new IllegalArgumentException("StackDataset needs at least one dataset, but got none");
        }
        for (int i = 0; i < datasets.length; i++) {
            if (datasets[i] == null) {
                throw new NullPointerException("dataset " + i + " is null");
            }
        }
        return new StackDataset<>(new ArrayList<>(Arrays.asList(datasets)), List.of());
    }

    /**
     * Stacks named datasets: sample {@code i} is an unmodifiable map from each key to that dataset's
     * sample {@code i}, iterating in the order of {@code datasets} (use a {@link LinkedHashMap} to choose it).
     *
     * @param datasets the datasets by name, all of the same size
     * @return the stacked dataset
     * @throws IllegalArgumentException if the map is empty, or two sizes differ (naming both keys and sizes)
     * @throws NullPointerException     if a key or a dataset is null (naming it)
     */
    public static StackDataset<Map<String, Object>> of(Map<String, ? extends Dataset<?>> datasets) {
        Objects.requireNonNull(datasets, "datasets");
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("StackDataset needs at least one dataset, but got an empty map");
        }
        List<String> keys = new ArrayList<>(datasets.size());
        List<Dataset<?>> parts = new ArrayList<>(datasets.size());
        for (Map.Entry<String, ? extends Dataset<?>> e : datasets.entrySet()) {
            if (e.getKey() == null) {
                throw new NullPointerException("the map of datasets has a null key (after keys " + keys + ")");
            }
            if (e.getValue() == null) {
                throw new NullPointerException("dataset '" + e.getKey() + "' is null");
            }
            keys.add(e.getKey());
            parts.add(e.getValue());
        }
        return new StackDataset<>(parts, List.copyOf(keys));
    }

    /** {@return the stacked datasets, in order (an unmodifiable list)} */
    public List<Dataset<?>> datasets() {
        return datasets;
    }

    /**
     * {@return the keys of a dataset made by {@link #of(Map)}, in order; empty for one made by {@link #of(Dataset[])}}
     */
    public List<String> keys() {
        return keys;
    }

    @Override
    public long size() {
        return size;
    }

    /**
     * Sample {@code index} of every dataset, as a list or a map (see the factories); both are unmodifiable
     * and allow null samples.
     *
     * @throws IndexOutOfBoundsException naming the index and the size
     */
    @Override
    @SuppressWarnings("unchecked")
    public T get(long index) {
        Datasets.checkIndex(index, size);
        SampleContext context = SampleContext.current(index);
        if (keys.isEmpty()) {
            Object[] row = new Object[datasets.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = readPart(context, i, index);
            }
            return (T) Collections.unmodifiableList(Arrays.asList(row));
        }
        LinkedHashMap<String, Object> row = LinkedHashMap.newLinkedHashMap(datasets.size());
        for (int i = 0; i < keys.size(); i++) {
            row.put(keys.get(i), readPart(context, i, index));
        }
        return (T) Collections.unmodifiableSequencedMap(row);
    }

    /** Reads part {@code part} in a branch of its own, so random transforms of different parts are independent. */
    private Object readPart(SampleContext context, int part, long index) {
        Dataset<?> dataset = datasets.get(part);
        return SampleContext.callWith(context.branch(part), () -> dataset.get(index));
    }

    /**
     * The sources the stacked datasets name for {@code index}: one alone as it is, several joined as
     * {@code "0: a.jpg, 1: labels.csv row 4"} (with keys instead of positions for the named form).
     */
    @Override
    public Optional<String> source(long index) {
        Datasets.checkIndex(index, size);
        List<String> labelled = new ArrayList<>();
        String last = null;
        for (int i = 0; i < datasets.size(); i++) {
            Optional<String> s = datasets.get(i).source(index);
            if (s.isPresent()) {
                last = s.get();
                labelled.add((keys.isEmpty() ? String.valueOf(i) : keys.get(i)) + ": " + last);
            }
        }
        return switch (labelled.size()) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(last);
            default -> Optional.of(String.join(", ", labelled));
        };
    }

    @Override
    public int transformDepth() {
        return depth;
    }

    private String name(int i) {
        return keys.isEmpty() ? "dataset " + i : "dataset '" + keys.get(i) + "'";
    }

    /** For example {@code StackDataset(size=2, keys=[image, label])} or {@code StackDataset(size=2, datasets=2)}. */
    @Override
    public java.util.Optional<String> fingerprint() {
        StringBuilder sb = new StringBuilder("Stack(").append(keys);
        for (Dataset<?> d : datasets) {
            sb.append(", ").append(d.fingerprint().orElse("?"));
        }
        return java.util.Optional.of(sb.append(')').toString());
    }

    @Override
    public String toString() {
        return "StackDataset(size=" + size + (keys.isEmpty() ? ", datasets=" + datasets.size() : ", keys=" + keys) + ")";
    }
}
