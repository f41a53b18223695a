package org.dataloader4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Several datasets one after another, PyTorch's {@code ConcatDataset}: indices {@code 0 .. n0 - 1}
 * are the first dataset's samples, the next {@code n1} the second's, and so on. Finding the part of
 * an index is a binary search over the cumulative sizes, so a concatenation of thousands of parts
 * stays fast. Empty parts are allowed and simply contribute no index.
 *
 * <p>The parts' sizes are read once, at construction: like every {@link Dataset}, a part must not
 * change its size afterwards.
 *
 * <pre>{@code
 * Dataset<String> train = Datasets.of(List.of("a", "b"));
 * Dataset<String> extra = Datasets.of(List.of("c"));
 * ConcatDataset<String> all = ConcatDataset.of(train, extra);
 * all.size();   // 3
 * all.get(2);   // "c" (index 0 of the second part)
 * }</pre>
 *
 * @param <T> the type of one sample
 */
public final class ConcatDataset<T> implements Dataset<T>, TransformDepth {
    private final List<Dataset<? extends T>> datasets;
    private final long[] cumulativeSizes;
    private final int depth;

    /**
     * The concatenation of {@code datasets}, in order.
     *
     * @param datasets the datasets to concatenate
     * @throws IllegalArgumentException if the list is empty or the total size overflows a {@code long}
     * @throws NullPointerException     if the list or one of its datasets is null (naming its position)
     */
    public ConcatDataset(List<? extends Dataset<? extends T>> datasets) {
        this.datasets = Datasets.checkParts("ConcatDataset", datasets);
        long[] cumulative = new long[this.datasets.size()];
        long total = 0;
        for (int i = 0; i < cumulative.length; i++) {
            long n = this.datasets.get(i).size();
            if (n < 0) {
                throw new IllegalArgumentException("dataset " + i + " reports a negative size " + n);
            }
            try {
                total = Math.addExact(total, n);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the total size overflows a long at dataset " + i + " (size " + n
                        + ", after " + total + " samples)", e);
            }
            cumulative[i] = total;
        }
        this.cumulativeSizes = cumulative;
        this.depth = TransformDepth.deepest(this.datasets);
    }

    /**
     * {@return the concatenation of {@code datasets}, in order; see {@link #ConcatDataset(List)}}
     *
     * @param <T> the sample type
     * @param datasets the datasets to concatenate
     */
    @SafeVarargs
    public static <T> ConcatDataset<T> of(Dataset<? extends T>... datasets) {
        // nulls pass through, so the constructor names their position
        return new ConcatDataset<>(Arrays.asList(Objects.requireNonNull(datasets, "datasets")));
    }

    /** {@return the parts, in order (an unmodifiable list)} */
    public List<Dataset<? extends T>> datasets() {
        return datasets;
    }

    /**
     * {@return a copy of the running totals of the parts' sizes: element {@code k} is the number of samples in parts
     * {@code 0 .. k}, so the last element is {@link #size()}}
     */
    public long[] cumulativeSizes() {
        return cumulativeSizes.clone();
    }

    @Override
    public long size() {
        return cumulativeSizes[cumulativeSizes.length - 1];
    }

    /**
     * Sample {@code index}: sample {@code index - (samples in earlier parts)} of the part that holds it.
     *
     * @throws IndexOutOfBoundsException naming the index and the size
     */
    @Override
    public T get(long index) {
        Datasets.checkIndex(index, size());
        int part = partOf(index);
        return datasets.get(part).get(localIndex(part, index));
    }

    /**
     * Each part's {@code getBatch} of its local indices, once per part that holds some of {@code indices}, the
     * samples put back in the order of {@code indices}: a part that reads batches at once keeps doing so. Inside a
     * loader each part's call sees the contexts of its own slots ({@link BatchContext#part}).
     *
     * @throws IndexOutOfBoundsException naming an index and the size
     */
    @Override
    @SuppressWarnings("unchecked") // each part's samples are Ts; the lists are only read
    public List<T> getBatch(long[] indices) {
        Split split = split(indices);
        if (split.parts() == 1) {
            return (List<T>) datasets.get(split.groupPart()[0]).getBatch(split.local());
        }
        BatchContext batch = BatchContext.current().orElse(null);
        Object[] out = new Object[indices.length];
        for (int g = 0; g < split.parts(); g++) {
            int p = split.groupPart()[g];
            int[] slots = split.slots(g);
            long[] local = new long[slots.length];
            for (int k = 0; k < slots.length; k++) {
                local[k] = split.local()[slots[k]];
            }
            Dataset<? extends T> part = datasets.get(p);
            List<? extends T> samples = batch == null ? part.getBatch(local)
                    : BatchContext.callWith(batch.part(slots), () -> part.getBatch(local));
            if (samples.size() != slots.length) {
                throw new IllegalStateException("dataset " + p + "'s getBatch returned " + samples.size()
                        + " samples for " + slots.length + " indices");
            }
            for (int k = 0; k < slots.length; k++) {
                out[slots[k]] = samples.get(k);
            }
        }
        return (List<T>) java.util.Arrays.asList(out);
    }

