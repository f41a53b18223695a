package org.dataloader4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.io.MappedNpy;
import org.dataloader4j.io.Npy;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * The {@code npy-mmap} pipeline: the {@code tensor} pipeline's data (the same bytes, from
 * {@link TensorPipeline#fill}) written as two {@code .npy} files, features {@code [samples, features]}
 * FLOAT32 and labels {@code [samples]} INT64, then memory-mapped with {@link Npy#mmap(Path)} and loaded
 * as a {@link TensorDataset} over the mapped tensors, shuffled, with the default collate. PyTorch's
 * equivalent maps the very same files with {@code numpy.load(path, mmap_mode='r')}.
 *
 * <h2>Page cache</h2>
 * The files are written and synced ({@code fsync}) before anything is measured, so their pages are in the
 * page cache and none are dirty: this is the <em>warm</em> case, the same for both sides, which map the
 * same files, and they are read again before each run ({@link PageCache}), as the machine may page out files
 * left idle. The share of the files' pages that is resident ({@code mincore}, through
 * {@link MemorySegment#isLoaded()}) is recorded before the first run and after the last. A cold cache
 * (pages on disk only) is not measured: dropping one file's pages needs {@code posix_fadvise} or root.
 *
 * <h2>Files</h2>
 * They go into a new folder {@code dataloader4j-bench-*} under {@code --data-dir} (default: the system's
 * temporary folder), after checking that the disk has room; {@link #close()} unmaps and deletes them.
 */
final class NpyMmapPipeline implements BenchPipeline {
    /** Room left on the disk beyond the files themselves. */
    private static final long SPARE_BYTES = 64L << 20;
    private static final long RESIDENCY_CHUNK = 1L << 20;

    private final long samples;
    private final int features;
    private final int batchSize;
    private final long seed;
    private final Path dir;
    private final Path featuresFile;
    private final Path labelsFile;
    private final double writeSeconds;
    private final MappedNpy x;
    private final MappedNpy y;
    private final TensorDataset dataset;
    private final double residentBefore;
    private double residentAfter = Double.NaN;

    /**
     * Writes, syncs and maps the files under {@code dataDir} (the system's temporary folder when null).
     *
     * @throws IOException if the folder is missing, the disk lacks room (a one-line message saying how much is
     *                     needed and free), or writing or mapping fails; whatever was written is deleted then
     */
    NpyMmapPipeline(long samples, int features, int batchSize, long seed, Path dataDir) throws IOException {
        this.samples = samples;
        this.features = features;
        this.batchSize = batchSize;
        this.seed = seed;
        Path parent = dataDir != null ? dataDir : Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(parent)) {
            throw new IOException("--data-dir " + parent + " is not an existing folder");
        }
        long featureBytes = Math.multiplyExact(Math.multiplyExact(samples, (long) features), (long) Float.BYTES);
        long labelBytes = Math.multiplyExact(samples, (long) Long.BYTES);
        requireSpace(parent, featureBytes + labelBytes + 2 * 4096);

        Path created = Files.createTempDirectory(parent, "dataloader4j-bench-");
        this.dir = created;
        this.featuresFile = created.resolve("features.npy");
        this.labelsFile = created.resolve("labels.npy");
        created.toFile().deleteOnExit();          // deleted last of the three, should close() never run
        featuresFile.toFile().deleteOnExit();
        labelsFile.toFile().deleteOnExit();
        MappedNpy mx = null;
        MappedNpy my = null;
        try {
            long start = System.nanoTime();
            try (Tensor xs = Tensor.zeros(DType.FLOAT32, samples, features);
                 Tensor ys = Tensor.zeros(DType.INT64, samples)) {
                TensorPipeline.fill(xs, ys, seed);
                Npy.write(featuresFile, xs);
                Npy.write(labelsFile, ys);
            }
            sync(featuresFile);
            sync(labelsFile);
            this.writeSeconds = (System.nanoTime() - start) / 1e9;
            mx = Npy.mmap(featuresFile);
            my = Npy.mmap(labelsFile);
            this.dataset = new TensorDataset(mx.tensor(), my.tensor());
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(mx);
            closeQuietly(my);
            deleteFiles();
            throw e;
        }
        this.x = mx;
        this.y = my;
        this.residentBefore = residentFraction();
    }

    private static void requireSpace(Path parent, long needed) throws IOException {
        long free = Files.getFileStore(parent).getUsableSpace();
        if (free < needed + SPARE_BYTES) {
            throw new IOException(String.format(Locale.ROOT, "the npy-mmap pipeline needs %,.1f MiB of disk for its"
                    + " .npy files (plus %,d MiB spare) but %s has %,.1f MiB free; pass --data-dir DIR on a disk"
                    + " with room, or fewer --samples or --features", needed / 1048576.0, SPARE_BYTES >> 20, parent,
                    free / 1048576.0));
        }
    }

    /** Flushes the file's dirty pages to disk, so that no write-back runs while loading is measured. */
    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** The share of both files' data pages in the page cache (mincore), 0 to 1, or NaN if unknown. */
    private double residentFraction() {
        try {
            long resident = 0;
            long total = 0;
            for (MemorySegment data : List.of(x.tensor().data(), y.tensor().data())) {
                for (long off = 0; off < data.byteSize(); off += RESIDENCY_CHUNK) {
                    long n = Math.min(RESIDENCY_CHUNK, data.byteSize() - off);
                    if (data.asSlice(off, n).isLoaded()) {
                        resident += n;
                    }
                    total += n;
                }
            }
            return total == 0 ? 1 : (double) resident / total;
        } catch (UnsupportedOperationException | IllegalStateException e) {
            return Double.NaN;
        }
    }

    @Override
    public String name() {
        return "npy-mmap";
    }

    @Override
    public String description() {
        long bytes = x.header().dataBytes() + y.header().dataBytes();
        return String.format(Locale.ROOT, "TensorDataset over memory-mapped .npy files, %,d x %d FLOAT32 rows + INT64"
                + " labels (%.1f MiB, written and synced in %.1f s to %s; %s of their pages in the page cache: warm),"
                + " batch %d, shuffled, default collate", samples, features, bytes / 1048576.0, writeSeconds, dir,
                percent(residentBefore), batchSize);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "unknown share" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    @Override
    public BenchRun run(int workers, int epochs, PrintWriter progress) {
        BenchRun run = BenchRun.measure(dataset, batchSize, seed, workers, epochs, progress);
        residentAfter = residentFraction();
        return run;
    }

    @Override
    public BenchRun.FirstBatch firstBatch(int workers) {
        return BenchRun.firstBatch(dataset, batchSize, seed, workers, LoaderTuning.DEFAULTS);
    }

    @Override
    public void warmPageCache() {
        PageCache.warm(dir);
    }

    @Override
    public String pytorchScript() {
        return "tensor_pipeline.py";
    }

    @Override
    public List<String> pytorchArguments() {
        return List.of("--npy", featuresFile.toString(), "--labels", labelsFile.toString(),
                "--batch-size", Integer.toString(batchSize), "--seed", Long.toString(seed));
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("featuresFile", featuresFile.toString());
        m.put("labelsFile", labelsFile.toString());
        m.put("fileBytes", x.header().dataBytes() + y.header().dataBytes());
        m.put("writeSeconds", writeSeconds);
        m.put("pageCache", "warm: files written and fsynced before the first run and read again before each run"
                + " (PageCache); cold cache not measured");
        m.put("residentFractionBeforeFirstRun", Double.isNaN(residentBefore) ? null : residentBefore);
        m.put("residentFractionAfterLastRun", Double.isNaN(residentAfter) ? null : residentAfter);
        return m;
    }

    /** The folder holding the files (for tests). */
    Path directory() {
        return dir;
    }

    @Override
    public void close() {
        x.close();
        y.close();
        deleteFiles();
    }

    private void deleteFiles() {
        for (Path p : new Path[] {featuresFile, labelsFile, dir}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // deleteOnExit tries again
            }
        }
    }

    private static void closeQuietly(MappedNpy m) {
        if (m != null) {
            m.close();
        }
    }
}
