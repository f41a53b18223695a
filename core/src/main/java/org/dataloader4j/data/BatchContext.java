package org.dataloader4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * What the loader knows about the batch (or the worker's share of a batch) that {@link Dataset#getBatch} is reading
 * right now: for each slot (a position in the {@code indices} given to {@code getBatch}) the {@link SampleContext}
 * of that sample, and how the loader wants one sample read. The {@code DataLoader} binds it (as a {@link ScopedValue})
 * around every {@code getBatch} call; outside a loader none is bound.
 *
 * <p>Datasets use it through {@link #read}: the default {@code getBatch} reads each sample as
 * {@code read(slot, () -> get(indices[slot]))}, so the sample's random generator, its row of a preallocated batch and
 * the naming of its failure (index, file, batch, worker) are exactly those of a sample read on its own;
 * {@link MappedDataset} transforms each sample of its source's batch the same way. A wrapper that hands only some
 * slots to another dataset (as {@link ConcatDataset} does with each part) binds {@link #part(int[])} around that call.
 *
 * <p>The binding is the calling thread's: a {@code getBatch} that hands per-sample work to other threads captures
 * {@code BatchContext.current()} first and calls {@link #read} on it there ({@link #readSlot} on another thread finds
 * no batch and reads the sample as outside a loader).
 *
 * <pre>{@code
 * public List<Row> getBatch(long[] indices) {
 *     List<Row> rows = database.fetch(indices);              // one query for the whole batch
 *     List<Row> out = new ArrayList<>(rows.size());
 *     for (int slot = 0; slot < rows.size(); slot++) {
 *         Row row = rows.get(slot);                         // per-sample work, named and seeded per sample
 *         out.add(BatchContext.readSlot(slot, () -> augment(row)));
 *     }
 *     return out;
 * }
 * }</pre>
 */
public final class BatchContext {
    private static final ScopedValue<BatchContext> CURRENT = ScopedValue.newInstance();

    /** How a loader reads one sample of a batch: binds its context (and memory), and names its failure. */
    @FunctionalInterface
    public interface SlotReader {
        /**
         * Runs {@code action}, the reading of the sample in {@code slot} of the outermost batch, whose context is
         * {@code context} (already bound by the caller), and returns its result.
         *
         * @param slot the slot in the outermost batch
         * @param context the sample's context
         * @param action reads the sample
         * @return what {@code action} returned
         */
        Object read(int slot, SampleContext context, Supplier<?> action);
    }

    private final long seed;
    private final long epoch;
    private final long firstPosition;
    private final long[] indices;
    private final WorkerInfo worker;
    private final SlotReader reader;
    private final int[] slots; // slot i of this context is slot slots[i] of the outermost batch; null: the same

    /**
     * The batch of {@code indices} (the indices given to the outermost dataset), whose slot {@code i} is the
     * {@code (firstPosition + i)}-th sample of {@code epoch}; {@code reader} (may be null: bind the context only)
     * reads each sample.
     *
     * @param seed the loader's seed
     * @param epoch the epoch
     * @param firstPosition the position in the epoch of slot 0
     * @param indices the outermost dataset's indices, one per slot (copied)
     * @param worker the worker reading the batch
     * @param reader reads one sample; null to bind the contexts only
     */
    public BatchContext(long seed, long epoch, long firstPosition, long[] indices, WorkerInfo worker,
                        SlotReader reader) {
        this(seed, epoch, firstPosition, Objects.requireNonNull(indices, "indices").clone(), worker, reader, null);
    }

    private BatchContext(long seed, long epoch, long firstPosition, long[] indices, WorkerInfo worker,
                         SlotReader reader, int[] slots) {
        this.seed = seed;
        this.epoch = epoch;
        this.firstPosition = firstPosition;
        this.indices = indices;
        this.worker = worker;
        this.reader = reader;
        this.slots = slots;
    }

    /**
     * The context bound by the loader around the current {@code getBatch} call, if any.
     *
     * @return the bound context, or empty outside a loader's {@code getBatch}
     */
    public static Optional<BatchContext> current() {
        return CURRENT.isBound() ? Optional.ofNullable(CURRENT.get()) : Optional.empty();
    }

    /**
     * Runs {@code action} with {@code context} bound for the current thread, and returns its result.
     *
     * @param <T> the result type
     * @param context the context to bind
     * @param action what to run
     * @return what {@code action} returned
     */
    public static <T> T callWith(BatchContext context, Supplier<T> action) {
        return ScopedValue.where(CURRENT, Objects.requireNonNull(context, "context")).call(action::get);
    }

    /**
     * Reads the sample in {@code slot} of the current batch with {@code action}: with a batch bound, as
     * {@link #read} does; without one (outside a loader), by calling {@code action} as it is, so the sample is what
     * {@code get(index)} alone gives.
     *
     * @param <T> the sample type
     * @param slot the slot of the sample in the current batch
     * @param action reads the sample
     * @return the sample
     */
    public static <T> T readSlot(int slot, Supplier<T> action) {
        BatchContext batch = current().orElse(null);
        return batch == null ? action.get() : batch.read(slot, action);
    }

    /**
     * The samples {@code get(indices[i])} read one by one, each through {@link #readSlot}: what
     * {@link Dataset#getBatch} does unless a dataset reads a batch in a better way.
     *
     * @param <T> the sample type
     * @param indices the samples' indices
     * @param get reads one sample by index
     * @return the samples, in the order of {@code indices}
     */
    public static <T> List<T> readEach(long[] indices, LongFunction<? extends T> get) {
        List<T> out = new ArrayList<>(indices.length);
        for (int slot = 0; slot < indices.length; slot++) {
            long index = indices[slot];
            out.add(readSlot(slot, () -> get.apply(index)));
        }
        return out;
    }

    /**
     * The number of slots.
     *
     * @return the number of slots
     */
    public int size() {
        return slots != null ? slots.length : indices.length;
    }

    /**
     * The context of the sample in {@code slot}: its position in the epoch and the index of the outermost dataset.
     *
     * @param slot the slot
     * @return the sample's context
     */
    public SampleContext sample(int slot) {
        int outer = outer(slot);
        return new SampleContext(seed, epoch, firstPosition + outer, indices[outer], worker);
    }

    /**
     * Reads the sample in {@code slot} with {@code action}, with its {@link SampleContext} bound (and no batch: a
     * {@code getBatch} called inside reads a batch of its own), as the loader reads a sample on its own: a failure
     * names the sample's index and file.
     *
     * @param <T> the sample type
     * @param slot the slot
     * @param action reads the sample
     * @return the sample
     */
    @SuppressWarnings("unchecked")
    public <T> T read(int slot, Supplier<T> action) {
        int outer = outer(slot);
        SampleContext context = sample(slot);
        Supplier<T> bound = () -> ScopedValue.where(CURRENT, null).call(
                () -> SampleContext.callWith(context, action));
        return reader == null ? bound.get() : (T) reader.read(outer, context, bound);
    }

    /**
     * The batch made of slots {@code slots} of this one, in that order: for a wrapper that hands some of its slots to
     * another dataset's {@code getBatch} (bind it with {@link #callWith} around that call).
     *
     * @param slots slots of this batch, in the order of the part
     * @return the part
     * @throws IndexOutOfBoundsException naming a slot outside this batch
     */
    public BatchContext part(int[] slots) {
        int[] outer = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            outer[i] = outer(slots[i]);
        }
        return new BatchContext(seed, epoch, firstPosition, indices, worker, reader, outer);
    }

    private int outer(int slot) {
        int n = size();
        if (slot < 0 || slot >= n) {
            throw new IndexOutOfBoundsException("slot " + slot + " is out of range for a batch of " + n + " samples");
        }
        return slots != null ? slots[slot] : slot;
    }

    @Override
    public String toString() {
        return "BatchContext(epoch=" + epoch + ", first position=" + firstPosition + ", " + size() + " samples)";
    }
}
