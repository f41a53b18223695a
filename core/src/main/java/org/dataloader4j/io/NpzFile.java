package org.dataloader4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.dataloader4j.tensor.Tensor;

/**
 * An open {@code .npz} archive whose arrays are read one at a time, on demand: the lazy counterpart of
 * {@link Npz#read(Path)} and of NumPy's {@code NpzFile}. Made by {@link Npz#open(Path)}. Members may be
 * stored or deflated (as {@code np.savez} and {@code np.savez_compressed} write them).
 *
 * <p>Array names are the member names without their {@code .npy} suffix ({@code np.savez(f, x=a)} stores
 * {@code x.npy}, read here as {@code "x"}); members that are not {@code .npy} files are ignored. Every
 * {@link #read(String)} returns a new tensor that owns its memory (the caller closes it) and converts dtypes
 * exactly as {@link Npy#read} does. The handle holds the archive open until {@link #close()}; it may be read
 * from several threads at once.
 *
 * <h2>Integrity</h2>
 * Every member's bytes are checked against the CRC-32 and size that the archive records for it, as NumPy's
 * {@code np.load} does: {@link #read} checks them on every read (it reads the whole member anyway), and
 * {@link #header} checks them the first time it is asked about a member (which streams the rest of the member once,
 * without keeping it). A member that fails the check, a corrupt local header or deflate stream, and an archive that
 * is truncated or not a zip file are all {@link NpyFormatException}s naming the archive and, where there is one,
 * the member. Sizes are bounded by the file before anything is allocated: the members' compressed sizes must fit in
 * the file, and a deflated member may not claim more bytes than deflate can produce from its compressed size (at
 * most {@value #MAX_DEFLATE_RATIO} to 1), so a forged header cannot make a small archive allocate gigabytes.
 *
 * <pre>{@code
 * try (NpzFile npz = Npz.open(Path.of("mnist.npz"))) {
 *     System.out.println(npz.names());                 // [x_train, y_train, x_test, y_test]
 *     try (Tensor labels = npz.read("y_test")) { ... } // only this member is inflated
 * }
 * }</pre>
 */
public final class NpzFile implements AutoCloseable {
    /** Deflate's largest expansion: one 258-byte match in at least 2 bits. */
    static final long MAX_DEFLATE_RATIO = 1032;
    private static final int DRAIN_CHUNK = 1 << 16;

    private final Path path;
    private final ZipFile zip;
    private final Map<String, ZipEntry> members;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    private NpzFile(Path path, ZipFile zip, Map<String, ZipEntry> members) {
        this.path = path;
        this.zip = zip;
        this.members = members;
    }

