package org.dataloader4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.dataloader4j.internal.ShardAssignment;

/**
 * The lines of one or more text files as a stream, split between loader workers and distributed ranks so that
 * every line is delivered exactly once over all (rank, worker) pairs. Files are streamed, never read into
 * memory, and each consumer reads little more than its own share.
 *
 * <h2>Sharding</h2>
 * The files are treated as one sequence of bytes. With {@code worldSize} ranks of {@code W} workers there are
 * {@code C = worldSize × W} consumers; consumer {@code rank × W + worker} gets the {@code c}-th of {@code C}
 * nearly equal byte ranges, and delivers, in file order, every line that <em>starts</em> in its range (a line
 * crossing the range's end is read to its end; a line that started before the range is skipped). So the shares
 * are disjoint and together are every line, whatever the line lengths. The {@link Partition} (rank and world
 * size) means what it means for {@link org.dataloader4j.sampler.DistributedSampler}: the same dataset built with
 * each rank of the job, {@code 0 .. worldSize - 1}. Shares hold about the same number of bytes, not of lines.
 *
 * <h2>Lines</h2>
 * Lines end at {@code '\n'}; a {@code '\r'} before it is dropped ({@code "\r\n"} files read the same); the last
 * line needs no terminator; an empty file has no lines, and a final {@code '\n'} does not add an empty line. The
 * charset must encode {@code '\n'} and {@code '\r'} as the single bytes 10 and 13 and never use those bytes in
 * other characters: UTF-8 (the default), US-ASCII, ISO-8859-x and the like; UTF-16 is refused.
 *
 * <h2>Files</h2>
 * The sizes are taken when the dataset is built and the files must not change afterwards (bytes appended later
 * are not read). Each iterator opens one file at a time and closes it when done with it, when exhausted, or on
 * {@link AutoCloseable#close()} (the iterator is {@code AutoCloseable}; close it when stopping early).
 * A read error is an {@link UncheckedIOException} naming the file and byte offset.
 *
 * <pre>{@code
 * LineDataset corpus = new LineDataset(List.of(Path.of("part-0.txt"), Path.of("part-1.txt")),
 *         new Partition(rank, worldSize));
 * try (var loader = DataLoader.builder(corpus).batchSize(64).numWorkers(4).collate(List::copyOf).build()) {
 *     for (List<String> lines : loader.epoch(0)) { ... }   // this rank's lines, each exactly once
 * }
 * }</pre>
 */
public final class LineDataset implements IterableDataset<String> {
    private static final int BUFFER = 1 << 16;

    private final List<Path> files;
    private final long[] sizes;
    private final long totalBytes;
    private final Charset charset;
    private final Partition partition;

    /**
     * The lines of {@code files}, UTF-8, for a single process ({@link Partition#SINGLE}).
     *
     * @param files the text files, read in this order
     */
    public LineDataset(List<Path> files) {
        this(files, StandardCharsets.UTF_8, Partition.SINGLE);
    }

    /**
     * The lines of {@code files}, UTF-8, for one rank of a distributed job.
     *
     * @param files the text files, read in this order
     * @param partition which share of the lines this rank reads
     */
    public LineDataset(List<Path> files, Partition partition) {
        this(files, StandardCharsets.UTF_8, partition);
    }

