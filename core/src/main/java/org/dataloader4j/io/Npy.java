package org.dataloader4j.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * Reads, memory-maps and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <h2>Reading</h2>
 * {@link #read(Path)} copies the array into a new tensor that owns its memory. Element types:
 * <table>
 *   <caption>NumPy dtype → {@link DType}</caption>
 *   <tr><th>in the file</th><th>read gives</th><th>mmap</th></tr>
 *   <tr><td>bool, uint8, int16, int32, int64, float32, float64</td><td>the same</td><td>yes (little endian)</td></tr>
 *   <tr><td>int8</td><td>INT16</td><td>no</td></tr>
 *   <tr><td>uint16</td><td>INT32</td><td>no</td></tr>
 *   <tr><td>uint32</td><td>INT64</td><td>no</td></tr>
 *   <tr><td>uint64</td><td>INT64 if every value is below 2^63, else an error naming the first that is not</td><td>no</td></tr>
 *   <tr><td>float16</td><td>FLOAT32 (exact)</td><td>no</td></tr>
 * </table>
 * Big-endian data is converted to this machine's byte order; Fortran-order (column-major) data is
 * transposed, so the tensor's element {@code [i, j, k]} is the array's {@code a[i, j, k]}. Bool bytes other
 * than 0 read as 1. Bytes after the announced data are ignored (as NumPy does).
 *
 * <h2>Memory mapping</h2>
 * {@link #mmap(Path)} maps the data without reading it: opening a 50 GB file takes microseconds and only
 * the pages that are touched are read. The returned {@link MappedNpy} owns the mapping; the tensor it gives
 * is valid until it is closed. {@link #mmap(Path, Arena, FileChannel.MapMode)} maps into an arena the caller
 * owns instead. Mapping needs a C-order file of a dtype that dataloader4j has, in this machine's byte order;
 * anything else is refused with a message that points to {@link #read}, which converts.
 *
 * <h2>Errors</h2>
 * A malformed magic string, header or shape, truncated data, or a header that claims more bytes than the
 * file holds is a {@link NpyFormatException} naming the file and the problem. Nothing is read beyond what
 * the file holds.
 *
 * <pre>{@code
 * Npy.write(Path.of("x.npy"), Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
 * try (Tensor x = Npy.read(Path.of("x.npy"))) { ... }                // FLOAT32 [2, 2], in memory
 * try (MappedNpy big = Npy.mmap(Path.of("features.npy"))) {           // 50 GB, opened instantly
 *     TensorDataset dataset = new TensorDataset(big.tensor());
 *     ...
 * }                                                                  // unmapped here
 * }</pre>
 */
public final class Npy {
    private static final int CHUNK = 1 << 20;
    private static final int ALIGN = 64;

    private Npy() {
    }

    /**
     * {@return the header of {@code path}, without reading the data}
     *
     * @param path the {@code .npy} file
     * @throws NpyFormatException if the header is malformed or the file is shorter than the header announces
     */
    public static NpyHeader header(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(Objects.requireNonNull(path, "path"), StandardOpenOption.READ)) {
            return NpyHeader.read(ch, ch.size(), path.toString());
        }
    }

    /**
     * Reads the whole array into a new tensor that owns its memory; see the class comment for the dtypes it
     * produces.
     *
     * @param path the {@code .npy} file
     * @return a new tensor with the array's dtype and shape
     * @throws NpyFormatException naming the file and the problem when it is not a valid {@code .npy} file
     * @throws IOException        if the file cannot be read
     */
    public static Tensor read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(Objects.requireNonNull(path, "path"), StandardOpenOption.READ)) {
            String name = path.toString();
            NpyHeader header = NpyHeader.read(ch, ch.size(), name);
            return readData(ch, header, name);
        }
    }

    /**
     * Maps {@code path} read-only; the returned handle owns the mapping and must be closed. Equivalent to
     * {@code mmap(path, FileChannel.MapMode.READ_ONLY)}.
     *
     * @param path the {@code .npy} file
     * @return the mapping, whose {@code tensor()} reads the file
     * @throws NpyFormatException if the file is malformed, in Fortran order, or of a dtype or byte order that
     *                            cannot be used without conversion (the message suggests {@link #read})
     */
    public static MappedNpy mmap(Path path) throws IOException {
        return mmap(path, FileChannel.MapMode.READ_ONLY);
    }

    /**
     * Maps {@code path} with the given mode: {@code READ_ONLY} (writes through the tensor throw),
     * {@code READ_WRITE} (writes go to the file) or {@code PRIVATE} (copy-on-write, the file is unchanged; like
     * {@code READ_WRITE} it needs write permission on the file).
     * The returned handle owns a shared arena (any thread may use the tensor) and must be closed.
     *
     * @param path the {@code .npy} file
     * @param mode how the file is mapped
     * @return the mapping, whose {@code tensor()} reads the file
     * @throws IOException if the file cannot be opened or mapped
     */
    public static MappedNpy mmap(Path path, FileChannel.MapMode mode) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            Mapped mapped = map(path, arena, mode);
            return new MappedNpy(path, mapped.header(), mapped.tensor(), arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps {@code path} into {@code arena}, which owns the mapping: the tensor is valid until the arena is
     * closed (and throws {@link IllegalStateException} afterwards); closing the tensor itself does nothing.
     * The file is closed before this method returns; the mapping does not need it open.
     *
     * <pre>{@code
     * try (Arena arena = Arena.ofShared()) {
     *     Tensor x = Npy.mmap(Path.of("x.npy"), arena, FileChannel.MapMode.READ_ONLY);
     *     Tensor y = Npy.mmap(Path.of("y.npy"), arena, FileChannel.MapMode.READ_ONLY);
     *     train(new TensorDataset(x, y));
     * }
     * }</pre>
     *
     * @param path the {@code .npy} file
     * @param arena the arena that owns the mapping
     * @param mode how the file is mapped ({@code READ_ONLY}, {@code READ_WRITE} or {@code PRIVATE})
     * @return a tensor over the mapped data
     * @throws NpyFormatException see {@link #mmap(Path)}
     */
    public static Tensor mmap(Path path, Arena arena, FileChannel.MapMode mode) throws IOException {
        return map(path, arena, mode).tensor();
    }

    private record Mapped(NpyHeader header, Tensor tensor) {
    }

    private static Mapped map(Path path, Arena arena, FileChannel.MapMode mode) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(mode, "mode");
        StandardOpenOption[] options = mode != FileChannel.MapMode.READ_ONLY
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.READ};
        try (FileChannel ch = FileChannel.open(path, options)) {
            String name = path.toString();
            NpyHeader header = NpyHeader.read(ch, ch.size(), name);
            requireMappable(header, name);
            MemorySegment data = ch.map(mode, header.dataOffset(), header.dataBytes(), arena);
            return new Mapped(header, Tensor.wrap(data, header.dtype(), header.shape()));
        }
    }

    static void requireMappable(NpyHeader header, String name) throws NpyFormatException {
        if (header.isMappable()) {
            return;
        }
        String why;
        if (header.fortranOrder() && header.shape().length > 1) {
            why = "it is stored in Fortran (column-major) order, and a mapped tensor must be row-major";
        } else if (!header.type().sameLayout) {
            why = "its dtype " + header.numpyType() + " ('" + header.descr() + "') has no DType with the same bytes";
        } else {
            why = "its data is " + (header.isLittleEndian() ? "little" : "big") + " endian ('" + header.descr()
                    + "') and this machine is " + (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "little"
                    : "big") + " endian";
        }
        throw new NpyFormatException(name + ": cannot memory-map: " + why + ". mmap needs a C-order array of a natively"
                + " supported dtype (bool, uint8, int16, int32, int64, float32, float64) in little-endian byte order;"
                + " Npy.read converts this file into memory instead");
    }

    // ------------------------------------------------------------------ reading data

    /** Reads the data that follows {@code header} in {@code in} into a new owning tensor. */
    static Tensor readData(ReadableByteChannel in, NpyHeader header, String name) throws IOException {
        long[] shape = header.shape();
        boolean transpose = header.fortranOrder() && shape.length > 1;
        long[] stored = transpose ? reversed(shape) : shape;
        Tensor out = Tensor.zeros(header.dtype(), stored);
        try {
            readInto(in, header, out.data(), name);
            if (!transpose) {
                return out;
            }
            try (Tensor stored2 = out) {
                Tensor result = Tensor.zeros(header.dtype(), shape);
                transposeColumnMajor(stored2.data(), result.data(), shape, header.dtype().byteSize());
                return result;
            }
        } catch (IOException | RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    private static void readInto(ReadableByteChannel in, NpyHeader header, MemorySegment target, String name)
            throws IOException {
        NpyType type = header.type();
        ByteOrder order = header.byteOrder();
        long numel = header.numel();
        boolean direct = type.sameLayout && type != NpyType.BOOL
                && (type.size == 1 || order == ByteOrder.nativeOrder());
        if (direct) {
            long total = target.byteSize();
            for (long done = 0; done < total; ) {
                int n = (int) Math.min(CHUNK, total - done);
                ByteBuffer buffer = target.asSlice(done, n).asByteBuffer();
                fill(in, buffer, name, done, total);
                done += n;
            }
            return;
        }
        int perChunk = CHUNK / type.size;
        ByteBuffer buffer = ByteBuffer.allocate(perChunk * type.size).order(order);
        int outSize = header.dtype().byteSize();
        for (long first = 0; first < numel; ) {
            int count = (int) Math.min(perChunk, numel - first);
            buffer.clear().limit(count * type.size);
            fill(in, buffer, name, first * type.size, numel * type.size);
            convert(type, buffer, count, target, first * outSize, first, header, name);
            first += count;
        }
    }

    private static void fill(ReadableByteChannel in, ByteBuffer buffer, String name, long done, long total)
            throws IOException {
        long start = done;
        while (buffer.hasRemaining()) {
            int r = in.read(buffer);
            if (r < 0) {
                throw new NpyFormatException(name + ": truncated data: expected " + total + " bytes of array data, but"
                        + " the file ends after " + (start + buffer.position()));
            }
        }
    }

    private static void convert(NpyType type, ByteBuffer b, int count, MemorySegment out, long at, long firstIndex,
                                NpyHeader header, String name) throws NpyFormatException {
        switch (type) {
            case BOOL -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_BYTE, at + k, (byte) (b.get(k) != 0 ? 1 : 0));
                }
            }
            case INT8 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2L * k, b.get(k));
                }
            }
            case UINT8 -> MemorySegment.copy(MemorySegment.ofBuffer(b).asSlice(0, count), 0, out, at, count);
            case INT16 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2L * k, b.getShort(2 * k));
                }
            }
            case UINT16 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4L * k, Short.toUnsignedInt(b.getShort(2 * k)));
                }
            }
            case INT32 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4L * k, b.getInt(4 * k));
                }
            }
            case UINT32 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8L * k, Integer.toUnsignedLong(b.getInt(4 * k)));
                }
            }
            case INT64 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8L * k, b.getLong(8 * k));
                }
            }
            case UINT64 -> {
                for (int k = 0; k < count; k++) {
                    long v = b.getLong(8 * k);
                    if (v < 0) {
                        throw new NpyFormatException(name + ": uint64 element " + (firstIndex + k) + " (flat index"
                                + (header.fortranOrder() ? ", Fortran order" : "") + ") is "
                                + Long.toUnsignedString(v) + ", which does not fit in INT64 (at most 2^63 - 1);"
                                + " only uint64 arrays whose values are all below 2^63 can be read");
                    }
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8L * k, v);
                }
            }
            case FLOAT16 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4L * k, Float.float16ToFloat(b.getShort(2 * k)));
                }
            }
            case FLOAT32 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4L * k, b.getFloat(4 * k));
                }
            }
            case FLOAT64 -> {
                for (int k = 0; k < count; k++) {
                    out.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, at + 8L * k, b.getDouble(8 * k));
                }
            }
        }
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /**
     * Writes into {@code dst} (row-major over {@code shape}) the elements of {@code src}, which holds the same
     * array in column-major order.
     */
    private static void transposeColumnMajor(MemorySegment src, MemorySegment dst, long[] shape, int size) {
        int rank = shape.length;
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        if (numel == 0) {
            return;
        }
        long[] colStride = new long[rank];   // element stride of each dimension in column-major order
        long s = 1;
        for (int d = 0; d < rank; d++) {
            colStride[d] = s;
            s *= shape[d];
        }
        long[] index = new long[rank];
        long from = 0;
        for (long to = 0; to < numel; to++) {
            MemorySegment.copy(src, from * size, dst, to * size, size);
            for (int d = rank - 1; d >= 0; d--) {   // odometer over row-major indices
                index[d]++;
                from += colStride[d];
                if (index[d] < shape[d]) {
                    break;
                }
                from -= colStride[d] * shape[d];
                index[d] = 0;
            }
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes {@code tensor} to {@code path} as a {@code .npy} file (format 1.0, or 2.0 for headers over 64 KiB),
     * C order, in this machine's byte order, with the data aligned to 64 bytes as NumPy does; NumPy reads it with
     * {@code np.load}. An existing file is replaced; a partly written file is deleted when writing fails.
     *
     * @param path the file to write
     * @param tensor the tensor to write
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, Tensor tensor) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensor, "tensor");
        boolean done = false;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch, tensor);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The header bytes (magic, version, length, dict, padding) for {@code tensor}. */
    static byte[] headerBytes(Tensor tensor) {
        return headerBytes(tensor.dtype(), tensor.shape().toArray());
    }

    /** The header bytes (magic, version, length, dict, padding) of a C-order array of {@code dtype} and {@code dims}. */
    static byte[] headerBytes(DType dtype, long[] dims) {
        String descr = descr(dtype);
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            shape.append(i > 0 ? ", " : "").append(dims[i]);
        }
        shape.append(dims.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int version = 1;
        int preamble = 10;
        int padding = (ALIGN - (preamble + dict.length() + 1) % ALIGN) % ALIGN;
        if (dict.length() + padding + 1 > 0xFFFF) {   // the 2-byte length of version 1.0 cannot hold it
            version = 2;
            preamble = 12;
            padding = (ALIGN - (preamble + dict.length() + 1) % ALIGN) % ALIGN;
        }
        String header = dict + " ".repeat(padding) + "\n";
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(preamble + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) version).put((byte) 0);
        if (version == 1) {
            out.putShort((short) text.length);
        } else {
            out.putInt(text.length);
        }
        out.put(text);
        return out.array();
    }

    static String descr(DType dtype) {
        char order = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? '<' : '>';
        return switch (dtype) {
            case BOOL -> "|b1";
            case UINT8 -> "|u1";
            case INT16 -> order + "i2";
            case INT32 -> order + "i4";
            case INT64 -> order + "i8";
            case FLOAT32 -> order + "f4";
            case FLOAT64 -> order + "f8";
        };
    }

    /** Writes header and data of {@code tensor} to {@code out}. */
    static void write(WritableByteChannel out, Tensor tensor) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(headerBytes(tensor));
        while (header.hasRemaining()) {
            out.write(header);
        }
        MemorySegment data = tensor.data();
        for (long done = 0; done < data.byteSize(); ) {
            int n = (int) Math.min(CHUNK, data.byteSize() - done);
            ByteBuffer chunk = data.asSlice(done, n).asByteBuffer();
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            done += n;
        }
    }

}