    static NpzFile open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException | EOFException e) {
            throw new NpyFormatException(path + ": not a valid .npz (zip) archive (not a zip file, or truncated): "
                    + e.getMessage(), e);
        }
        try {
            long fileSize = Files.size(path);
            Map<String, ZipEntry> members = new LinkedHashMap<>();
            long compressed = 0;
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.endsWith(".npy")) {
                    String key = name.substring(0, name.length() - 4);
                    if (members.put(key, entry) != null) {
                        throw new NpyFormatException(path + ": the archive holds the member " + name + " twice");
                    }
                    checkSizes(path, entry, fileSize);
                    compressed += entry.getCompressedSize();
                }
            }
            if (compressed > fileSize) {
                throw new NpyFormatException(path + ": corrupt archive: the .npy members' compressed sizes add up to "
                        + compressed + " bytes, more than the file's " + fileSize + " bytes (overlapping members or a"
                        + " corrupt central directory)");
            }
            return new NpzFile(path, zip, Collections.unmodifiableMap(members));
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Refuses sizes that the file cannot hold, before anything is allocated for them. */
    private static void checkSizes(Path path, ZipEntry entry, long fileSize) throws NpyFormatException {
        String where = path + "[" + entry.getName() + "]";
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size < 0 || compressed < 0) {
            throw new NpyFormatException(where + ": corrupt archive member: the central directory records no size"
                    + " (size " + size + ", compressed size " + compressed + "); expected both");
        }
        if (compressed > fileSize) {
            throw new NpyFormatException(where + ": corrupt archive member: its compressed size is " + compressed
                    + " bytes, but the archive has only " + fileSize);
        }
        int method = entry.getMethod();
        if (method == ZipEntry.STORED && size != compressed) {
            throw new NpyFormatException(where + ": corrupt archive member: it is stored (not compressed), but its"
                    + " size " + size + " differs from its compressed size " + compressed);
        }
        if (method == ZipEntry.DEFLATED && size > MAX_DEFLATE_RATIO * (compressed + 1)) {
            throw new NpyFormatException(where + ": corrupt archive member: it claims " + size + " bytes inflated from "
                    + compressed + " deflated bytes; deflate yields at most " + MAX_DEFLATE_RATIO + " times its input ("
                    + MAX_DEFLATE_RATIO * (compressed + 1) + " bytes here)");
        }
        if (method != ZipEntry.STORED && method != ZipEntry.DEFLATED) {
            throw new NpyFormatException(where + ": unsupported compression method " + method + "; expected stored (0)"
                    + " or deflated (8), as np.savez and np.savez_compressed write");
        }
    }

    /** {@return the archive} */
    public Path path() {
        return path;
    }

    /** {@return the names of the arrays, in archive order (an unmodifiable list)} */
    public List<String> names() {
        return List.copyOf(members.keySet());
    }

    /**
     * {@return true if the archive has an array called {@code name}}
     *
     * @param name the array's name, without {@code .npy}
     */
    public boolean contains(String name) {
        return members.containsKey(name);
    }

    /**
     * {@return the header of array {@code name}} The first call for a member also checks the member's CRC-32 and size,
     * streaming (inflating) the rest of it once without keeping it; later calls read only the start.
     *
     * @param name the array's name, without {@code .npy}
     * @throws IllegalArgumentException if there is no such array, listing those there are
     * @throws NpyFormatException       naming the archive and member when the member is corrupt or not a valid
     *                                  {@code .npy}
     */
    public NpyHeader header(String name) throws IOException {
        return reading(name, (in, ch, where) -> {
            NpyHeader header;
            try {
                header = NpyHeader.read(ch, in.entry().getSize(), where);
            } catch (NpyFormatException e) {
                throw in.corruptOr(e);
            }
            if (!verified.contains(name)) {
                in.verify();
                verified.add(name);
            }
            return header;
        });
    }

    /**
     * Reads array {@code name} into a new tensor that owns its memory, after checking the member's CRC-32 and size
     * against those the archive records.
     *
     * @param name the array's name, without {@code .npy}
     * @return a new tensor with the array's dtype and shape
     * @throws IllegalArgumentException if there is no such array, listing those there are
     * @throws NpyFormatException       naming the archive and member when the member is corrupt (CRC-32 or size
     *                                  mismatch, bad local header or deflate stream) or not a valid {@code .npy}
     */
    public Tensor read(String name) throws IOException {
        return reading(name, (in, ch, where) -> {
            Tensor tensor;
            try {
                NpyHeader header = NpyHeader.read(ch, in.entry().getSize(), where);
                tensor = Npy.readData(ch, header, where);
            } catch (NpyFormatException e) {
                throw in.corruptOr(e);
            }
            try {
                in.verify();
            } catch (IOException | RuntimeException | Error e) {
                tensor.close();
                throw e;
            }
            verified.add(name);
            return tensor;
        });
    }

    /** What to do with an opened member: its stream, a channel over it, and how errors name it. */
    @FunctionalInterface
    private interface MemberReader<R> {
        R read(Member in, ReadableByteChannel ch, String where) throws IOException;
    }

    /**
     * Opens member {@code name} and runs {@code reader} on it; every failure names the archive and the member: a
     * corrupt zip structure or an early end as {@link NpyFormatException}, other I/O errors as {@link IOException}.
     */
    private <R> R reading(String name, MemberReader<R> reader) throws IOException {
        ZipEntry entry = entry(name);
        String where = describe(entry);
        try (Member in = open(entry)) {
            return reader.read(in, Channels.newChannel(in), where);
        } catch (ZipException | EOFException e) {
            throw new NpyFormatException(where + ": corrupt archive member: " + e.getMessage(), e);
        } catch (NpyFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(where + ": cannot read the archive member: " + e, e);
        }
    }

    private Member open(ZipEntry entry) throws IOException {
        return new Member(zip.getInputStream(entry), entry, describe(entry));
    }

    /**
     * A member's bytes as they are read, with their running CRC-32 and count, to be checked against the central
     * directory once the member has been read to its end.
     */
    private static final class Member extends InputStream {
        private final InputStream in;
        private final ZipEntry entry;
        private final String where;
        private final CRC32 crc = new CRC32();
        private long count;

        Member(InputStream in, ZipEntry entry, String where) {
            this.in = in;
            this.entry = entry;
            this.where = where;
        }

        ZipEntry entry() {
            return entry;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                crc.update(b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
                count += n;
            }
            return n;
        }

        /**
         * Reads the rest of the member and checks its size and CRC-32 against the central directory.
         *
         * @throws NpyFormatException naming the member and both values when they differ
         */
        void verify() throws IOException {
            byte[] buffer = new byte[DRAIN_CHUNK];
            while (read(buffer, 0, buffer.length) >= 0) {
                if (count > entry.getSize()) {
                    break;   // more bytes than recorded: the size check below reports it
                }
            }
            if (count != entry.getSize()) {
                throw new NpyFormatException(where + ": corrupt archive member: it holds "
                        + (count > entry.getSize() ? "more than " + entry.getSize() : String.valueOf(count))
                        + " bytes, but the archive records " + entry.getSize());
            }
            long actual = crc.getValue();
            if (actual != entry.getCrc()) {
                throw new NpyFormatException(where + ": corrupt archive member: its bytes have CRC-32 "
                        + hex(actual) + ", but the archive records " + hex(entry.getCrc())
                        + " (a damaged file: NumPy refuses it with \"Bad CRC-32\")");
            }
        }

        /**
         * The exception to throw for a member whose contents did not parse: a CRC-32 or size mismatch if the
         * member's bytes are not those the archive recorded (the parse error is then only a symptom, kept as the
         * cause), else {@code parseError} itself.
         */
        IOException corruptOr(NpyFormatException parseError) {
            try {
                verify();
                return parseError;
            } catch (NpyFormatException corrupt) {
                corrupt.initCause(parseError);
                return corrupt;
            } catch (IOException e) {
                return new NpyFormatException(where + ": corrupt archive member: " + e.getMessage()
                        + " (while checking its CRC-32 after: " + parseError.getMessage() + ")", e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private static String hex(long crc) {
            return String.format("0x%08x", crc);
        }
    }

    /**
     * Reads every array, in archive order, into new owning tensors; if one fails, those already read are
     * closed before the exception propagates.
     *
     * @return the arrays by name, without {@code .npy}
     * @throws IOException if a member cannot be read
     */
    public Map<String, Tensor> readAll() throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (String name : members.keySet()) {
                out.put(name, read(name));
            }
            return Collections.unmodifiableMap(out);
        } catch (IOException | RuntimeException | Error e) {
            out.values().forEach(Tensor::close);
            throw e;
        }
    }

    /**
     * {@return true if array {@code name} is stored uncompressed in the archive}
     *
     * @param name the array's name, without {@code .npy}
     */
    public boolean isStored(String name) {
        return entry(name).getMethod() == ZipEntry.STORED;
    }

    private ZipEntry entry(String name) {
        Objects.requireNonNull(name, "name");
        ZipEntry entry = members.get(name);
        if (entry == null) {
            throw new IllegalArgumentException(path + " has no array named '" + name + "'; it has " + names());
        }
        return entry;
    }

    private String describe(ZipEntry entry) {
        return path + "[" + entry.getName() + "]";
    }

    /** Closes the archive. Idempotent. Tensors already read stay valid: they own their memory. */
    @Override
    public void close() throws IOException {
        zip.close();
    }

    /** For example {@code NpzFile(/data/mnist.npz, [x_train, y_train])}. */
    @Override
    public String toString() {
        return "NpzFile(" + path + ", " + new ArrayList<>(members.keySet()) + ")";
    }
}
