package org.dataloader4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sparse {@code .npy} of 32 GiB, larger than this machine's memory: mapping it is instant and rows near its
 * end read back exactly. Skipped, with the reason, where the disk lacks room or sparse files are not supported.
 */
class LargeMappedFileTest {
    private static final long ROWS = 1L << 30;          // 2^30 rows of 8 float32 = 32 GiB of data
    private static final int COLS = 8;
    private static final long[] WRITTEN = {ROWS - 1, ROWS - 2, ROWS - 1000, ROWS / 2 + 3};

    @TempDir
    Path dir;

    @Test
    void sparseFileLargerThanMemoryMapsAtOnceAndReadsRowsNearItsEnd() throws IOException {
        Path p = dir.resolve("huge.npy");
        try {
            makeSparse(p);
            long start = System.nanoTime();
            try (MappedNpy mapped = Npy.mmap(p)) {
                long openNanos = System.nanoTime() - start;   // reported, not asserted: timings vary on shared machines
                System.out.println("mapped a " + Files.size(p) + "-byte .npy in " + openNanos / 1000 + " us");
                Tensor t = mapped.tensor();
                assertEquals(Shape.of(ROWS, COLS), t.shape());
                for (long row : WRITTEN) {
                    assertArrayEquals(rowValues(row), t.select(row).toFloatArray(), "row " + row);
                }
                assertArrayEquals(new float[COLS], t.select(12345).toFloatArray(), "a hole reads as zeros");
                // a TensorDataset over the mapped array, through a loader, sees the same rows
                TensorDataset dataset = new TensorDataset(t);
                assertEquals(ROWS, dataset.size());
                assertArrayEquals(rowValues(ROWS - 2), dataset.get(ROWS - 2).getFirst().toFloatArray());
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }

    private static void makeSparse(Path p) throws IOException {
        long dataBytes = ROWS * COLS * Float.BYTES;
        long usable = Files.getFileStore(p.getParent()).getUsableSpace();
        assumeTrue(usable > 256L << 20, "skipped: only " + usable + " bytes free on the disk of " + p);
        // does this file system keep holes unallocated? Probe with a small file before making the big one.
        Path probe = p.resolveSibling("probe.bin");
        long probeAllocated;
        try (RandomAccessFile raf = new RandomAccessFile(probe.toFile(), "rw")) {
            raf.setLength(128L << 20);
        } finally {
            probeAllocated = allocatedBytes(probe);
            Files.deleteIfExists(probe);
        }
        boolean sparse = probeAllocated >= 0 && probeAllocated < (1L << 20);
        assumeTrue(sparse || usable > dataBytes + (1L << 30), "skipped: the file system of " + p
                + " does not report sparse files (" + probeAllocated + " bytes allocated for a 128 MiB hole) and the"
                + " disk has only " + usable + " bytes free for a " + dataBytes + "-byte file");
        byte[] header = Npy.headerBytes(DType.FLOAT32, new long[] {ROWS, COLS});
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(header.length + dataBytes);
            FileChannel ch = raf.getChannel();
            for (long row : WRITTEN) {
                ByteBuffer b = ByteBuffer.allocate(COLS * Float.BYTES).order(ByteOrder.nativeOrder());
                for (float v : rowValues(row)) {
                    b.putFloat(v);
                }
                ch.write(b.flip(), header.length + row * COLS * Float.BYTES);
            }
        }
    }

    /** Blocks allocated to {@code p} in bytes, where the file system reports them ({@code unix:size} is logical). */
    private static long allocatedBytes(Path p) {
        try {
            Object blocks = Files.getAttribute(p, "unix:blocks");  // not available on every JDK/platform
            return ((Number) blocks).longValue() * 512;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static float[] rowValues(long row) {
        float[] v = new float[COLS];
        for (int c = 0; c < COLS; c++) {
            v[c] = (float) (row % 100_000) + c * 0.125f;
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void tensorDatasetOverMappedArraysLoadsLikeAnyOther(int workers) throws IOException {
        Path xs = dir.resolve("x.npy");
        Path ys = dir.resolve("y.npy");
        float[] x = new float[40 * 3];
        long[] y = new long[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.5f;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = i * 7L;
        }
        try (Tensor tx = Tensor.of(x, 40, 3); Tensor ty = Tensor.of(y)) {
            Npy.write(xs, tx);
            Npy.write(ys, ty);
        }
        try (MappedNpy mx = Npy.mmap(xs); MappedNpy my = Npy.mmap(ys);
             DataLoader<Batch> loader = DataLoader.builder(new TensorDataset(mx.tensor(), my.tensor()))
                     .batchSize(8).shuffle(true).seed(3).numWorkers(workers).build()) {
            boolean[] seen = new boolean[40];
            int batches = 0;
            for (Batch batch : loader.epoch(1)) {
                try (batch) {
                    Tensor bx = batch.tensor(0);
                    Tensor by = batch.tensor(1);
                    assertEquals(List.of(8L, 3L), List.of(bx.shape().dim(0), bx.shape().dim(1)));
                    for (int i = 0; i < batch.size(); i++) {
                        int index = (int) (by.getLong(i) / 7);
                        seen[index] = true;
                        for (int c = 0; c < 3; c++) {
                            assertEquals((index * 3 + c) * 0.5f, bx.getFloat(i, c));
                        }
                    }
                    batches++;
                }
            }
            assertEquals(5, batches);
            for (boolean s : seen) {
                assertEquals(true, s);
            }
        }
    }
}
