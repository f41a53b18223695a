package org.dataloader4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Reads files through once so that their pages are in the operating system's page cache before a measured run.
 *
 * <p>{@code bench} compares a first batch and a first epoch of ours with PyTorch's on the same files. Whichever side
 * runs first would otherwise pay for the disk: a machine may page out files that nobody read for a while (this
 * build machine's DAMON reclaim pages out memory idle for 60 s, page cache included), and the other side then
 * finds them cached. So each side's run starts after the dataset's files were read once, and both start alike.
 *
 * <pre>{@code
 * PageCache.warm(Path.of("/tmp/bench-imagenet"));   // every regular file below it
 * }</pre>
 */
final class PageCache {
    private static final int CHUNK = 1 << 20;

    private PageCache() {
    }

    /**
     * Reads every regular file below {@code root} (or {@code root} itself when it is a file) to its end.
     *
     * @return the bytes read
     * @throws UncheckedIOException naming the file that could not be read
     */
    static long warm(Path root) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        long total = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                total += read(file, buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + root + " to read it into the page cache", e);
        }
        return total;
    }

    private static long read(Path file, ByteBuffer buffer) {
        long total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = channel.read(buffer.clear())) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + " into the page cache", e);
        }
        return total;
    }
}
