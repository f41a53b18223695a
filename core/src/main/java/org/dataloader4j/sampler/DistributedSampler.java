package org.dataloader4j.sampler;

import java.util.PrimitiveIterator;
import java.util.function.LongUnaryOperator;
import java.util.Objects;
import org.dataloader4j.data.Partition;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.random.KeyedPermutation;

/**
 * Gives each of {@code worldSize} processes (ranks) its own share of a dataset's indices, PyTorch's
 * {@code DistributedSampler}; the rank and world size are the {@link Builder#partition partition}, as for every
 * other distributed reader. The indices are partitioned exactly as PyTorch documents it:
 * <ol>
 *   <li>the epoch's order is a random permutation of {@code [0, datasetSize)} drawn from (seed, epoch)
 *       when shuffling (the same on every rank), else {@code 0, 1, ..., datasetSize - 1};</li>
 *   <li>every rank gets {@code numSamples = ceil(datasetSize / worldSize)} indices, or with
 *       {@code dropLast} and a dataset that does not divide evenly,
 *       {@code ceil((datasetSize - worldSize) / worldSize)}; {@code totalSize = numSamples * worldSize};</li>
 *   <li>without {@code dropLast} the order is padded up to {@code totalSize} by repeating its beginning
 *       (again and again if the dataset is smaller than the padding), so some indices are seen twice per
 *       epoch; with {@code dropLast} it is cut to {@code totalSize};</li>
 *   <li>rank {@code r} takes the positions {@code r, r + worldSize, r + 2 * worldSize, ...}.</li>
 * </ol>
 * Evaluation, where a duplicated sample skews the metric, can switch the padding off with
 * {@link Builder#padding padding(false)}: rank {@code r} then takes positions {@code r, r + worldSize, ...} of
 * the unpadded order, so the ranks together see every index exactly once and their sizes differ by at most
 * one. ({@code padding} only matters without {@code dropLast}, which never pads.)
 *
 * <p>The shuffled order is the one {@link RandomSampler} gives for the same seed and size: below {@code 2^24}
 * indices, the exact Fisher–Yates permutation, which every rank computes in full (an {@code int[]} of
 * {@code datasetSize} elements per epoch); from {@code 2^24} on, the constant-memory {@link KeyedPermutation}
 * {@code KeyedPermutation.of(datasetSize, CounterRandom.key(seed, epoch, 0, RandomStreams.SHUFFLE))}, of which each
 * rank computes only its own positions, for any {@code datasetSize} up to {@code Long.MAX_VALUE}.
 * {@link #fingerprint()} and {@link #toString()} name the algorithm and the threshold. Either way
 * {@link #indices(long, long) indices(epoch, from)} starts at any position of this rank's share directly.
 *
 * <p>There is no {@code set_epoch}: the epoch is an argument of {@link #indices(long) indices(epoch)} (the loader
 * passes it from {@code loader.epoch(e)}), so it cannot be forgotten and the sampler holds no mutable state; as for
 * every sampler, the plain {@link #iterator()} is epoch 0. Unlike PyTorch, the shuffle is keyed by (seed, epoch) as
 * a pair, so seed 1 in epoch 0 and seed 0 in epoch 1 give different orders.
 *
 * <pre>{@code
 * Sampler mine = DistributedSampler.builder(dataset.size())
 *         .partition(new Partition(rank, 4)).seed(42).build();
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     PrimitiveIterator.OfLong order = mine.indices(epoch);   // this rank's quarter of the epoch
 * }
 * }</pre>
 */
public final class DistributedSampler implements Sampler {
    private final long datasetSize;
    private final Partition partition;
    private final int worldSize;
    private final int rank;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final boolean padding;
    private final long keyedFrom;
    private final long numSamples;      // per rank, with padding
    private final long totalSize;       // unsigned: padding may take it past Long.MAX_VALUE
    private final long size;            // what this rank yields

