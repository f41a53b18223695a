package org.dataloader4j.loader;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.sampler.BatchSampler;
import org.dataloader4j.sampler.RandomSampler;
import org.dataloader4j.sampler.Sampler;
import org.dataloader4j.sampler.SequentialSampler;
import org.dataloader4j.tensor.BufferPool;

/**
 * Combines a dataset, a sampler and a collate function into an iterable over batches, PyTorch's
 * {@code torch.utils.data.DataLoader}: batching, shuffling, and loading on the calling thread
 * ({@code numWorkers = 0}) or on worker threads.
 *
 * <p>The calling thread owns the order: it draws indices from the sampler for epoch {@code e},
 * and every random decision (shuffle, per-sample augmentation) derives from (seed, epoch, sample),
 * so an epoch's batches are identical for any number of workers. Without {@link Builder#seed} a
 * seed is drawn once; {@link #seed()} reads it back to reproduce a run.
 *
 * <pre>{@code
 * try (DataLoader<Batch> loader = DataLoader.builder(dataset)
 *         .batchSize(64).shuffle(true).seed(42).build()) {
 *     for (int epoch = 0; epoch < 10; epoch++) {
 *         for (Batch batch : loader.epoch(epoch)) {
 *             try (batch) {
 *                 train(batch.tensor(0), batch.tensor(1));
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>A loader runs one epoch at a time: starting an epoch closes the iterator of the previous one.
 *
 * @param <B> batch type: {@link Batch} with the default collate
 */
public final class DataLoader<B> implements Iterable<B>, AutoCloseable {
    /**
     * For {@link Builder#numWorkers(int)}: choose the number of workers by measuring. Loading starts with
     * one worker and adds more while the consumer waits for batches, up to the number of cores; the choice
     * changes speed only, never the batches. Map-style datasets only.
     */
    public static final int AUTO = -1;
    private final LoaderConfig<?, B> config;
    private final AtomicLong nextEpoch = new AtomicLong();
    private EpochIterator<B> current;
    private EpochIterator<B> prefetched; // the next epoch, started early by persistent workers
    private WorkerPool persistentPool;
    private Map<String, String> fingerprint; // computed on first use: datasets and samplers do not change
    private LoaderState pendingResume; // given to resume() and not started yet: what state() reports until then
    private boolean closed;

    private DataLoader(LoaderConfig<?, B> config) {
        this.config = config;
    }

    /**
     * {@return a builder for a loader over a map-style dataset, with the default collate}
     *
     * @param <T> the sample type
     * @param dataset the dataset to load
     */
    public static <T> Builder<T, Batch> builder(Dataset<T> dataset) {
        return new Builder<>(Objects.requireNonNull(dataset, "dataset"), null);
    }

    /**
     * {@return a builder for a loader over a stream-style dataset, with the default collate}
     *
     * @param <T> the element type
     * @param dataset the stream to load
     */
    public static <T> Builder<T, Batch> builder(IterableDataset<T> dataset) {
        return new Builder<>(null, Objects.requireNonNull(dataset, "dataset"));
    }

    /**
     * {@return the batches of epoch {@code epoch}} Iterating twice over the same epoch gives the same batches. The
     * iterator is a {@link LoaderIterator}; close it, or the {@link Epoch}, to stop early.
     *
     * @param epoch the epoch, from 0
     */
    public Epoch<B> epoch(long epoch) {
        Preconditions.checkNonNegative("epoch", epoch);
        return new Epoch<>(() -> start(epoch, new DeliveredBatches()));
    }

