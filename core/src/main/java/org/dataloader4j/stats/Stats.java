package org.dataloader4j.stats;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.SequencedMap;
import java.util.Objects;
import java.util.function.Consumer;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.SampleErrorPolicy;
import org.dataloader4j.loader.SkippedSample;
import org.dataloader4j.tensor.Tensor;

/**
 * Per-channel statistics of image datasets that need not fit in memory: the {@code mean} and {@code std} that a
 * {@code Normalize} transform wants.
 *
 * <p>{@link #compute(Dataset, int, int)} reads the dataset through a {@link DataLoader} whose collate, running
 * on the worker threads, turns each batch of samples into a {@link RunningStats} instead of a stacked tensor;
 * the calling thread only merges them. So the statistics are computed in parallel, and no batch tensor is ever
 * allocated. A sample is an image tensor ({@code [C, H, W]}, any dtype) or a structure whose first element is
 * one: a {@code List} (as {@code TensorDataset} returns), an array, an ordered map (as the default collate makes
 * of records), or a record whose first component is the image. The samples are not closed (the dataset owns them).
 *
 * <pre>{@code
 * Dataset<List<Tensor>> images = ...;                 // samples [image CHW float32, label]
 * ChannelStats s = Stats.compute(images, 64, 4);      // batches of 64, 4 worker threads
 * Normalize normalize = new Normalize(s.mean(), s.std());
 * }</pre>
 */
public final class Stats {
    private Stats() {
    }

    /**
     * {@return {@link #compute(Dataset, int, int)} with batches of 64 on the calling thread}
     *
     * @param dataset the dataset whose samples' first tensors are summarised
     */
    public static ChannelStats compute(Dataset<?> dataset) {
        return compute(dataset, 64, 0);
    }

    /**
     * {@return per-channel mean and population std of the first tensor of every sample of {@code dataset}, read in
     * batches of {@code batchSize} by {@code numWorkers} worker threads (0: the calling thread)} Random transforms in
     * the dataset see the loader's seed 0 and epoch 0.
     *
     * @param dataset the dataset whose samples' first tensors are summarised
     * @param batchSize samples per batch
     * @param numWorkers worker threads (0: the calling thread)
     * @throws IllegalArgumentException if the dataset is empty, or a sample has no CHW image first, or images
     *                                  differ in their number of channels (naming the sample)
     */
    public static ChannelStats compute(Dataset<?> dataset, int batchSize, int numWorkers) {
        return ChannelStats.of(channelStats(dataset, batchSize, numWorkers).summary());
    }

    /**
     * As {@link #compute(Dataset, int, int)}, leaving out the samples that fail to load within {@code policy}'s
     * budget ({@link SampleErrorPolicy#skip}); each one left out is handed to {@code skipped}.
     *
     * @param dataset the dataset whose samples' first tensors are summarised
     * @param batchSize samples per batch
     * @param numWorkers worker threads (0: the calling thread)
     * @param policy how many failing samples may be left out
     * @param skipped receives each sample left out
     * @return the mean and standard deviation of each channel
     */
    public static ChannelStats compute(Dataset<?> dataset, int batchSize, int numWorkers, SampleErrorPolicy policy,
                                       Consumer<SkippedSample> skipped) {
        return ChannelStats.of(channelStats(dataset, batchSize, numWorkers, policy, skipped).summary());
    }

    /**
     * As {@link #compute(Dataset, int, int)}, returning the merged accumulator itself.
     *
     * @param dataset the dataset whose samples' first tensors are summarised
     * @param batchSize samples per batch
     * @param numWorkers worker threads (0: the calling thread)
     * @return the accumulator of every channel's values
     */
    public static RunningStats channelStats(Dataset<?> dataset, int batchSize, int numWorkers) {
        return channelStats(dataset, batchSize, numWorkers, SampleErrorPolicy.fail(), s -> { });
    }

