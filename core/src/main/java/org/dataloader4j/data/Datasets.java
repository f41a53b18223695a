package org.dataloader4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.random.Shuffle;

/**
 * Static helpers for datasets: index checking for implementations, an in-memory dataset, and
 * reproducible random splits.
 *
 * <pre>{@code
 * public Sample get(long index) {
 *     Datasets.checkIndex(index, size());
 *     ...
 * }
 *
 * Dataset<String> all = Datasets.of(List.of("a", "b", "c", "d", "e"));
 * List<Subset<String>> trainVal = Datasets.randomSplit(all, new double[] {0.8, 0.2}, 42);   // sizes 4 and 1
 * }</pre>
 */
public final class Datasets {
    /** Tolerance for the sum of the fractions given to {@link #randomSplit(Dataset, double[], long)}. */
    private static final double FRACTION_SUM_TOLERANCE = 1e-9;
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private Datasets() {
    }

    /**
     * Checks {@code 0 <= index < size}.
     *
     * @param index the index to check
     * @param size the dataset's size
     * @return {@code index}
     * @throws IndexOutOfBoundsException naming the index and the size
     */
    public static long checkIndex(long index, long size) {
        return Preconditions.checkIndex(index, size, "a dataset");
    }

    /**
     * The parts of a composite dataset ({@link ConcatDataset}, {@link ChainDataset}), checked.
     *
     * @param composite the composite's name, for the message
     * @param parts     the parts, in order
     * @return an unmodifiable copy of {@code parts}
     * @throws IllegalArgumentException if there is no part
     * @throws NullPointerException     if the list or one of its parts is null (naming its position)
     */
    static <P> List<P> checkParts(String composite, List<? extends P> parts) {
        Objects.requireNonNull(parts, "datasets");
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(composite + " needs at least one dataset, but got an empty list");
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i) == null) {
                throw new NullPointerException("dataset " + i + " is null");
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(parts));
    }

    /**
     * {@return a dataset over an in-memory list: sample {@code i} is element {@code i}} The list is copied, so later
     * changes to it do not show.
     *
     * <pre>{@code
     * Dataset<String> words = Datasets.of(List.of("to", "be", "or"));
     * words.get(2);   // "or"
     * }</pre>
     *
     * @param <T> the sample type
     * @param samples the samples, in index order
     * @throws NullPointerException naming the position of a null element
     */
    public static <T> Dataset<T> of(List<? extends T> samples) {
        Objects.requireNonNull(samples, "samples");
        List<T> copy = new ArrayList<>(samples);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i) == null) {
                throw new NullPointerException("samples[" + i + "] is null; a dataset's samples must not be null");
            }
        }
        return new ListDataset<>(Collections.unmodifiableList(copy));
    }

    /**
     * Splits {@code dataset} at random into non-overlapping subsets of the given lengths, like PyTorch's
     * {@code random_split}: one permutation of {@code 0 .. size - 1} is drawn ({@link Shuffle#permutation}
     * with the generator {@code CounterRandom.of(seed, 0, 0, RandomStreams.SPLIT)}) and cut into
     * consecutive pieces of {@code lengths[0]}, {@code lengths[1]}, ... indices. The same dataset size,
     * lengths and seed always give the same subsets.
     *
     * <pre>{@code
     * List<Subset<Sample>> parts = Datasets.randomSplit(dataset, new long[] {800, 100, 100}, 42);
     * Subset<Sample> train = parts.get(0);
     * }</pre>
     *
     * @param <T> the sample type
     * @param dataset the dataset to split
     * @param lengths the size of each subset, summing to the dataset's size
     * @param seed the seed of the permutation
     * @return an unmodifiable list with one subset per length
     * @throws IllegalArgumentException if a length is negative (naming its position and value), or the
     *                                  lengths do not sum to the dataset's size (naming both numbers)
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, long[] lengths, long seed) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(lengths, "lengths");
        long size = dataset.size();
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("lengths[" + i + "] is " + lengths[i]
                        + ", but every length must be non-negative");
            }
            sum = saturatedAdd(sum, lengths[i]);
        }
        if (sum != size) {
            throw new IllegalArgumentException("the lengths " + Arrays.toString(lengths) + " sum to "
                    + (sum == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.valueOf(sum))
                    + ", but the dataset has size " + size + ": the lengths must sum to the dataset's size");
        }
        if (size > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("randomSplit supports datasets of at most " + MAX_ARRAY_LENGTH
                    + " samples, but this one has size " + size);
        }
        int[] permutation = Shuffle.permutation((int) size, CounterRandom.of(seed, 0, 0, RandomStreams.SPLIT));
        List<Subset<T>> parts = new ArrayList<>(lengths.length);
        int start = 0;
        for (long length : lengths) {
            int end = start + (int) length;
            parts.add(new Subset<>(dataset, Arrays.stream(permutation, start, end).asLongStream().toArray()));
            start = end;
        }
        return Collections.unmodifiableList(parts);
    }

    /**
     * Splits {@code dataset} at random into subsets holding the given fractions of it. The fractions are
     * turned into lengths as PyTorch's {@code random_split} does: each length is
     * {@code floor(size * fraction)}, and the samples this leaves over are handed out one at a time,
     * round-robin, starting with the first length. (Size 10 split {@code [0.33, 0.33, 0.34]} gives
     * {@code [3, 3, 3]} plus one left over, so {@code [4, 3, 3]}.) Then it splits as
     * {@link #randomSplit(Dataset, long[], long)} does.
     *
     * <pre>{@code
     * List<Subset<Sample>> trainVal = Datasets.randomSplit(dataset, new double[] {0.9, 0.1}, 42);
     * }</pre>
     *
     * @param <T> the sample type
     * @param dataset the dataset to split
     * @param fractions the share of each subset, summing to 1
     * @param seed the seed of the permutation
     * @return the subsets, in the order of {@code fractions}
     * @throws IllegalArgumentException if a fraction is not in {@code [0, 1]} (naming its position and value),
     *                                  or the fractions do not sum to 1 within {@code 1e-9} (naming the sum)
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> dataset, double[] fractions, long seed) {
        Objects.requireNonNull(dataset, "dataset");
        return randomSplit(dataset, lengthsOf(fractions, dataset.size()), seed);
    }

    /** The lengths that {@code fractions} of a dataset of {@code size} samples get; see {@link #randomSplit(Dataset, double[], long)}. */
    static long[] lengthsOf(double[] fractions, long size) {
        Objects.requireNonNull(fractions, "fractions");
        double sum = 0;
        for (int i = 0; i < fractions.length; i++) {
            double f = fractions[i];
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("fractions[" + i + "] is " + f
                        + ", but every fraction must be in [0, 1]");
            }
            sum += f;
        }
        if (!(Math.abs(sum - 1) <= FRACTION_SUM_TOLERANCE)) {
            throw new IllegalArgumentException("the fractions " + Arrays.toString(fractions) + " sum to " + sum
                    + ", but they must sum to 1 (within " + FRACTION_SUM_TOLERANCE + ")");
        }
        long[] lengths = new long[fractions.length];
        long assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            lengths[i] = (long) Math.floor(size * fractions[i]);
            assigned += lengths[i];
        }
        long remainder = size - assigned;
        if (remainder < 0) {
            // Only possible when the fractions sum to slightly more than 1 and the dataset is huge.
            throw new IllegalArgumentException("the fractions " + Arrays.toString(fractions) + " sum to " + sum
                    + ", which gives " + assigned + " samples for a dataset of size " + size
                    + "; make them sum to exactly 1 or pass lengths instead");
        }
        int k = lengths.length;
        for (int i = 0; i < k; i++) {
            lengths[i] += remainder / k + (i < remainder % k ? 1 : 0);
        }
        return lengths;
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;   // both non-negative, so a negative sum means overflow
    }

    /** The dataset of {@link #of(List)}. */
    private static final class ListDataset<T> implements Dataset<T> {
        private final List<T> samples;

        ListDataset(List<T> samples) {
            this.samples = samples;
        }

        @Override
        public long size() {
            return samples.size();
        }

        @Override
        public T get(long index) {
            return samples.get((int) checkIndex(index, samples.size()));
        }

        @Override
        public String toString() {
            return "Datasets.of(size=" + samples.size() + ")";
        }
    }
}