    /**
     * {@return the batches that remain of the epoch recorded in {@code state}, bitwise identical to those an
     * uninterrupted loader would have delivered; afterwards {@link #iterator()} continues with the following epoch} The
     * loader must be built with the same dataset and options as the one that saved the state.
     *
     * @param state what {@link #state()} returned, possibly on another loader built the same way
     * @throws IllegalArgumentException naming the mismatch when the state was saved by a different loader
     */
    public synchronized Epoch<B> resume(LoaderState state) {
        Objects.requireNonNull(state, "state");
        if (state.seed() != config.seed()) {
            throw new IllegalArgumentException("the state was saved by a loader with seed " + state.seed()
                    + ", but this loader has seed " + config.seed() + "; build it with .seed(" + state.seed() + ")");
        }
        long batches = config.isStream() ? -1 : config.batchSampler().size();
        if (state.batchesPerEpoch() != batches) {
            throw new IllegalArgumentException("the state was saved by a loader with " + state.batchesPerEpoch()
                    + " batches per epoch, but this loader has " + batches + "; the dataset or batching differs");
        }
        if (config.isStream()) {
            checkStreamState(state);
        }
        String differences = state.differences(config.isStream() && state.stream().isMerged()
                ? Map.of("stream", fingerprint().getOrDefault("stream", "")) : fingerprint());
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("the state was saved by a loader that makes other batches, so it cannot"
                    + " be resumed exactly here: " + differences + "; build this loader as the one that saved it");
        }
        nextEpoch.set(state.epoch() + 1);
        pendingResume = state;
        return new Epoch<>(() -> start(state.epoch(), config.isStream() ? DeliveredBatches.resumed(
                state.deliveredPrefix(), state.deliveredExtra(), state.stream())
                : new DeliveredBatches(state.deliveredPrefix(), state.deliveredExtra())));
    }

    /**
     * Checks that a stream's {@code state} can be resumed by this loader: a state of this rank with the same workers, or
     * a state merged from all ranks of an elastic stream (then any rank, world size and worker count will do).
     */
    private void checkStreamState(LoaderState state) {
        StreamProgress progress = state.stream();
        if (progress == null) {
            throw new IllegalArgumentException("the state of an IterableDataset was saved by an older version (loader"
                    + " state version 2) that did not record where each worker's share stands; restart its epoch ("
                    + state.epoch() + ") with epoch(" + state.epoch() + ")");
        }
        java.util.Optional<Partition> elastic = config.stream().elasticPartition();
        if (progress.isMerged()) {
            if (elastic.isEmpty()) {
                throw new IllegalArgumentException("the state was merged from the states of several ranks, which only"
                        + " an elastic stream (IterableDataset.elasticPartition()) can resume, but " + config.stream()
                        + " is not elastic");
            }
            return;
        }
        if (state.numWorkers() != config.numWorkers()) {
            throw new IllegalArgumentException("the state of an IterableDataset was saved with numWorkers="
                    + state.numWorkers() + ", which decides the order of its batches, but this loader has numWorkers="
                    + config.numWorkers() + (elastic.isPresent() ? "; to resume an elastic stream with another number"
                    + " of workers or ranks, merge the states of all ranks with LoaderState.merge and resume that" : ""));
        }
        if (elastic.isPresent() && !elastic.get().equals(progress.partition())) {
            throw new IllegalArgumentException("the state was saved by " + progress.partition() + ", but this loader"
                    + " reads " + elastic.get() + "; give each rank its own state, or merge the states of all ranks"
                    + " with LoaderState.merge to resume on another world size");
        }
    }

    /**
     * What fixes this loader's batches, by name, as saved in a {@link LoaderState} and checked by
     * {@link #resume}: the dataset's size and {@link Dataset#fingerprint()}, the batch sampler's
     * {@link BatchSampler#fingerprint()}; for a stream its {@link IterableDataset#fingerprint()}, batch size and
     * drop-last.
     */
    private Map<String, String> fingerprint() {
        if (fingerprint != null) {
            return fingerprint;
        }
        Map<String, String> f = new TreeMap<>();
        if (config.isStream()) {
            config.stream().fingerprint().ifPresent(id -> f.put("stream", id));
            f.put("batch size", String.valueOf(config.streamBatchSize()));
            f.put("drop last", String.valueOf(config.streamDropLast()));
        } else {
            f.put("dataset size", String.valueOf(config.dataset().size()));
            config.dataset().fingerprint().ifPresent(id -> f.put("dataset", id));
            f.put("batch sampler", config.batchSampler().fingerprint());
        }
        fingerprint = Map.copyOf(f);
        return fingerprint;
    }

    /**
     * {@return where the current epoch stands: which epoch, and which of its batches the consumer has received} Call it
     * on the thread that iterates, between batches; before any epoch it describes the start of the next one.
     */
    public synchronized LoaderState state() {
        if (pendingResume != null) {
            return pendingResume; // resumed but not started: the rest of that epoch is still to come
        }
        long batches = config.isStream() ? -1 : config.batchSampler().size();
        DeliveredBatches delivered = current == null ? new DeliveredBatches() : current.delivered();
        long epoch = current == null ? nextEpoch.get() : current.epoch();
        StreamProgress progress = config.isStream() ? delivered.progress(config.streamBatchSize(),
                Math.max(1, config.numWorkers()), config.stream().elasticPartition().orElse(null)) : null;
        return new LoaderState(config.seed(), epoch, delivered.prefix(), delivered.extra(), batches,
                config.numWorkers(), fingerprint(), progress);
    }

    /** The batches of the next epoch: 0 on the first call, then 1, 2, ... (as a new PyTorch iterator reshuffles). */
    @Override
    public LoaderIterator<B> iterator() {
        return start(nextEpoch.getAndIncrement(), new DeliveredBatches());
    }

    private synchronized LoaderIterator<B> start(long epoch, DeliveredBatches alreadyDelivered) {
        if (closed) {
            throw new IllegalStateException("this DataLoader is closed");
        }
        if (current != null) {
            current.abandon("epoch " + epoch + " was started on the same DataLoader; a DataLoader loads one epoch at"
                    + " a time: finish or close this epoch's loop first, or use a second DataLoader");
        }
        pendingResume = null;
        if ((config.persistentWorkers() || config.workers().isAuto()) && persistentPool == null) {
            persistentPool = new WorkerPool(config.numWorkers(), "dataloader4j-worker-");
        }
        if (prefetched != null && prefetched.epoch() == epoch && alreadyDelivered.isStart()) {
            current = prefetched; // its first batches are loading, or loaded, already
        } else {
            if (prefetched != null) {
                prefetched.close();
            }
            current = newEpoch(config, epoch, alreadyDelivered, persistentPool);
        }
        prefetched = null;
        if (current instanceof ParallelEpoch<?, ?> parallel && persistentPool != null) {
            parallel.whenAllStarted(() -> prefetch(epoch + 1));
        }
        return current;
    }

    /**
     * With persistent workers, starts the next epoch as soon as every batch of the current one has been
     * started, so that the workers never idle at an epoch boundary: its order is known from (seed, epoch).
     */
    private synchronized void prefetch(long epoch) {
        if (closed || prefetched != null) {
            return;
        }
        EpochIterator<B> next = newEpoch(config, epoch, new DeliveredBatches(), persistentPool);
        if (next instanceof ParallelEpoch<?, ?> parallel) {
            parallel.whenAllStarted(() -> { }); // one epoch ahead at most
        }
        prefetched = next;
    }

    private static <T, B> EpochIterator<B> newEpoch(LoaderConfig<T, B> config, long epoch, DeliveredBatches done,
                                                    WorkerPool pool) {
        if (config.numWorkers() == 0) {
            return config.isStream() ? new SerialStreamEpoch<>(config, epoch, done)
                    : new SerialEpoch<>(config, epoch, done);
        }
        return config.isStream() ? new ParallelStreamEpoch<>(config, epoch, done, pool)
                : new ParallelEpoch<>(config, epoch, done, pool);
    }

    /**
     * {@return number of batches per epoch}
     *
     * @throws UnsupportedOperationException for an {@code IterableDataset}, whose length is unknown
     */
    public long size() {
        if (config.isStream()) {
            throw new UnsupportedOperationException("a DataLoader over an IterableDataset has no known size");
        }
        return config.batchSampler().size();
    }

    /**
     * {@return the samples that the current (or last) epoch left out under {@link SampleErrorPolicy#skip}, in delivery
     * order, each with its index, file and cause; empty with the default policy} Safe to call from any thread.
     */
    public synchronized java.util.List<SkippedSample> skippedSamples() {
        return current == null ? java.util.List.of() : current.skips.snapshot();
    }

    /**
     * {@return how this loader reads its batches, and why when it cannot take the fastest path}: for a map-style
     * dataset either "rows gathered" (the dataset has {@link Dataset#tensorRows()} and the collate stacks tensors:
     * one copy per row straight into batch memory, no object per sample) or "samples read with Dataset.getBatch"
     * (once per batch, or per worker's share of one) with the reason the rows are not gathered (for example a {@code map} over a {@code TensorDataset}, whose transform
     * must see each sample). Nothing is switched off silently: this line says which path runs.
     *
     * <pre>{@code
     * DataLoader.builder(tensors).batchSize(256).build().readPath();
     * // "rows gathered straight into batch memory (Dataset.tensorRows), one task per batch, on the calling thread"
     * }</pre>
     */
    public String readPath() {
        if (config.isStream()) {
            return "stream: each worker iterates its share of the IterableDataset and collates its own batches";
        }
        String where = config.numWorkers() == 0 ? "on the calling thread" : "by the workers";
        return TensorGather.whyNot(config)
                .map(reason -> "samples read with Dataset.getBatch, once per batch"
                        + (config.numWorkers() == 0 ? "" : " share (one share per active worker)") + ", " + where
                        + "; rows not gathered because " + reason)
                .orElse("rows gathered straight into batch memory (Dataset.tensorRows), one task per batch, "
                        + where);
    }

    /** {@return the seed from which every random decision of this loader derives} */
    public long seed() {
        return config.seed();
    }

    /** {@return what the loader holds in memory now: batches in flight, bytes ready for the consumer, their peak} */
    public LoaderMemory memory() {
        return config.memory().snapshot(config.pool());
    }

    /**
     * {@return the number of worker threads (0 = load on the calling thread); with {@link #AUTO}, the number chosen so
     * far (see {@link #workerChoice()})}
     */
    public int numWorkers() {
        return config.numWorkers() == 0 ? 0 : config.workers().active();
    }

    /**
     * {@return how the worker count was decided: fixed, or what {@link #AUTO} measured and chose (or is still tuning)}
     */
    public String workerChoice() {
        return config.numWorkers() == 0 ? "0 workers: loading on the calling thread" : config.workers().decision();
    }

    /**
     * Stops the running epoch, if any, and frees the loader's threads and memory; the loader cannot be used
     * afterwards. Every part is closed even when one fails (that failure is thrown afterwards, with later ones
     * suppressed). A consumer waiting in {@code next()} on another thread returns at once with a
     * {@link DataLoaderException}; waits up to a second for worker threads that are inside user code. Idempotent.
     */
    @Override
    public synchronized void close() {
        closed = true;
        pendingResume = null;
        RuntimeException failure = null;
        EpochIterator<B> running = current;
        EpochIterator<B> ahead = prefetched;
        WorkerPool pool = persistentPool;
        current = null;
        prefetched = null;
        persistentPool = null;
        failure = closeCollecting(failure, running == null ? null : () -> running.abandon("its DataLoader was closed"));
        failure = closeCollecting(failure, ahead == null ? null : ahead::close);
        failure = closeCollecting(failure, pool == null ? null : pool::close);
        failure = closeCollecting(failure, config.pool()::close);
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException closeCollecting(RuntimeException earlier, Runnable step) {
        if (step == null) {
            return earlier;
        }
        try {
            step.run();
            return earlier;
        } catch (RuntimeException e) {
            if (earlier == null) {
                return e;
            }
            earlier.addSuppressed(e);
            return earlier;
        }
    }

    @Override
    public String toString() {
        return "DataLoader(" + (config.isStream() ? "stream" : config.batchSampler()) + ", numWorkers="
                + (config.workers().isAuto() ? "AUTO(" + numWorkers() + ")" : String.valueOf(config.numWorkers()))
                + ", seed=" + config.seed() + ")";
    }

    /**
     * Options of a {@link DataLoader}, named as PyTorch names them. Conflicting options are refused
     * by {@link #build()} with a message naming them.
     *
     * @param <T> sample type
     * @param <B> batch type
     */
    public static final class Builder<T, B> {
        private final Dataset<T> dataset;
        private final IterableDataset<T> stream;
        private Collate<? super T, ? extends B> collate;
        private Integer batchSize;
        private boolean unbatched;
        private boolean shuffle;
        private Sampler sampler;
        private BatchSampler batchSampler;
        private Boolean dropLast;
        private Long seed;
        private int numWorkers;
        private Integer prefetchFactor;
        private boolean pinMemory;
        private Duration timeout = Duration.ZERO;
        private boolean persistentWorkers;
        private boolean inOrder = true;
        private Long maxInflightBytes;
        private Consumer<WorkerInfo> workerInit;
        private SampleErrorPolicy onSampleError = SampleErrorPolicy.fail();

        @SuppressWarnings("unchecked")
        private Builder(Dataset<T> dataset, IterableDataset<T> stream) {
            this.dataset = dataset;
            this.stream = stream;
            this.collate = (Collate<? super T, ? extends B>) Collate.defaultCollate();
        }

        /**
         * Samples per batch (default 1).
         *
         * @param batchSize samples per batch (default 1)
         * @return this builder
         */
        public Builder<T, B> batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * No automatic batching (PyTorch's {@code batch_size=None}): every sample is delivered on its
         * own, as the dataset returns it.
         *
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public Builder<T, T> unbatched() {
            this.unbatched = true;
            Builder<T, T> self = (Builder<T, T>) this;
            self.collate = samples -> samples.getFirst();
            return self;
        }

        /**
         * Reshuffle the indices every epoch (default false); the order derives from (seed, epoch).
         *
         * @param shuffle reshuffle the indices every epoch (default false); the order derives from (seed, epoch)
         * @return this builder
         */
        public Builder<T, B> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * A custom order of indices; mutually exclusive with {@code shuffle}.
         *
         * @param sampler a custom order of indices; mutually exclusive with {@code shuffle}
         * @return this builder
         */
        public Builder<T, B> sampler(Sampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /**
         * Whole batches of indices; mutually exclusive with batchSize, shuffle, sampler and dropLast.
         *
         * @param batchSampler whole batches of indices; mutually exclusive with batchSize, shuffle, sampler and
         *         dropLast
         * @return this builder
         */
        public Builder<T, B> batchSampler(BatchSampler batchSampler) {
            this.batchSampler = Objects.requireNonNull(batchSampler, "batchSampler");
            return this;
        }

        /**
         * Drop the last batch if it is smaller than batchSize (default false).
         *
         * @param dropLast drop the last batch if it is smaller than batchSize (default false)
         * @return this builder
         */
        public Builder<T, B> dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * How samples are merged into a batch (default: {@link Collate#defaultCollate()}).
         *
         * @param <R> the batch type the collate produces
         * @param collate merges the samples of a batch
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public <R> Builder<T, R> collate(Collate<? super T, ? extends R> collate) {
            Builder<T, R> self = (Builder<T, R>) this;
            self.collate = Objects.requireNonNull(collate, "collate");
            return self;
        }

        /**
         * The seed of every random decision (default: drawn once, readable with {@link DataLoader#seed()}).
         *
         * @param seed the seed of every random decision (default: drawn once, readable with {@link DataLoader#seed()})
         * @return this builder
         */
        public Builder<T, B> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Worker threads that load samples in parallel (default 0: load on the calling thread), or
         * {@link DataLoader#AUTO} to choose by measuring.
         *
         * @param numWorkers worker threads that load samples in parallel (default 0: load on the calling thread), or
         *         {@link DataLoader#AUTO} to choose by measuring
         * @return this builder
         */
        public Builder<T, B> numWorkers(int numWorkers) {
            this.numWorkers = numWorkers;
            return this;
        }

        /**
         * Batches each worker may have in flight ahead of the consumer, as PyTorch's {@code prefetch_factor} (needs
         * numWorkers > 0). Given, a map-style loader keeps {@code prefetchFactor × numWorkers} batches in flight.
         * Not given, it keeps two (more only when two batches hold fewer than two samples per worker): every batch
         * is spread over all workers, so more batches in flight add memory but no speed. An
         * {@code IterableDataset}'s workers each cut their own batches and keep 2 each by default.
         *
         * @param prefetchFactor batches each worker may have in flight ahead of the consumer
         * @return this builder
         */
        public Builder<T, B> prefetchFactor(int prefetchFactor) {
            this.prefetchFactor = prefetchFactor;
            return this;
        }

        /**
         * Put batches in page-locked memory ({@code mlock}) for faster transfer to an accelerator
         * (default false). When the system refuses (the {@code ulimit -l} limit), the loader logs it once
         * and uses ordinary off-heap memory; {@link DataLoader#memory()} tells which.
         *
         * @param pinMemory put batches in page-locked memory ({@code mlock}) for faster transfer to an accelerator
         *         (default false)
         * @return this builder
         */
        public Builder<T, B> pinMemory(boolean pinMemory) {
            this.pinMemory = pinMemory;
            return this;
        }

        /**
         * Longest wait for one batch from the workers before failing (default zero: no limit; needs numWorkers > 0).
         *
         * @param timeout longest wait for one batch from the workers before failing (default zero: no limit; needs
         *         numWorkers > 0)
         * @return this builder
         */
        public Builder<T, B> timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Keep worker threads alive between epochs (default false; needs numWorkers > 0). They then also
         * start loading the next epoch while the last batches of the current one are consumed, so an epoch
         * does not begin with a stall; that head start is used when the next epoch asked for is the one
         * after, and dropped otherwise.
         *
         * @param persistentWorkers keep worker threads alive between epochs (default false; needs numWorkers > 0)
         * @return this builder
         */
        public Builder<T, B> persistentWorkers(boolean persistentWorkers) {
            this.persistentWorkers = persistentWorkers;
            return this;
        }

        /**
         * Deliver batches in sampler order (default true); {@code false} lets a batch that is ready
         * overtake a slower one. The content of every batch is the same either way.
         *
         * @param inOrder deliver batches in sampler order (default true); {@code false} lets a batch that is ready
         *         overtake a slower one
         * @return this builder
         */
        public Builder<T, B> inOrder(boolean inOrder) {
            this.inOrder = inOrder;
            return this;
        }

        /**
         * Runs on each worker thread before its first sample, with its {@link WorkerInfo} (PyTorch's
         * {@code worker_init_fn}): once per epoch, or once for the loader's life with persistent workers.
         * Needs numWorkers > 0. A failure ends the epoch with a {@link DataLoaderException} naming the worker.
         *
         * @param workerInit runs on each worker thread before its first sample, with its {@link WorkerInfo} (PyTorch's
         *         {@code worker_init_fn}): once per epoch, or once for the loader's life with persistent workers
         * @return this builder
         */
        public Builder<T, B> workerInit(Consumer<WorkerInfo> workerInit) {
            this.workerInit = Objects.requireNonNull(workerInit, "workerInit");
            return this;
        }

        /**
         * A budget for the bytes of batches held between the workers and the consumer: no further batch
         * is started while the loaded-but-undelivered batches plus the estimated size of those loading
         * would exceed it (one batch is always allowed, so loading never stalls). Map-style datasets
         * only; needs numWorkers > 0; default: no budget beyond the batches {@link #prefetchFactor} allows.
         *
         * @param maxInflightBytes the budget, in bytes, for the batches loaded or loading but not yet delivered
         * @return this builder
         */
        public Builder<T, B> maxInflightBytes(long maxInflightBytes) {
            this.maxInflightBytes = maxInflightBytes;
            return this;
        }

        /**
         * What to do when reading a sample fails (default {@link SampleErrorPolicy#fail()}: the failure is delivered
         * in the place of its batch); {@link SampleErrorPolicy#skip} leaves failed samples out, within a budget.
         * Map-style datasets only.
         *
         * @param policy what to do when reading a sample fails (default {@link SampleErrorPolicy#fail()}: the failure
         *         is delivered in the place of its batch); {@link SampleErrorPolicy#skip} leaves failed samples out,
         *         within a budget
         * @return this builder
         */
        public Builder<T, B> onSampleError(SampleErrorPolicy policy) {
            this.onSampleError = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Validates the options and builds the loader.
         *
         * @return the loader, ready to iterate
         * @throws IllegalArgumentException naming the conflicting or invalid options and their values
         */
        public DataLoader<B> build() {
            validateWorkerOptions();
            boolean auto = numWorkers == AUTO;
            int threads = auto ? Math.max(1, Runtime.getRuntime().availableProcessors()) : numWorkers;
            WorkerTuner tuner = auto ? WorkerTuner.auto(threads) : WorkerTuner.fixed(threads);
            long chosenSeed = seed != null ? seed : RandomStreams.freshSeed();
            int prefetch = prefetchFactor != null ? prefetchFactor : 2;
            if (stream != null) {
                validateStreamOptions();
                if (auto) {
                    throw new IllegalArgumentException("numWorkers(AUTO) applies to map-style datasets: an"
                            + " IterableDataset is sharded by the worker count, which must therefore be fixed");
                }
                int size = unbatched ? 1 : batchSize == null ? 1 : batchSize;
                boolean drop = dropLast != null && dropLast;
                if (onSampleError.skip()) {
                    throw new IllegalArgumentException("onSampleError(skip) applies to map-style datasets, whose samples"
                            + " have indices; an IterableDataset decides itself what to do with an element it cannot read,"
                            + " but got onSampleError=" + onSampleError);
                }
                if (maxInflightBytes != null) {
                    throw new IllegalArgumentException("maxInflightBytes applies to map-style datasets; an"
                            + " IterableDataset's batches are bounded by prefetchFactor, but got maxInflightBytes="
                            + maxInflightBytes);
                }
                return new DataLoader<>(common(chosenSeed, threads, tuner, prefetch).stream(stream, size, drop)
                        .memory(new MemoryTracker(0, BatchWindow.perWorker(prefetch))).build());
            }
            BatchSampler batches = batchSampler != null ? validateBatchSampler() : batchesFromOptions(chosenSeed);
            long budget = maxInflightBytes == null ? 0 : maxInflightBytes;
            BatchWindow window = prefetchFactor != null ? BatchWindow.perWorker(prefetchFactor) : BatchWindow.bySamples();
            return new DataLoader<>(common(chosenSeed, threads, tuner, prefetch).dataset(dataset, batches)
                    .memory(new MemoryTracker(budget, window)).build());
        }

        /** The options that map-style and stream loaders share. */
        private LoaderConfig.Builder<T, B> common(long chosenSeed, int threads, WorkerTuner tuner, int prefetch) {
            return LoaderConfig.<T, B>builder(collate).seed(chosenSeed).workers(threads, tuner, prefetch)
                    .pinMemory(pinMemory).timeout(timeout).persistentWorkers(persistentWorkers).inOrder(inOrder)
                    .pool(pool(prefetch, threads)).workerInit(workerInit).onSampleError(onSampleError);
        }

        /** Enough free buffers per size for every batch that can be in flight, plus those the consumer holds. */
        private BufferPool pool(int prefetch, int threads) {
            return BufferPool.builder().pinned(pinMemory).maxFreePerSize(prefetch * Math.max(threads, 1) + 4).build();
        }

        private void validateWorkerOptions() {
            if (numWorkers < 0 && numWorkers != AUTO) {
                throw new IllegalArgumentException("numWorkers option should be non-negative or DataLoader.AUTO, but got"
                        + " numWorkers=" + numWorkers + "; use numWorkers=0 to load on the calling thread");
            }
            if (numWorkers == 0 && prefetchFactor != null) {
                throw new IllegalArgumentException("prefetchFactor option can only be given with numWorkers > 0, but got"
                        + " prefetchFactor=" + prefetchFactor + " and numWorkers=0");
            }
            if (prefetchFactor != null && prefetchFactor < 1) {
                throw new IllegalArgumentException("prefetchFactor option should be a positive integer value, but got"
                        + " prefetchFactor=" + prefetchFactor);
            }
            if (maxInflightBytes != null && maxInflightBytes < 1) {
                throw new IllegalArgumentException("maxInflightBytes option should be a positive number of bytes, but"
                        + " got maxInflightBytes=" + maxInflightBytes);
            }
            if (numWorkers == 0 && maxInflightBytes != null) {
                throw new IllegalArgumentException("maxInflightBytes option applies to worker threads and needs"
                        + " numWorkers > 0, but got maxInflightBytes=" + maxInflightBytes + " and numWorkers=0");
            }
            if (numWorkers == 0 && workerInit != null) {
                throw new IllegalArgumentException("workerInit runs on worker threads and needs numWorkers > 0, but got"
                        + " numWorkers=0");
            }
            if (numWorkers == 0 && persistentWorkers) {
                throw new IllegalArgumentException("persistentWorkers option needs numWorkers > 0, but got numWorkers=0");
            }
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout option should be non-negative, but got timeout=" + timeout);
            }
            if (numWorkers == 0 && !timeout.isZero()) {
                throw new IllegalArgumentException("timeout option applies to worker threads and needs numWorkers > 0,"
                        + " but got timeout=" + timeout + " and numWorkers=0");
            }
            if (batchSize != null) {
                Preconditions.checkPositive("batchSize", batchSize.intValue());
            }
            if (unbatched && (batchSize != null || dropLast != null)) {
                throw new IllegalArgumentException("unbatched() disables automatic batching and is mutually exclusive"
                        + " with batchSize and dropLast, but got batchSize=" + batchSize + ", dropLast=" + dropLast);
            }
        }

        private void validateStreamOptions() {
            if (shuffle) {
                throw new IllegalArgumentException("DataLoader with IterableDataset: expected unspecified shuffle option,"
                        + " but got shuffle=true");
            }
            if (sampler != null) {
                throw new IllegalArgumentException("DataLoader with IterableDataset: expected unspecified sampler option,"
                        + " but got sampler=" + sampler);
            }
            if (batchSampler != null) {
                throw new IllegalArgumentException("DataLoader with IterableDataset: expected unspecified batchSampler"
                        + " option, but got batchSampler=" + batchSampler);
            }
        }

        private BatchSampler validateBatchSampler() {
            if (batchSize != null || shuffle || sampler != null || dropLast != null || unbatched) {
                throw new IllegalArgumentException("batchSampler option is mutually exclusive with batchSize, shuffle,"
                        + " sampler, dropLast and unbatched(), but got batchSize=" + batchSize + ", shuffle=" + shuffle
                        + ", sampler=" + sampler + ", dropLast=" + dropLast + ", unbatched=" + unbatched);
            }
            return batchSampler;
        }

        private BatchSampler batchesFromOptions(long chosenSeed) {
            if (sampler != null && shuffle) {
                throw new IllegalArgumentException("sampler option is mutually exclusive with shuffle, but got sampler="
                        + sampler + " and shuffle=true");
            }
            Sampler order = sampler != null ? sampler
                    : shuffle ? RandomSampler.builder(dataset.size()).seed(chosenSeed).build()
                    : new SequentialSampler(dataset.size());
            int size = unbatched ? 1 : batchSize == null ? 1 : batchSize;
            return dropLast != null && dropLast ? BatchSampler.dropLast(order, size) : BatchSampler.of(order, size);
        }
    }
}
