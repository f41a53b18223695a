package org.dataloader4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <pre>{@code
 * try (NpzFile npz = Npz.open(Path.of("mnist.npz"))) {
 *     System.out.println(npz.names());                 // [x_train, y_train, x_test, y_test]
 *     try (Tensor labels = npz.read("y_test")) { ... } // only this member is inflated
 * }
 * }</pre>
 */
public final class NpzFile implements AutoCloseable {
    private final Path path;
    private final ZipFile zip;
    private final Map<String, ZipEntry> members;

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
        } catch (ZipException e) {
            throw new NpyFormatException(path + ": not a valid .npz (zip) archive: " + e.getMessage(), e);
        }
        try {
            Map<String, ZipEntry> members = new LinkedHashMap<>();
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.endsWith(".npy")) {
                    String key = name.substring(0, name.length() - 4);
                    if (members.put(key, entry) != null) {
                        throw new NpyFormatException(path + ": the archive holds the member " + name + " twice");
                    }
                }
            }
            return new NpzFile(path, zip, Collections.unmodifiableMap(members));
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** The archive. */
    public Path path() {
        return path;
    }

    /** The names of the arrays, in archive order (an unmodifiable list). */
    public List<String> names() {
        return List.copyOf(members.keySet());
    }

    /** True if the archive has an array called {@code name}. */
    public boolean contains(String name) {
        return members.containsKey(name);
    }

    /**
     * The header of array {@code name}, reading (inflating) only the start of its member.
     *
     * @throws IllegalArgumentException if there is no such array, listing those there are
     */
    public NpyHeader header(String name) throws IOException {
        ZipEntry entry = entry(name);
        try (InputStream in = zip.getInputStream(entry); ReadableByteChannel ch = Channels.newChannel(in)) {
            return NpyHeader.read(ch, entry.getSize(), describe(entry));
        } catch (ZipException | java.io.EOFException e) {
            throw new NpyFormatException(describe(entry) + ": corrupt archive member: " + e.getMessage(), e);
        }
    }

    /**
     * Reads array {@code name} into a new tensor that owns its memory.
     *
     * @throws IllegalArgumentException if there is no such array, listing those there are
     * @throws NpyFormatException       naming the archive and member when the member is not a valid {@code .npy}
     */
    public Tensor read(String name) throws IOException {
        ZipEntry entry = entry(name);
        String where = describe(entry);
        try (InputStream in = zip.getInputStream(entry); ReadableByteChannel ch = Channels.newChannel(in)) {
            NpyHeader header = NpyHeader.read(ch, entry.getSize(), where);
            return Npy.readData(ch, header, where);
        } catch (ZipException | java.io.EOFException e) {
            throw new NpyFormatException(where + ": corrupt archive member: " + e.getMessage(), e);
        }
    }

    /**
     * Reads every array, in archive order, into new owning tensors; if one fails, those already read are
     * closed before the exception propagates.
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

    /** True if array {@code name} is stored uncompressed in the archive. */
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
