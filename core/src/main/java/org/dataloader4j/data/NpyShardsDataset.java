package org.dataloader4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Stream;
import org.dataloader4j.internal.ShardAssignment;
import org.dataloader4j.io.Npy;
import org.dataloader4j.io.NpyHeader;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;

/**
 * A stream of the rows of a set of {@code .npy} shards (for example {@code part-00000.npy, part-00001.npy, ...}
 * of {@code [rows, ...]} arrays), split between loader workers and distributed ranks so that every row is
 * delivered exactly once over all (rank, worker) pairs. Each element is one row: a tensor of the shards' row
 * shape ({@code shape[1:]}).
 *
 * <h2>Assignment</h2>
 * With {@code worldSize} ranks of {@code W} workers there are {@code C = worldSize × W} consumers, consumer
 * {@code rank × W + worker} (the rank and world size are the {@link Builder#partition partition}). The epoch's
 * shard order is a permutation drawn from ({@link Builder#seed seed}, epoch), the same on every rank, or the given
 * (file-name) order with {@link Builder#shuffleShards shuffleShards(false)}. Then, with {@link ShardSplit#SHARDS}
 * (the default):
 * <ul>
 *   <li>At least as many shards as consumers: whole shards, round-robin — consumer {@code c} reads the shards
 *       at positions {@code c, c + C, c + 2C, ...} of the order, each from its first row to its last.</li>
 *   <li>Fewer shards than consumers (say 2 shards, 8 workers): the rows of all shards, in order, are split into
 *       {@code C} contiguous ranges whose lengths differ by at most one, one per consumer, so that no consumer
 *       idles.</li>
 * </ul>
 * With {@link ShardSplit#ELEMENTS} the even split of rows is used always. Either way the shares are disjoint and
 * together are all rows. The spark module's {@code ShardedDataset} assigns its shards in exactly the same way,
 * with the same builder options.
 *
 * <h2>Memory</h2>
 * A shard whose dtype and byte order can be mapped ({@link NpyHeader#isMappable()}) is memory-mapped, so only the
 * rows read are paged in; other shards are read (and converted) into memory when their turn comes. Rows are
 * views that keep their shard's memory alive while they are reachable; the garbage collector unmaps or frees a
 * shard once no row of it is. So rows may be batched, kept or dropped freely, and nothing needs closing.
 *
 * <pre>{@code
 * NpyShardsDataset rows = NpyShardsDataset.builder(Path.of("embeddings/"))
 *         .partition(new Partition(rank, worldSize)).seed(42).build();
 * try (var loader = DataLoader.builder(new ShuffleBuffer<>(rows, 4096)).batchSize(256).numWorkers(4).build()) {
 *     for (Batch batch : loader.epoch(epoch)) { try (batch) { train(batch.tensor()); } }
 * }
 * }</pre>
 */
public final class NpyShardsDataset implements IterableDataset<Tensor> {
    private final List<Path> shards;
    private final long[] rows;
    private final long totalRows;
    private final DType dtype;
    private final Shape rowShape;
    private final Partition partition;
    private final ShardAssignment assignment;

