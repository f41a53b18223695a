package org.dataloader4j.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.LoaderIterator;

/**
 * A DJL training {@link Dataset} whose batches come from our {@link DataLoader}, so DJL's training loop
 * ({@code EasyTrain.fit}, {@code Trainer.iterateDataset}, {@code EasyTrain.evaluateDataset}) runs on our
 * loader: worker threads, unbiased and reproducible shuffles, per-sample augmentation, pooled batch memory.
 *
 * <p>Each of our batches becomes one DJL {@link ai.djl.training.dataset.Batch} whose data and labels are
 * NDArrays sharing the batch's memory (see {@link DjlTensors}), attached to a sub-manager of the manager DJL
 * passes to {@link #getData(NDManager)}. When DJL closes its batch (the training loop does after each step),
 * the sub-manager and its NDArrays are closed first and then our batch, which gives its memory back to the
 * loader's pool for a later batch.
 *
 * <h2>Epochs</h2>
 * Every iteration over what {@link #getData(NDManager)} returns is the next epoch of the loader: 0, 1, 2, ...
 * ({@link DataLoader#epoch(long)}), so a shuffling loader reshuffles each epoch, reproducibly from its seed,
 * exactly as {@code EasyTrain.fit} expects (it asks for the data once per epoch). {@link Builder#firstEpoch(long)}
 * sets the first one (for a resumed run); {@link #getData(NDManager, long)} reads one given epoch. There is no
 * {@code setEpoch}: as everywhere in dataloader4j, an epoch is chosen where the data is asked for, not by changing
 * state behind a running iteration.
 *
 * <h2>Which tensors are data and which are labels</h2>
 * Chosen by position for list batches (what a {@code TensorDataset} gives) or by name for map and record
 * batches. Without a choice, a list of two or more elements gives data = all but the last, labels = the last;
 * a single tensor gives data = it and no labels; anything else asks for {@link Builder#data(String...)}.
 *
 * <pre>{@code
 * TensorDataset digits = new TensorDataset(images, labels);          // FLOAT32 [N, 64], INT64 [N]
 * try (DataLoader<Batch> train = DataLoader.builder(digits).batchSize(32).shuffle(true).numWorkers(2).seed(7).build();
 *      Trainer trainer = model.newTrainer(config)) {
 *     LoaderDataset dataset = LoaderDataset.builder(train).data(0).labels(1).build();
 *     EasyTrain.fit(trainer, 10, dataset, null);                      // epochs 0..9, a new order each
 * }
 * }</pre>
 *
 * <p>The dataset does not own the loader: close the loader after training. One loader serves one iteration at
 * a time (starting an epoch ends the previous one), so use separate loaders for training and validation. DJL's
 * {@code ExecutorService} argument is ignored: the loader has its own workers.
 */
public final class LoaderDataset implements Dataset {
    private final DataLoader<Batch> loader;
    private final Selection data;
    private final Selection labels;
    private final AtomicLong nextEpoch;

    private LoaderDataset(Builder builder) {
        this.loader = builder.loader;
        this.data = builder.data;
        this.labels = builder.labels;
        this.nextEpoch = new AtomicLong(builder.firstEpoch);
    }

    /**
     * {@return a builder for a dataset over {@code loader}, which must use the default collate (or another giving
     * {@link Batch}es)}
     *
     * @param loader the loader whose batches the dataset delivers
     */
    public static Builder builder(DataLoader<Batch> loader) {
        return new Builder(Objects.requireNonNull(loader, "loader"));
    }

    /** {@return the loader behind this dataset} */
    public DataLoader<Batch> loader() {
        return loader;
    }

    /** {@return the epoch that the next iteration over {@link #getData(NDManager)} will deliver} */
    public long nextEpoch() {
        return nextEpoch.get();
    }

    /**
     * The batches of the next epoch each time it is iterated (see the class comment), as DJL batches whose
     * NDArrays belong to sub-managers of {@code manager}.
     */
    @Override
    public Iterable<ai.djl.training.dataset.Batch> getData(NDManager manager) {
        Objects.requireNonNull(manager, "manager");
        return () -> new Epoch(manager, nextEpoch.getAndIncrement());
    }