    private DistributedSampler(Builder b) {
        this.datasetSize = b.datasetSize;
        this.partition = b.partition;
        this.worldSize = partition.worldSize();
        this.rank = partition.rank();
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.padding = b.padding;
        this.keyedFrom = b.keyedFrom;
        if (dropLast && datasetSize % worldSize != 0) {
            numSamples = Math.ceilDiv(datasetSize - worldSize, worldSize);
        } else {
            numSamples = Math.ceilDiv(datasetSize, worldSize);
        }
        totalSize = numSamples * worldSize;  // < datasetSize + worldSize < 2^64: exact as an unsigned long
        if (padding || dropLast) {
            size = numSamples;
        } else {
            size = datasetSize > rank ? Math.ceilDiv(datasetSize - rank, worldSize) : 0;
        }
    }

    /**
     * A builder for a sampler over a dataset of {@code datasetSize} indices; defaults: {@code partition
     * Partition.SINGLE (rank 0 of 1), shuffle true, seed 0, dropLast false, padding true}.
     *
     * @param datasetSize the number of indices of the dataset
     * @return the builder
     * @throws IllegalArgumentException if {@code datasetSize < 0}
     */
    public static Builder builder(long datasetSize) {
        return new Builder(Preconditions.checkNonNegative("datasetSize", datasetSize));
    }

    /** Number of indices this rank yields per epoch. */
    @Override
    public long size() {
        return size;
    }

    /** The indices of this rank in epoch {@code epoch}. */
    @Override
    public PrimitiveIterator.OfLong indices(long epoch) {
        return indices(epoch, 0);
    }

    /**
     * The indices of this rank in epoch {@code epoch} from position {@code from} (of this rank's share) on,
     * without computing the ones before it (below the threshold the whole Fisher–Yates order is still built).
     *
     * @throws IllegalArgumentException if {@code from} is outside {@code [0, size()]}
     */
    @Override
    public PrimitiveIterator.OfLong indices(long epoch, long from) {
        Preconditions.checkRange("from", from, 0, size);
        if (keyed()) {
            return keyedIndices(epoch, from);
        }
        LongUnaryOperator order = order(epoch);
        return new IndexIterator(size, epoch, from) {
            @Override
            long indexAt(long position) {
                long q = rank + position * worldSize;       // position in the padded (or cut) order, unsigned
                long p = Long.remainderUnsigned(q, datasetSize);  // padding repeats the order's beginning
                return order.applyAsLong(p);
            }
        };
    }

    /** The keyed order's positions of this rank, computed 256 at a time with {@link KeyedPermutation#fill}. */
    private PrimitiveIterator.OfLong keyedIndices(long epoch, long from) {
        KeyedPermutation permutation = Permutations.keyedPermutation(datasetSize, seed, epoch, 0);
        return new BufferedIndexIterator(size, epoch, from) {
            @Override
            int fill(long position, long[] out) {
                long q = rank + position * worldSize;       // position in the padded order, unsigned
                if (Long.compareUnsigned(q, datasetSize) >= 0) {    // padding: the order's beginning again
                    out[0] = permutation.indexAt(Long.remainderUnsigned(q, datasetSize));
                    return 1;
                }
                long unpadded = (datasetSize - 1 - q) / worldSize + 1;  // this rank's positions left before padding
                int count = (int) Math.min(out.length, Math.min(size - position, unpadded));
                permutation.fill(q, worldSize, out, count);
                return count;
            }
        };
    }

    /**
     * {@return whether the shuffled order is a {@link KeyedPermutation} ({@code shuffle} and {@code datasetSize >=
     * keyedFrom})}
     */
    public boolean keyed() {
        return shuffle && Permutations.keyed(datasetSize, keyedFrom);
    }

    /** The epoch's whole order as position → index, when not keyed. */
    private LongUnaryOperator order(long epoch) {
        if (!shuffle || size == 0) {
            return p -> p;
        }
        int[] order = Permutations.identity((int) datasetSize);
        Permutations.shuffle(order, Permutations.generator(seed, epoch));
        return p -> order[(int) p];
    }

    /**
     * Size of the whole dataset.
     *
     * @return the number of indices of the whole dataset, across all ranks
     */
    public long datasetSize() {
        return datasetSize;
    }

    /**
     * This sampler's rank among the ranks of the job.
     *
     * @return the rank and world size it was built for
     */
    public Partition partition() {
        return partition;
    }