    /**
     * The lines of {@code files} in {@code charset}, for one rank of a distributed job.
     *
     * @param files the text files, read in this order
     * @param charset the encoding of the files
     * @param partition which share of the lines this rank reads
     * @throws IllegalArgumentException if there is no file, a file is not a readable regular file (naming it), or
     *                                  the charset is not line-splittable by bytes
     * @throws UncheckedIOException     if a file's size cannot be read
     */
    public LineDataset(List<Path> files, Charset charset, Partition partition) {
        Objects.requireNonNull(files, "files");
        this.charset = Objects.requireNonNull(charset, "charset");
        this.partition = Objects.requireNonNull(partition, "partition");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("LineDataset needs at least one file, but got an empty list");
        }
        if (!Arrays.equals("\n\r".getBytes(charset), new byte[] {10, 13}) || !charset.newEncoder().canEncode('a')
                || "a".getBytes(charset).length != 1) {
            throw new IllegalArgumentException("charset " + charset + " does not encode line breaks as the single"
                    + " bytes 10 and 13; LineDataset needs an ASCII-compatible charset such as UTF-8");
        }
        this.files = List.copyOf(files);
        this.sizes = new long[files.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            Path f = Objects.requireNonNull(this.files.get(i), "file " + i + " is null");
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new IllegalArgumentException("file " + i + " (" + f + ") is not a readable regular file");
            }
            try {
                sizes[i] = Files.size(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + f, e);
            }
            total = Math.addExact(total, sizes[i]);
        }
        this.totalBytes = total;
    }

    /** {@return the files, in order} */
    public List<Path> files() {
        return files;
    }

    /**
     * This dataset's rank among the ranks of the job.
     *
     * @return the rank and world size it was built for
     */
    public Partition partition() {
        return partition;
    }

    /** The lines that start in this (rank, worker)'s byte range; the iterator is {@code AutoCloseable}. */
    @Override
    public Iterator<String> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        int parts = partition.consumers(worker);
        int part = partition.consumer(worker);
        return new Lines(ShardAssignment.splitPoint(totalBytes, part, parts),
                ShardAssignment.splitPoint(totalBytes, part + 1, parts));
    }

    /** For example {@code LineDataset(files=2, bytes=1048576, rank 0 of 1)}. */
    @Override
    public String toString() {
        return "LineDataset(files=" + files.size() + ", bytes=" + totalBytes + ", " + partition
                + ")";
    }

    /** Reads the lines starting in global byte range [from, to). */
    private final class Lines implements Iterator<String>, AutoCloseable {
        private final long from;
        private final long to;
        private int file = -1;
        private long fileStart;           // global offset of the current file's first byte
        private FileChannel channel;
        private long position;            // file offset of the next byte the buffer will read
        private long end;                 // local end of the range within the current file
        private long limit;               // the current file's recorded size
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).limit(0);
        private byte[] line = new byte[256];
        private String next;
        private boolean done;

        Lines(long from, long to) {
            this.from = from;
            this.to = to;
            if (from >= to) {
                done = true;
            }
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                next = advance();
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("reading " + files.get(file) + " at byte " + position + " failed", e);
            }
            if (next == null) {
                close();
            }
            return next != null;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more lines in this share of " + LineDataset.this);
            }
            String s = next;
            next = null;
            return s;
        }

        /** The next line of this share, opening files as needed; null at the end. */
        private String advance() throws IOException {
            while (true) {
                if (channel == null && !openNext()) {
                    return null;
                }
                long lineStart = position - buffer.remaining();
                if (lineStart >= end || lineStart >= limit) {
                    closeFile();
                    continue;
                }
                return readLine();
            }
        }

        /** Opens the next file that overlaps the range and positions it at its first line start in the range. */
        private boolean openNext() throws IOException {
            while (++file < files.size()) {
                long start = file == 0 ? 0 : fileStart + sizes[file - 1];
                fileStart = start;
                long localFrom = Math.max(0, from - start);
                long localTo = Math.min(sizes[file], to - start);
                if (localFrom >= localTo) {
                    if (start >= to) {
                        return false;
                    }
                    continue;
                }
                channel = FileChannel.open(files.get(file), StandardOpenOption.READ);
                limit = sizes[file];
                end = localTo;
                buffer.clear().limit(0);
                if (localFrom == 0) {
                    position = 0;
                } else {
                    // a line starts at localFrom only if the byte before it ends a line: start one byte early
                    // and skip through the first '\n'
                    position = localFrom - 1;
                    if (!skipLine()) {
                        closeFile();
                        continue;
                    }
                }
                return true;
            }
            return false;
        }

        /** Skips through the next '\n'; false if the file ends first. */
        private boolean skipLine() throws IOException {
            while (true) {
                while (buffer.hasRemaining()) {
                    if (buffer.get() == '\n') {
                        return true;
                    }
                }
                if (!refill()) {
                    return false;
                }
            }
        }

        private String readLine() throws IOException {
            int length = 0;
            boolean terminated = false;
            outer:
            while (true) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        terminated = true;
                        break outer;
                    }
                    if (length == line.length) {
                        line = Arrays.copyOf(line, Math.max(length * 2, length + 1));
                    }
                    line[length++] = b;
                }
                if (!refill()) {
                    break;
                }
            }
            if (terminated && length > 0 && line[length - 1] == '\r') {
                length--;
            }
            String text = new String(line, 0, length, charset);
            if (line.length > (1 << 20) && length < line.length / 4) {
                line = new byte[256];   // do not keep a huge line's buffer for the rest of the file
            }
            return text;
        }

        /** Reads more of the current file (up to its recorded size); false at its end. */
        private boolean refill() throws IOException {
            if (position >= limit) {
                return false;
            }
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), limit - position));
            while (buffer.hasRemaining()) {
                int r = channel.read(buffer, position + buffer.position());
                if (r < 0) {
                    throw new IOException(files.get(file) + " is shorter than the " + limit
                            + " bytes it had when the LineDataset was built");
                }
            }
            position += buffer.position();
            buffer.flip();
            return true;
        }

        private void closeFile() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a read-only channel: nothing was written that could be lost
                }
                channel = null;
            }
        }

        @Override
        public void close() {
            done = true;
            closeFile();
        }
    }
}