    /** As {@link #getData(NDManager)}: the loader's own workers load the data, so {@code executorService} is unused. */
    @Override
    public Iterable<ai.djl.training.dataset.Batch> getData(NDManager manager, ExecutorService executorService) {
        return getData(manager);
    }

    /**
     * {@return the batches of epoch {@code epoch}, each time it is iterated; does not change {@link #nextEpoch()}}
     *
     * @param manager the manager of the batches' NDArrays
     * @param epoch the epoch to deliver
     */
    public Iterable<ai.djl.training.dataset.Batch> getData(NDManager manager, long epoch) {
        Objects.requireNonNull(manager, "manager");
        Preconditions.checkNonNegative("epoch", epoch);
        return () -> new Epoch(manager, epoch);
    }

    /** Nothing to prepare: the loader reads its dataset lazily. */
    @Override
    public void prepare(Progress progress) {
    }

    @Override
    public String toString() {
        return "LoaderDataset(" + loader + ", data=" + data + ", labels=" + labels + ", nextEpoch=" + nextEpoch.get()
                + ")";
    }

    /**
     * The iterator of one epoch: our batches, converted one at a time on the consuming thread. It is
     * {@link AutoCloseable}: closing it (for example after stopping early) stops the epoch's loading.
     */
    private final class Epoch implements Iterator<ai.djl.training.dataset.Batch>, AutoCloseable {
        private final NDManager manager;
        private final LoaderIterator<Batch> batches;
        private final long total;
        private long index;

        Epoch(NDManager manager, long epoch) {
            this.manager = manager;
            this.batches = loader.epoch(epoch).iterator();
            this.total = batchesPerEpoch();
        }

        @Override
        public boolean hasNext() {
            return batches.hasNext();
        }