    private NpyShardsDataset(Builder b) throws IOException {
        this.shards = List.copyOf(b.shards);
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("NpyShardsDataset needs at least one shard, but "
                    + (b.directory != null ? "the directory " + b.directory + " has no .npy file" : "got none"));
        }
        this.rows = new long[shards.size()];
        DType firstType = null;
        Shape firstRow = null;
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            Path shard = shards.get(i);
            NpyHeader h = Npy.header(shard);
            long[] shape = h.shape();
            if (shape.length == 0) {
                throw new IllegalArgumentException("shard " + shard + " holds a scalar; every shard needs a first"
                        + " dimension of rows");
            }
            Shape row = Shape.of(Arrays.copyOfRange(shape, 1, shape.length));
            if (firstType == null) {
                firstType = h.dtype();
                firstRow = row;
            } else if (h.dtype() != firstType || !row.equals(firstRow)) {
                throw new IllegalArgumentException("shard " + shard + " has rows of " + h.dtype() + " " + row
                        + " but shard " + shards.getFirst() + " has rows of " + firstType + " " + firstRow
                        + "; all shards need the same row dtype and shape");
            }
            rows[i] = shape[0];
            total = Math.addExact(total, shape[0]);
        }
        this.totalRows = total;
        this.dtype = firstType;
        this.rowShape = firstRow;
        this.partition = b.partition;
        this.assignment = new ShardAssignment(rows, b.shuffleShards, b.seed, b.split);
    }

    /**
     * {@return a builder over the {@code .npy} files directly in {@code directory}, in file-name order}
     *
     * @param directory the folder holding the shards
     * @throws UncheckedIOException if the directory cannot be listed
     */
    public static Builder builder(Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(directory + " is not a directory");
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> shards = files.filter(p -> p.getFileName().toString().endsWith(".npy"))
                    .filter(Files::isRegularFile).sorted().toList();
            Builder b = new Builder(shards);
            b.directory = directory;
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /**
     * {@return a builder over the given shard files, in the given order}
     *
     * @param shards the {@code .npy} shard files
     */
    public static Builder builder(List<Path> shards) {
        Objects.requireNonNull(shards, "shards");
        for (int i = 0; i < shards.size(); i++) {
            Objects.requireNonNull(shards.get(i), "shard " + i + " is null");
        }
        return new Builder(shards);
    }

    /** {@return the shards, in file order} */
    public List<Path> shards() {
        return shards;
    }

    /** {@return rows in all shards together} */
    public long totalRows() {
        return totalRows;
    }

    /** {@return the dtype of the rows (as {@link Npy#read} gives it)} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the shape of one row} */
    public Shape rowShape() {
        return rowShape;
    }

    /**
     * This dataset's rank among the ranks of the job.
     *
     * @return the rank and world size it was built for
     */
    public Partition partition() {
        return partition;
    }

    /** This (rank, worker)'s rows; see the class comment. */
    @Override
    public Iterator<Tensor> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        return new Rows(assignment.parts(partition, worker));
    }

    /** For example {@code NpyShardsDataset(shards=16, rows=1000000, FLOAT32 [256], rank 0 of 1)}. */
    @Override
    public String toString() {
        return "NpyShardsDataset(shards=" + shards.size() + ", rows=" + totalRows + ", " + dtype + " " + rowShape
                + ", " + partition + ")";
    }

    private final class Rows implements Iterator<Tensor> {
        private final List<ShardAssignment.Part> ranges;
        private int range = -1;
        private Tensor current;
        private long row;
        private long end;

        Rows(List<ShardAssignment.Part> ranges) {
            this.ranges = ranges;
        }

        @Override
        public boolean hasNext() {
            while (current == null || row >= end) {
                current = null;
                if (++range >= ranges.size()) {
                    return false;
                }
                ShardAssignment.Part r = ranges.get(range);
                if (r.size() == 0) {
                    continue;
                }
                current = open(shards.get(r.shard()));
                row = r.from();
                end = r.to();
            }
            return true;
        }

        @Override
        public Tensor next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more rows in this share of " + NpyShardsDataset.this);
            }
            return current.select(row++);
        }
    }

    private static Tensor open(Path shard) {
        try {
            NpyHeader h = Npy.header(shard);
            return h.isMappable() ? Npy.mmap(shard, Arena.ofAuto(), FileChannel.MapMode.READ_ONLY) : Npy.read(shard);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + shard + ": " + e.getMessage(), e);
        }
    }

    /** Options of an {@link NpyShardsDataset}. */
    public static final class Builder {
        private final List<Path> shards;
        private Path directory;
        private Partition partition = Partition.SINGLE;
        private long seed;
        private boolean shuffleShards = true;
        private ShardSplit split = ShardSplit.SHARDS;

        private Builder(List<Path> shards) {
            this.shards = shards;
        }

        /**
         * This process's rank among the ranks of the job (default {@link Partition#SINGLE}).
         *
         * @param partition this process's rank among the ranks of the job (default {@link Partition#SINGLE})
         * @return this builder
         */
        public Builder partition(Partition partition) {
            this.partition = Objects.requireNonNull(partition, "partition");
            return this;
        }

        /**
         * The seed of the per-epoch shard order, the same on every rank (default 0).
         *
         * @param seed the seed of the per-epoch shard order, the same on every rank (default 0)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether shards are visited in a new order every epoch (default true) or in the given order.
         *
         * @param shuffleShards whether shards are visited in a new order every epoch (default true) or in the given order
         * @return this builder
         */
        public Builder shuffleShards(boolean shuffleShards) {
            this.shuffleShards = shuffleShards;
            return this;
        }

        /**
         * How rows are divided between consumers (default {@link ShardSplit#SHARDS}).
         *
         * @param split how rows are divided between consumers (default {@link ShardSplit#SHARDS})
         * @return this builder
         */
        public Builder split(ShardSplit split) {
            this.split = Objects.requireNonNull(split, "split");
            return this;
        }

        /**
         * Reads every shard's header and builds the dataset.
         *
         * @return the dataset
         * @throws IllegalArgumentException if there is no shard, a shard is a scalar, or shards differ in row dtype or
         *                                  shape (naming both)
         * @throws UncheckedIOException     if a header cannot be read (naming the shard)
         */
        public NpyShardsDataset build() {
            try {
                return new NpyShardsDataset(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
