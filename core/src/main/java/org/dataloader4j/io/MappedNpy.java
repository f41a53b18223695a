package org.dataloader4j.io;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.dataloader4j.tensor.Tensor;

/**
 * A memory-mapped {@code .npy} file, made by {@link Npy#mmap(Path)}: the handle owns the mapping (a
 * shared {@link Arena}), and {@link #tensor()} is a view of the file's data that reads pages from disk
 * only when they are touched.
 *
 * <h2>Ownership</h2>
 * The tensor, every view of it ({@code select}, {@code slice}) and every {@code TensorDataset} sample
 * taken from it borrow the mapping: they are valid until {@link #close()}, which unmaps the file at once,
 * and throw {@link IllegalStateException} when used afterwards (never a crash or a read of unmapped
 * memory). Closing the tensor does nothing. Copy a row ({@link Tensor#copy()}) to keep it past the
 * handle. The file itself is not held open. Any thread may use the tensor and any thread may close the
 * handle; close it only when no loader is still reading.
 *
 * <pre>{@code
 * try (MappedNpy features = Npy.mmap(Path.of("features.npy"));
 *      MappedNpy labels = Npy.mmap(Path.of("labels.npy"));
 *      DataLoader<Batch> loader = DataLoader.builder(new TensorDataset(features.tensor(), labels.tensor()))
 *              .batchSize(256).shuffle(true).numWorkers(4).seed(1).build()) {
 *     for (Batch batch : loader.epoch(0)) {
 *         try (batch) { train(batch.tensor(0), batch.tensor(1)); }   // batches are copies: safe after close
 *     }
 * }
 * }</pre>
 */
public final class MappedNpy implements AutoCloseable {
    private final Path path;
    private final NpyHeader header;
    private final Tensor tensor;
    private final Arena arena;

    MappedNpy(Path path, NpyHeader header, Tensor tensor, Arena arena) {
        this.path = path;
        this.header = header;
        this.tensor = tensor;
        this.arena = arena;
    }

    /**
     * {@return the mapped array, row-major, in the dtype of {@link NpyHeader#dtype()}}
     *
     * @throws IllegalStateException if this handle is closed
     */
    public Tensor tensor() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("the memory mapping of " + path + " is closed");
        }
        return tensor;
    }

    /** {@return the file's header} */
    public NpyHeader header() {
        return header;
    }

    /** {@return the mapped file} */
    public Path path() {
        return path;
    }

    /** {@return true once {@link #close()} has run} */
    public boolean isClosed() {
        return !arena.scope().isAlive();
    }

    /** Unmaps the file; the tensor and all views of it become unusable. Idempotent. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** For example {@code MappedNpy(/data/x.npy, FLOAT32 [1000000, 256])}. */
    @Override
    public String toString() {
        return "MappedNpy(" + path + ", " + tensor.dtype() + " " + tensor.shape() + (isClosed() ? ", closed" : "")
                + ")";
    }
}
