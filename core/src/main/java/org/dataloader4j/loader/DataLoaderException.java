package org.dataloader4j.loader;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A failure while loading, raised on the thread that iterates the {@link DataLoader}, with the
 * original exception as its cause. The message and the accessors say which sample (index and, when
 * the dataset knows it, the file), which batch, which epoch and which worker failed, so a bad file
 * can be found without a debugger.
 *
 * <pre>{@code
 * try {
 *     for (Batch batch : loader.epoch(0)) train(batch);
 * } catch (DataLoaderException e) {
 *     log.error("bad sample {} ({})", e.sampleIndex(), e.source().orElse("unknown file"), e);
 * }
 * }</pre>
 */
public final class DataLoaderException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /**
     * The epoch in which it failed, or -1 when not known.
     */
    private final long epoch;
    /**
     * The number of the batch in its epoch, or -1 when not known.
     */
    private final long batchNumber;
    /**
     * The sample's index in the dataset, or -1 when the failure concerns no single sample.
     */
    private final long sampleIndex;
    /**
     * The sample's file or other source, or null when not known.
     */
    private final String source;
    /**
     * The worker that read the sample, or -1 when not known.
     */
    private final int workerId;

    private DataLoaderException(String message, long epoch, long batchNumber, long sampleIndex, String source,
                                int workerId, Throwable cause) {
        super(message, cause);
        this.epoch = epoch;
        this.batchNumber = batchNumber;
        this.sampleIndex = sampleIndex;
        this.source = source;
        this.workerId = workerId;
    }

    /** Reading sample {@code index} failed; {@code source} may be null, {@code workerId} is -1 on the calling thread. */
    static DataLoaderException sample(long epoch, long batchNumber, long index, String source, int workerId,
                                      Throwable cause) {
        return new DataLoaderException(message(loadSample(index, source), epoch, batchNumber, workerId, cause), epoch,
                batchNumber, index, source, workerId, cause);
    }

    /**
     * Sample {@code index} did not load within the loader's timeout: {@code workerId} is the worker reading
     * it, or -1 when it was still queued because every worker was busy with earlier samples.
     */
    static DataLoaderException sampleTimeout(long epoch, long batchNumber, long index, String source, int workerId,
                                             Throwable cause) {
        String what = loadSample(index, source);
        String where = workerId >= 0 ? ", worker " + workerId
                : ", still queued: every worker was busy with earlier samples";
        return new DataLoaderException(message(what, epoch, batchNumber, where, cause), epoch, batchNumber, index,
                source, workerId, cause);
    }

    private static String loadSample(long index, String source) {
        return "load sample " + index + (source == null ? "" : " (" + source + ")");
    }

    /** {@code Dataset.getBatch} of {@code indices} failed outside the reading of any one sample. */
    static DataLoaderException batch(long epoch, long batchNumber, long[] indices, int workerId, Throwable cause) {
        String what = "read the samples " + preview(indices) + " (Dataset.getBatch)";
        return new DataLoaderException(message(what, epoch, batchNumber, workerId, cause), epoch, batchNumber, -1,
                null, workerId, cause);
    }

    /** Collating a batch failed. */
    static DataLoaderException collate(long epoch, long batchNumber, long[] indices, int workerId, Throwable cause) {
        String what = "collate the samples " + preview(indices);
        return new DataLoaderException(message(what, epoch, batchNumber, workerId, cause), epoch, batchNumber, -1,
                null, workerId, cause);
    }

    /** Element {@code position} of a stream ({@code IterableDataset}) failed. */
    static DataLoaderException stream(long epoch, long batchNumber, long position, int workerId, Throwable cause) {
        String what = "read element " + position + " of the stream";
        return new DataLoaderException(message(what, epoch, batchNumber, workerId, cause), epoch, batchNumber, -1,
                null, workerId, cause);
    }

    /** The loader's {@code workerInit} failed on worker {@code workerId}. */
    static DataLoaderException workerInit(long epoch, int workerId, Throwable cause) {
        return new DataLoaderException(message("initialise the worker (workerInit)", epoch, -1, workerId, cause), epoch,
                -1, -1, null, workerId, cause);
    }

    /**
     * The batch sampler failed on the calling thread while planning batch {@code batchNumber}: {@code what}
     * says what it was asked to do.
     */
    static DataLoaderException sampler(long epoch, long batchNumber, String what, Throwable cause) {
        return new DataLoaderException(message(what, epoch, -1, -1, cause), epoch, batchNumber, -1, null, -1, cause);
    }

    /**
     * {@code failure} as a {@link DataLoaderException}: itself when it is one, else wrapped as a failure of
     * batch {@code batchNumber} (for failures outside any sample, such as allocating the batch's memory).
     */
    static DataLoaderException of(Throwable failure, long epoch, long batchNumber, int workerId) {
        if (failure instanceof DataLoaderException e) {
            return e;
        }
        String what = "load batch " + batchNumber;
        return new DataLoaderException(message(what, epoch, batchNumber, workerId, failure), epoch, batchNumber, -1,
                null, workerId, failure);
    }

    /** A failure that concerns the loader as a whole (for example an interrupted consumer). */
    static DataLoaderException general(String what, long epoch, Throwable cause) {
        return new DataLoaderException(message(what, epoch, -1, -1, cause), epoch, -1, -1, null, -1, cause);
    }

    private static String message(String what, long epoch, long batchNumber, int workerId, Throwable cause) {
        return message(what, epoch, batchNumber, workerId >= 0 ? ", worker " + workerId : ", on the calling thread",
                cause);
    }

    private static String message(String what, long epoch, long batchNumber, String where, Throwable cause) {
        StringBuilder sb = new StringBuilder("DataLoader failed to ").append(what).append(" in epoch ").append(epoch);
        if (batchNumber >= 0) {
            sb.append(", batch ").append(batchNumber);
        }
        sb.append(where);
        if (cause != null) {
            sb.append(": ").append(cause.getClass().getName());
            if (cause.getMessage() != null) {
                sb.append(": ").append(cause.getMessage());
            }
        }
        return sb.toString();
    }

    private static String preview(long[] indices) {
        StringBuilder sb = new StringBuilder("[");
        int shown = Math.min(indices.length, 16);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(indices[i]);
        }
        return sb.append(indices.length > shown ? ", ... (" + indices.length + " samples)]" : "]").toString();
    }

    /** {@return the epoch being loaded} */
    public long epoch() {
        return epoch;
    }

    /** {@return the number of the batch (0-based within the epoch) that failed, if known} */
    public OptionalLong batchNumber() {
        return batchNumber >= 0 ? OptionalLong.of(batchNumber) : OptionalLong.empty();
    }

    /** {@return the dataset index of the sample that failed; empty when the failure concerns a whole batch} */
    public OptionalLong sampleIndex() {
        return sampleIndex >= 0 ? OptionalLong.of(sampleIndex) : OptionalLong.empty();
    }

    /** {@return the sample's origin (usually a file path) as the dataset reports it through {@code Dataset.source}} */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    /** {@return the worker thread that failed; empty when loading ran on the calling thread} */
    public OptionalInt workerId() {
        return workerId >= 0 ? OptionalInt.of(workerId) : OptionalInt.empty();
    }
}