        @Override
        public ai.djl.training.dataset.Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the epoch has no more batches (it had " + index + ")");
            }
            Batch ours = batches.next();
            NDManager sub = manager.newSubManager();
            try {
                NDList x = data.select(ours, sub, "data");
                NDList y = labels.select(ours, sub, "labels");
                return new LoaderBatch(sub, x, y, ours, index++, total);
            } catch (RuntimeException | Error e) {
                sub.close();
                ours.close();
                batches.close();
                throw e;
            }
        }

        /** Stops this epoch's loading and releases what it holds. Idempotent. */
        @Override
        public void close() {
            batches.close();
        }

        private long batchesPerEpoch() {
            try {
                return loader.size();
            } catch (UnsupportedOperationException e) {
                return 0; // an IterableDataset: unknown length
            }
        }
    }

    /** A DJL batch that closes our batch after its NDArrays. */
    private static final class LoaderBatch extends ai.djl.training.dataset.Batch {
        private final Batch ours;

        LoaderBatch(NDManager manager, NDList data, NDList labels, Batch ours, long progress, long total) {
            super(manager, data, labels, ours.size(), Batchifier.STACK, Batchifier.STACK, progress, total);
            this.ours = ours;
        }

        @Override
        public void close() {
            try {
                super.close();      // the NDArrays that share our memory go first
            } finally {
                ours.close();       // then the memory goes back to the loader's pool
            }
        }
    }

    /** Which elements of a batch make the data (or the labels). */
    private sealed interface Selection {
        NDList select(Batch batch, NDManager manager, String role);
    }

    /** The default of the class comment. */
    private record Default(boolean labels) implements Selection {
        @Override
        public NDList select(Batch batch, NDManager manager, String role) {
            Object content = batch.content();
            if (content instanceof List<?> list && list.size() >= 2) {
                return labels ? DjlBatches.toNDList(list.getLast(), manager)
                        : DjlBatches.toNDList(list.subList(0, list.size() - 1), manager);
            }
            if (content instanceof org.dataloader4j.tensor.Tensor tensor) {
                return labels ? new NDList() : DjlBatches.toNDList(tensor, manager);
            }
            throw new IllegalStateException("LoaderDataset cannot tell data from labels in " + batch + ": choose them"
                    + " with data(...) and labels(...) on LoaderDataset.builder, by position for lists or by name for"
                    + " maps and records");
        }

        @Override
        public String toString() {
            return labels ? "last list element" : "all list elements but the last";
        }
    }

    private record Positions(int[] positions) implements Selection {
        @Override
        public NDList select(Batch batch, NDManager manager, String role) {
            NDList out = new NDList(positions.length);
            for (int position : positions) {
                out.addAll(named(DjlBatches.toNDList(batch.get(position), manager), Integer.toString(position)));
            }
            return out;
        }

        @Override
        public String toString() {
            return Arrays.toString(positions);
        }
    }

    private record Names(String[] names) implements Selection {
        @Override
        public NDList select(Batch batch, NDManager manager, String role) {
            NDList out = new NDList(names.length);
            for (String name : names) {
                out.addAll(named(DjlBatches.toNDList(batch.get(name), manager), name));
            }
            return out;
        }

        @Override
        public String toString() {
            return Arrays.toString(names);
        }
    }

    /** Names unnamed arrays (a selected tensor) by the selection, and prefixes the names of nested ones. */
    private static NDList named(NDList arrays, String prefix) {
        for (var array : arrays) {
            String name = array.getName();
            array.setName(name == null ? prefix : prefix + "." + name);
        }
        return arrays;
    }

    /** Options of a {@link LoaderDataset}. */
    public static final class Builder {
        private final DataLoader<Batch> loader;
        private Selection data = new Default(false);
        private Selection labels = new Default(true);
        private long firstEpoch;

        private Builder(DataLoader<Batch> loader) {
            this.loader = loader;
        }

        /**
         * The data are these elements of a list batch, in this order (each flattened as {@link DjlBatches} does).
         *
         * @param positions the positions of the data in a list batch
         * @return this builder
         */
        public Builder data(int... positions) {
            this.data = new Positions(checkPositions(positions, "data"));
            return this;
        }

        /**
         * The data are these elements of a map or record batch, by key or component name, in this order.
         *
         * @param names the keys or component names of the data in a map or record batch
         * @return this builder
         */
        public Builder data(String... names) {
            this.data = new Names(checkNames(names, "data"));
            return this;
        }

        /**
         * The labels are these elements of a list batch.
         *
         * @param positions the positions of the labels in a list batch
         * @return this builder
         */
        public Builder labels(int... positions) {
            this.labels = new Positions(checkPositions(positions, "labels"));
            return this;
        }

        /**
         * The labels are these elements of a map or record batch.
         *
         * @param names the keys or component names of the labels in a map or record batch
         * @return this builder
         */
        public Builder labels(String... names) {
            this.labels = new Names(checkNames(names, "labels"));
            return this;
        }

        /**
         * No labels: DJL batches get an empty label list (for unsupervised training or inference).
         *
         * @return this builder
         */
        public Builder noLabels() {
            this.labels = new Positions(new int[0]);
            return this;
        }

        /**
         * The epoch the first iteration delivers (default 0), for example to continue a run.
         *
         * @param epoch the epoch the first iteration delivers (default 0), for example to continue a run
         * @return this builder
         */
        public Builder firstEpoch(long epoch) {
            Preconditions.checkNonNegative("firstEpoch", epoch);
            this.firstEpoch = epoch;
            return this;
        }

        /** {@return the dataset} */
        public LoaderDataset build() {
            return new LoaderDataset(this);
        }

        private static int[] checkPositions(int[] positions, String role) {
            Objects.requireNonNull(positions, role);
            for (int p : positions) {
                if (p < 0) {
                    throw new IllegalArgumentException(role + " positions should be non-negative, but got "
                            + Arrays.toString(positions));
                }
            }
            return positions.clone();
        }

        private static String[] checkNames(String[] names, String role) {
            Objects.requireNonNull(names, role);
            for (String n : names) {
                Objects.requireNonNull(n, () -> role + " names should not be null, but got " + Arrays.toString(names));
            }
            return names.clone();
        }
    }
}