    /**
     * {@return length of the padded (or cut) order that the ranks share, {@code numSamples * worldSize}}
     *
     * @throws ArithmeticException if padding takes it past {@code Long.MAX_VALUE} (a dataset within
     *     {@code worldSize} of {@code 2^63}); the sampler itself works
     */
    public long totalSize() {
        if (totalSize < 0) {
            throw new ArithmeticException("totalSize = numSamples * worldSize = " + Long.toUnsignedString(totalSize)
                    + " (datasetSize=" + datasetSize + " padded to a multiple of worldSize=" + worldSize
                    + ") exceeds Long.MAX_VALUE");
        }
        return totalSize;
    }

    /** {@return the size from which the shuffle uses the keyed permutation instead of Fisher–Yates, {@code 2^24}} */
    public long keyedFrom() {
        return keyedFrom;
    }

    @Override
    public String fingerprint() {
        return "DistributedSampler(" + settings() + ")";
    }

    @Override
    public String toString() {
        return "DistributedSampler(" + settings() + ", size=" + size + ")";
    }

    private String settings() {
        return "datasetSize=" + datasetSize + ", worldSize=" + worldSize + ", rank=" + rank + ", shuffle=" + shuffle
                + ", seed=" + seed + ", dropLast=" + dropLast + ", padding=" + padding
                + (shuffle ? ", " + Permutations.describe(datasetSize, keyedFrom) : "");
    }

    /**
     * Configures a {@link DistributedSampler}; {@link #build()} checks the combination.
     *
     * <pre>{@code
     * DistributedSampler eval = DistributedSampler.builder(10_000)
     *         .partition(new Partition(3, 8)).shuffle(false).padding(false).build();
     * }</pre>
     */
    public static final class Builder {
        private final long datasetSize;
        private Partition partition = Partition.SINGLE;
        private boolean shuffle = true;
        private long seed;
        private boolean dropLast;
        private boolean padding = true;
        private long keyedFrom = Permutations.KEYED_FROM;

        private Builder(long datasetSize) {
            this.datasetSize = datasetSize;
        }

        /**
         * This process's rank among the ranks sharing the dataset (PyTorch's {@code rank} and {@code num_replicas});
         * default {@link Partition#SINGLE}.
         *
         * @param partition this process's rank among the ranks sharing the dataset (PyTorch's {@code rank} and {@code num_replicas}); default {@link Partition#SINGLE}
         * @return this builder
         */
        public Builder partition(Partition partition) {
            this.partition = Objects.requireNonNull(partition, "partition");
            return this;
        }

        /**
         * Whether each epoch's order is a fresh permutation drawn from (seed, epoch); default true.
         *
         * @param shuffle whether each epoch's order is a fresh permutation drawn from (seed, epoch); default true
         * @return this builder
         */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Seed of the shuffle; must be the same on every rank; default 0.
         *
         * @param seed seed of the shuffle; must be the same on every rank; default 0
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether to cut the order to a multiple of {@code worldSize} instead of padding it; default false.
         *
         * @param dropLast whether to cut the order to a multiple of {@code worldSize} instead of padding it; default
         *         false
         * @return this builder
         */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * Whether to pad the order (without {@code dropLast}) so every rank gets the same number of indices;
         * default true. {@code false} gives each index to exactly one rank, for evaluation.
         *
         * @param padding whether to pad the order (without {@code dropLast}) so every rank gets the same number of
         *         indices; default true
         * @return this builder
         */
        public Builder padding(boolean padding) {
            this.padding = padding;
            return this;
        }

        /**
         * Shuffle with the keyed permutation from {@code keyedFrom} indices on instead of {@code 2^24}: for tests,
         * which exercise the keyed permutation on small datasets.
         */
        Builder keyedFrom(long keyedFrom) {
            this.keyedFrom = Permutations.checkKeyedFrom(keyedFrom);
            return this;
        }

        /**
         * The sampler.
         *
         * @return the sampler
         */
        public DistributedSampler build() {
            return new DistributedSampler(this);
        }
    }
}