    /**
     * Rows when every (non-empty) part has rows of the same layout: each part copies the rows of its own samples.
     */
    @Override
    public Optional<TensorRows> tensorRows() {
        List<TensorRows> parts = new ArrayList<>(datasets.size());
        List<TensorRows.Row> layout = null;
        for (Dataset<? extends T> d : datasets) {
            Optional<TensorRows> rows = d.size() == 0 ? Optional.empty() : d.tensorRows();
            if (d.size() != 0 && (rows.isEmpty() || layout != null && !layout.equals(rows.get().layout()))) {
                return Optional.empty();
            }
            parts.add(rows.orElse(null));
            if (rows.isPresent()) {
                layout = rows.get().layout();
            }
        }
        if (layout == null) {
            return Optional.empty();
        }
        List<TensorRows.Row> rowLayout = layout;
        return Optional.of(new TensorRows() {
            @Override
            public List<Row> layout() {
                return rowLayout;
            }

            @Override
            public void copyRows(long[] indices, int[] rows, List<org.dataloader4j.tensor.Tensor> batch) {
                Split split = split(indices);
                for (int g = 0; g < split.parts(); g++) {
                    int p = split.groupPart()[g];
                    int[] slots = split.slots(g);
                    long[] local = new long[slots.length];
                    int[] into = new int[slots.length];
                    for (int k = 0; k < slots.length; k++) {
                        local[k] = split.local()[slots[k]];
                        into[k] = rows[slots[k]];
                    }
                    parts.get(p).copyRows(local, into, batch);
                }
            }
        });
    }

    /**
     * {@code indices} by part: each slot's local index, and the slots grouped by part (each group
     * in slot order): group {@code g} is {@code bySlot[starts[g] .. starts[g + 1])}, all in part {@code groupPart[g]}.
     */
    private record Split(long[] local, int[] bySlot, int[] starts, int[] groupPart) {
        int parts() {
            return groupPart.length;
        }

        /** The slots of group {@code g}. */
        int[] slots(int g) {
            return java.util.Arrays.copyOfRange(bySlot, starts[g], starts[g + 1]);
        }
    }

    private Split split(long[] indices) {
        long[] local = new long[indices.length];
        long[] keys = new long[indices.length]; // part, then slot: sorting groups the slots by part, in slot order
        for (int slot = 0; slot < indices.length; slot++) {
            Datasets.checkIndex(indices[slot], size());
            int p = partOf(indices[slot]);
            local[slot] = localIndex(p, indices[slot]);
            keys[slot] = (long) p << 32 | slot;
        }
        java.util.Arrays.sort(keys);
        int[] bySlot = new int[indices.length];
        int[] starts = new int[indices.length + 1];
        int[] groupPart = new int[indices.length];
        int groups = 0;
        for (int k = 0; k < keys.length; k++) {
            int p = (int) (keys[k] >>> 32);
            bySlot[k] = (int) keys[k];
            if (groups == 0 || groupPart[groups - 1] != p) {
                starts[groups] = k;
                groupPart[groups++] = p;
            }
        }
        starts[groups] = indices.length;
        return new Split(local, bySlot, java.util.Arrays.copyOf(starts, groups + 1),
                java.util.Arrays.copyOf(groupPart, groups));
    }

    /** The source named by the part that holds sample {@code index}, for that part's local index. */
    @Override
    public Optional<String> source(long index) {
        Datasets.checkIndex(index, size());
        int part = partOf(index);
        return datasets.get(part).source(localIndex(part, index));
    }

    @Override
    public int transformDepth() {
        return depth;
    }

    /** The first part whose cumulative size exceeds {@code index}; empty parts are skipped over. */
    private int partOf(long index) {
        int lo = 0;
        int hi = cumulativeSizes.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativeSizes[mid] > index) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private long localIndex(int part, long index) {
        return part == 0 ? index : index - cumulativeSizes[part - 1];
    }

    /** For example {@code ConcatDataset(size=5, parts=2)}. */
    @Override
    public java.util.Optional<String> fingerprint() {
        StringBuilder sb = new StringBuilder("Concat(");
        for (Dataset<? extends T> d : datasets) {
            sb.append(sb.length() == 7 ? "" : ", ").append(d.size()).append(d.fingerprint().map(f -> " " + f).orElse(""));
        }
        return java.util.Optional.of(sb.append(')').toString());
    }

    @Override
    public String toString() {
        return "ConcatDataset(size=" + size() + ", parts=" + datasets.size() + ")";
    }
}
