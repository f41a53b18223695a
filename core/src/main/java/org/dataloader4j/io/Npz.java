package org.dataloader4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.dataloader4j.tensor.Tensor;

/**
 * Reads and writes NumPy {@code .npz} archives: zip files of {@code .npy} members, stored
 * ({@code np.savez}) or deflated ({@code np.savez_compressed}). {@link #read(Path)} reads every array at
 * once; {@link #open(Path)} gives an {@link NpzFile} that reads arrays one at a time. Members convert
 * dtypes as {@link Npy#read} does. Every member is checked against the CRC-32 and size the archive records for it
 * (see {@link NpzFile}), so a damaged archive is an error, never wrong numbers.
 *
 * <pre>{@code
 * Map<String, Tensor> arrays = Npz.read(Path.of("data.npz"));   // {"x": FLOAT32 [...], "y": INT64 [...]}
 * try {
 *     train(arrays.get("x"), arrays.get("y"));
 * } finally {
 *     arrays.values().forEach(Tensor::close);
 * }
 * }</pre>
 */
public final class Npz {
    private Npz() {
    }

    /**
     * Reads every array of the archive, in archive order, into new tensors that own their memory
     * (an unmodifiable map from name without {@code .npy} to tensor; the caller closes the tensors).
     *
     * @param path the archive
     * @return the arrays by name
     * @throws NpyFormatException naming the archive and member when one is not a valid {@code .npy} file or fails
     *                            its CRC-32 or size check, or naming the archive when it is truncated or not a zip
     *                            archive
     */
    public static Map<String, Tensor> read(Path path) throws IOException {
        try (NpzFile npz = open(path)) {
            return npz.readAll();
        }
    }

    /**
     * Opens the archive for reading arrays one at a time; see {@link NpzFile}. The caller closes it.
     *
     * @param path the archive
     * @return the open archive
     * @throws IOException if the file cannot be read or is not a zip archive
     */
    public static NpzFile open(Path path) throws IOException {
        return NpzFile.open(path);
    }

    /**
     * Writes {@code arrays} to {@code path} as members {@code <name>.npy}, deflated if {@code compress}
     * (like {@code np.savez_compressed}), else stored (like {@code np.savez}). An existing file is replaced.
     *
     * @param path the archive to write
     * @param arrays the arrays by member name (without {@code .npy}), in archive order
     * @param compress whether to deflate the members
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Map<String, Tensor> arrays, boolean compress) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(arrays, "arrays");
        boolean done = false;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "array name");
                Tensor tensor = Objects.requireNonNull(e.getValue(), () -> "array '" + name + "' is null");
                ZipEntry entry = new ZipEntry(name + ".npy");
                byte[] header = Npy.headerBytes(tensor);
                if (compress) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    entry.setMethod(ZipEntry.STORED);
                    long size = header.length + tensor.byteSize();
                    entry.setSize(size);
                    entry.setCompressedSize(size);
                    entry.setCrc(crc(header, tensor.data()));
                }
                zip.putNextEntry(entry);
                WritableByteChannel ch = Channels.newChannel(new NonClosing(zip));
                Npy.write(ch, tensor);
                zip.closeEntry();
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static long crc(byte[] header, MemorySegment data) {
        CRC32 crc = new CRC32();
        crc.update(header);
        for (long done = 0; done < data.byteSize(); ) {
            int n = (int) Math.min(1 << 20, data.byteSize() - done);
            ByteBuffer chunk = data.asSlice(done, n).asByteBuffer();
            crc.update(chunk);
            done += n;
        }
        return crc.getValue();
    }

    /** Forwards writes, ignores close (the zip stream is closed once, at the end). */
    private static final class NonClosing extends OutputStream {
        private final OutputStream out;

        NonClosing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }
    }
}
