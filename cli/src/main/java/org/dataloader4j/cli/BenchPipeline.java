package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * One standard pipeline of {@code dataloader4j bench}: it builds its data once, loads it with our
 * {@code DataLoader} at a given worker count, and names the PyTorch script (under {@code bench/pytorch/})
 * and arguments that build and load the same thing in PyTorch. {@code tensor} (in memory) and
 * {@code npy-mmap} (the same data from memory-mapped {@code .npy} files) are the first; the image
 * pipelines ({@code image-train}, {@code image-eval}) join {@link BenchCommand#PIPELINES} as the vision
 * module lands.
 */
interface BenchPipeline extends AutoCloseable {

    /** The name given to {@code --pipeline}. */
    String name();

    /** One line saying what is loaded, e.g. the dataset's size, dtypes, batch size and shuffling. */
    String description();

    /**
     * Loads {@code epochs} epochs with {@code workers} worker threads (0 = the calling thread) and
     * measures each; progress goes to {@code progress}.
     */
    BenchRun run(int workers, int epochs, PrintWriter progress);

    /**
     * The first batch of a first epoch at {@code workers}, loaded as {@link #run} loads it ({@code bench
     * --first-batch-only}, in a fresh JVM).
     */
    BenchRun.FirstBatch firstBatch(int workers);

    /** File name of the PyTorch equivalent under {@code bench/pytorch/}. */
    String pytorchScript();

    /** Arguments that make the PyTorch script build the same-sized data ({@code --serve} is added by the caller). */
    List<String> pytorchArguments();

    /**
     * Whether PyTorch's side is also run with batched indexing and as a raw gather of the same rows (the
     * {@code batched} and {@code gather} setups of {@code bench_common.py}); only for a TensorDataset.
     */
    default boolean comparesWithGather() {
        return false;
    }

    /**
     * Reads the pipeline's files into the page cache ({@link PageCache}) so that the next run, ours or PyTorch's,
     * starts with them cached like the other side's; nothing for data held in memory.
     */
    default void warmPageCache() {
    }

    /** Pipeline-specific facts for the JSON report (files, page-cache state, ...); empty by default. */
    default Map<String, Object> details() {
        return Map.of();
    }

    /** Frees the pipeline's data (and deletes any files it wrote). */
    @Override
    void close();
}