    private static RunningStats channelStats(Dataset<?> dataset, int batchSize, int numWorkers,
                                             SampleErrorPolicy policy, Consumer<SkippedSample> skipped) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(skipped, "skipped");
        Objects.requireNonNull(dataset, "dataset");
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("cannot compute channel statistics of an empty dataset: " + dataset);
        }
        Collate<Object, RunningStats> perBatch = Stats::batchStats;
        @SuppressWarnings("unchecked")
        Dataset<Object> samples = (Dataset<Object>) dataset;
        RunningStats total = null;
        try (DataLoader<RunningStats> loader = DataLoader.builder(samples).batchSize(batchSize)
                .numWorkers(numWorkers).seed(0).onSampleError(policy).collate(perBatch).build()) {
            for (RunningStats batch : loader.epoch(0)) {
                if (total == null) {
                    total = new RunningStats(batch.features());
                }
                if (batch.features() != total.features()) {
                    throw new IllegalArgumentException("images have different numbers of channels: "
                            + total.features() + " in the first batch and " + batch.features() + " in a later one");
                }
                total.merge(batch);
            }
            loader.skippedSamples().forEach(skipped);
        }
        if (total == null) {
            throw new IllegalArgumentException("no sample of " + dataset + " loaded: every one was skipped");
        }
        return total;
    }

    /**
     * {@return per-channel statistics of the first tensor of each batch ({@code [N, C, H, W]}, any dtype), as a {@code
     * DataLoader} with the default collate delivers them; each batch is closed after use}
     *
     * <pre>{@code
     * try (DataLoader<Batch> loader = DataLoader.builder(images).batchSize(64).numWorkers(4).build()) {
     *     ChannelStats s = Stats.compute(loader.epoch(0));
     * }
     * }</pre>
     *
     * @param batches the batches, such as a {@code DataLoader}'s epoch
     * @throws IllegalArgumentException if there is no batch, or a batch's first tensor is not NCHW
     */
    public static ChannelStats compute(Iterable<Batch> batches) {
        Objects.requireNonNull(batches, "batches");
        RunningStats total = null;
        for (Batch batch : batches) {
            try (batch) {
                Tensor images = first(batch.content(), "batch");
                if (images.rank() != 4) {
                    throw new IllegalArgumentException("expected batches of NCHW images, but the batch's first tensor"
                            + " is " + images.dtype() + " " + images.shape());
                }
                if (total == null) {
                    total = new RunningStats((int) images.shape().dim(1));
                }
                total.addChannels(images);
            }
        }
        if (total == null) {
            throw new IllegalArgumentException("cannot compute channel statistics: there was no batch");
        }
        return ChannelStats.of(total.summary());
    }

    private static RunningStats batchStats(List<?> samples) {
        RunningStats stats = null;
        for (int i = 0; i < samples.size(); i++) {
            Tensor image = first(samples.get(i), "sample at position " + i + " of the batch");
            if (image.rank() != 3) {
                throw new IllegalArgumentException("expected CHW images, but the sample at position " + i
                        + " of the batch has a first tensor " + image.dtype() + " " + image.shape());
            }
            if (stats == null) {
                stats = new RunningStats((int) image.shape().dim(0));
            } else if (image.shape().dim(0) != stats.features()) {
                throw new IllegalArgumentException("images have different numbers of channels: the sample at position "
                        + i + " of the batch is " + image.shape() + ", an earlier one had " + stats.features());
            }
            stats.addChannels(image);
        }
        return stats;
    }

    private static Tensor first(Object value, String what) {
        Object candidate = value;
        if (value instanceof List<?> list && !list.isEmpty()) {
            candidate = list.getFirst();
        } else if (value instanceof Object[] array && array.length > 0) {
            candidate = array[0];
        } else if (value instanceof SequencedMap<?, ?> map && !map.isEmpty()) {
            candidate = map.values().iterator().next();
        } else if (value != null && value.getClass().isRecord()) {
            RecordComponent[] components = value.getClass().getRecordComponents();
            if (components.length > 0) {
                try {
                    candidate = components[0].getAccessor().invoke(value);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException("cannot read the first component of the " + what + " ("
                            + value.getClass().getName() + ")", e);
                }
            }
        }
        if (candidate instanceof Tensor t) {
            return t;
        }
        throw new IllegalArgumentException("expected the " + what + " to be an image tensor or to hold one first (a"
                + " List, array, ordered Map or record), but it is " + (value == null ? "null" : value.getClass().getName()));
    }
}
