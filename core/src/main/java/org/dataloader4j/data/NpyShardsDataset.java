package org.dataloader4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Stream;
import org.dataloader4j.io.Npy;
import org.dataloader4j.io.NpyHeader;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.random.Shuffle;
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
 * {@code rank × W + worker}. The epoch's shard order is the file-name order, or, with
 * {@link Builder#shuffleShards(long)}, a permutation drawn from (seed, epoch), the same on every rank.
 * <ul>
 *   <li>At least as many shards as consumers: whole shards, round-robin — consumer {@code c} reads the shards
 *       at positions {@code c, c + C, c + 2C, ...} of the order, each from its first row to its last.</li>
 *   <li>Fewer shards than consumers (say 2 shards, 8 workers): the rows of all shards, in order, are split into
 *       {@code C} contiguous ranges of nearly equal length, one per consumer, so that no consumer idles.</li>
 * </ul>
 * Either way the shares are disjoint and together are all rows.
 *
 * <h2>Memory</h2>
 * A shard whose dtype and byte order can be mapped ({@link NpyHeader#isMappable()}) is memory-mapped, so only the
 * rows read are paged in; other shards are read (and converted) into memory when their turn comes. Rows are
 * views that keep their shard's memory alive while they are reachable; the garbage collector unmaps or frees a
 * shard once no row of it is. So rows may be batched, kept or dropped freely, and nothing needs closing.
 *
 * <pre>{@code
 * NpyShardsDataset rows = NpyShardsDataset.builder(Path.of("embeddings/"))
 *         .rank(rank).worldSize(worldSize).shuffleShards(42).build();
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
    private final int rank;
    private final int worldSize;
    private final Long shuffleSeed;

    private NpyShardsDataset(Builder b) throws IOException {
        WorkerInfo.checkRank(b.rank, b.worldSize);
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
        this.rank = b.rank;
        this.worldSize = b.worldSize;
        this.shuffleSeed = b.shuffleSeed;
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

    /** This (rank, worker)'s rows; see the class comment. */
    @Override
    public Iterator<Tensor> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        int consumers = worker.consumers(worldSize);
        int me = worker.consumer(rank);
        int[] order = shuffleSeed == null ? Shuffle.identity(shards.size())
                : Shuffle.permutation(shards.size(), CounterRandom.of(shuffleSeed, worker.epoch(), 0,
                        RandomStreams.SHUFFLE));
        List<long[]> ranges = new ArrayList<>();   // {shard, firstRow, endRow}
        if (shards.size() >= consumers) {
            for (int pos = me; pos < order.length; pos += consumers) {
                ranges.add(new long[] {order[pos], 0, rows[order[pos]]});
            }
        } else {
            long from = Consumers.splitPoint(totalRows, me, consumers);
            long to = Consumers.splitPoint(totalRows, me + 1, consumers);
            long start = 0;
            for (int shard : order) {
                long lo = Math.max(from, start);
                long hi = Math.min(to, start + rows[shard]);
                if (lo < hi) {
                    ranges.add(new long[] {shard, lo - start, hi - start});
                }
                start += rows[shard];
            }
        }
        return new Rows(ranges);
    }

    /** For example {@code NpyShardsDataset(shards=16, rows=1000000, FLOAT32 [256], rank=0 of 1)}. */
    @Override
    public String toString() {
        return "NpyShardsDataset(shards=" + shards.size() + ", rows=" + totalRows + ", " + dtype + " " + rowShape
                + ", rank=" + rank + " of " + worldSize + ")";
    }

    private final class Rows implements Iterator<Tensor> {
        private final List<long[]> ranges;
        private int range = -1;
        private Tensor current;
        private long row;
        private long end;

        Rows(List<long[]> ranges) {
            this.ranges = ranges;
        }

        @Override
        public boolean hasNext() {
            while (current == null || row >= end) {
                current = null;
                if (++range >= ranges.size()) {
                    return false;
                }
                long[] r = ranges.get(range);
                if (r[1] >= r[2]) {
                    continue;
                }
                current = open(shards.get((int) r[0]));
                row = r[1];
                end = r[2];
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
        private int rank;
        private int worldSize = 1;
        private Long shuffleSeed;

        private Builder(List<Path> shards) {
            this.shards = shards;
        }

        /**
         * This process's rank, {@code 0 .. worldSize - 1} (default 0).
         *
         * @param rank this process's rank, {@code 0 .. worldSize - 1} (default 0)
         * @return this builder
         */
        public Builder rank(int rank) {
            this.rank = rank;
            return this;
        }

        /**
         * The number of ranks (default 1).
         *
         * @param worldSize the number of ranks (default 1)
         * @return this builder
         */
        public Builder worldSize(int worldSize) {
            this.worldSize = worldSize;
            return this;
        }

        /**
         * Visit the shards in a new order every epoch, drawn from ({@code seed}, epoch); default: file order.
         *
         * @param seed the seed of the per-epoch shard order
         * @return this builder
         */
        public Builder shuffleShards(long seed) {
            this.shuffleSeed = seed;
            return this;
        }

        /**
         * Reads every shard's header and builds the dataset.
         *
         * @return the dataset
         * @throws IllegalArgumentException if there is no shard, a shard is a scalar, shards differ in row dtype or
         *                                  shape (naming both), or the rank is out of range
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
