package org.dataloader4j.data;

import java.util.ArrayList;
import java.util.Collections;
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
        Objects.requireNonNull(datasets, "datasets");
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("ConcatDataset needs at least one dataset, but got an empty list");
        }
        List<Dataset<? extends T>> parts = new ArrayList<>(datasets.size());
        long[] cumulative = new long[datasets.size()];
        long total = 0;
        int maxDepth = 0;
        for (int i = 0; i < datasets.size(); i++) {
            Dataset<? extends T> d = datasets.get(i);
            if (d == null) {
                throw new NullPointerException("dataset " + i + " is null");
            }
            long n = d.size();
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
            parts.add(d);
            maxDepth = Math.max(maxDepth, TransformDepth.of(d));
        }
        this.datasets = Collections.unmodifiableList(parts);
        this.cumulativeSizes = cumulative;
        this.depth = maxDepth;
    }

    /**
     * {@return the concatenation of {@code datasets}, in order; see {@link #ConcatDataset(List)}}
     *
     * @param <T> the sample type
     * @param datasets the datasets to concatenate
     */
    @SafeVarargs
    public static <T> ConcatDataset<T> of(Dataset<? extends T>... datasets) {
        Objects.requireNonNull(datasets, "datasets");
        List<Dataset<? extends T>> list = new ArrayList<>(datasets.length);
        for (Dataset<? extends T> d : datasets) {
            list.add(d);   // nulls pass through, so the constructor names their position
        }
        return new ConcatDataset<>(list);
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
