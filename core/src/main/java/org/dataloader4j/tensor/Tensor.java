package org.dataloader4j.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A dense, row-major, contiguous n-dimensional array in off-heap memory (a {@link MemorySegment}),
 * the unit of data that datasets return and the {@code DataLoader} batches. Element counts and byte
 * sizes are {@code long}, so tensors larger than 2 GB work.
 *
 * <h2>Ownership</h2>
 * <ul>
 *   <li>Tensors made by this class ({@link #zeros}, {@code of(...)}, {@link #stack}, {@link #copy}) <em>own</em>
 *       their memory. {@link #close()} ends their use and frees it: memory of 1 MiB or more at once, smaller
 *       tensors (which share 4 MiB blocks, because releasing memory one small tensor at a time costs more than
 *       allocating it) as soon as every tensor of their block is closed. A tensor that is never closed is freed
 *       by the garbage collector once it and all its views are unreachable, so nothing leaks.</li>
 *   <li>Views ({@link #slice}, {@link #select}, {@link #reshape}) share the memory of the tensor they come
 *       from and own nothing: closing a view does nothing, and a view of a closed tensor throws
 *       {@link IllegalStateException} on access instead of reading freed memory.</li>
 *   <li>{@link #wrap} and {@link #allocate(Arena, DType, long...)} borrow memory whose lifetime the caller
 *       (or the arena) controls; closing such a tensor does nothing.</li>
 * </ul>
 *
 * <pre>{@code
 * try (Tensor images = Tensor.zeros(DType.FLOAT32, 64, 3, 32, 32)) {
 *     Tensor first = images.select(0);          // view of shape [3, 32, 32], no copy
 *     first.setFloat(1f, 0, 15, 15);
 *     float v = images.getFloat(0, 0, 15, 15);  // 1.0
 * }                                             // memory freed here; 'first' is unusable now
 * }</pre>
 */
public final class Tensor implements AutoCloseable {
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final int TO_STRING_VALUES = 6;

    private final DType dtype;
    private final Shape shape;
    private final MemorySegment data;
    private final Storage owned;   // non-null only on the tensor that owns its memory
    private final Storage storage; // shared with the owner, so views keep it reachable and see it closed

    private Tensor(DType dtype, Shape shape, MemorySegment data, Storage owned, Storage storage) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.data = data;
        this.owned = owned;
        this.storage = storage;
    }

    // ------------------------------------------------------------------ creation

    /**
     * {@return a new tensor of zeros that owns its memory}
     *
     * @param dtype the element type
     * @param shape the shape
     */
    public static Tensor zeros(DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        Storage storage = Storage.allocate(bytes);
        return new Tensor(dtype, shape, storage.segment(), storage, storage);
    }

    /**
     * {@return a tensor of the given dtype and shape whose contents are unspecified (PyTorch's {@code torch.empty}):
     * for code that writes every element, which saves filling the memory first} Owned like {@link #zeros}.
     *
     * <pre>{@code
     * try (Tensor out = Tensor.empty(DType.UINT8, Shape.of(224, 224, 3))) {
     *     decodeInto(out.data());   // writes every byte
     * }
     * }</pre>
     *
     * @param dtype the element type
     * @param shape the shape
     */
    public static Tensor empty(DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        Storage storage = Storage.allocate(bytes, false);
        return new Tensor(dtype, shape, storage.segment(), storage, storage);
    }

    /** An owning tensor over memory lent by a pool; see {@link Storage#lent}. */
    static Tensor lent(DType dtype, Shape shape, MemorySegment segment, Runnable release) {
        Storage storage = Storage.lent(segment, release);
        return new Tensor(dtype, shape, storage.segment(), storage, storage);
    }

    /**
     * {@return a new tensor of zeros with the given dimensions that owns its memory}
     *
     * @param dtype the element type
     * @param dims the shape
     */
    public static Tensor zeros(DType dtype, long... dims) {
        return zeros(dtype, Shape.of(dims));
    }

    /**
     * {@return a tensor of zeros allocated in {@code arena}: the arena owns the memory, so {@link #close()} on this
     * tensor does nothing and the memory lives until the arena is closed}
     *
     * @param arena the arena that owns the memory
     * @param dtype the element type
     * @param dims the shape
     */
    public static Tensor allocate(Arena arena, DType dtype, long... dims) {
        Shape shape = Shape.of(dims);
        MemorySegment segment = arena.allocate(Math.multiplyExact(shape.numel(), (long) dtype.byteSize()), 64);
        return new Tensor(dtype, shape, segment, null, null);
    }

    /**
     * {@return a tensor over existing memory, without copying} The caller keeps ownership of the segment; closing the
     * tensor does nothing.
     *
     * @param segment the memory, at least as large as the shape needs
     * @param dtype the element type
     * @param dims the shape
     * @throws IllegalArgumentException if the segment's size is not {@code numel × dtype size}
     */
    public static Tensor wrap(MemorySegment segment, DType dtype, long... dims) {
        Objects.requireNonNull(segment, "segment");
        Shape shape = Shape.of(dims);
        long expected = Math.multiplyExact(shape.numel(), (long) dtype.byteSize());
        if (segment.byteSize() != expected) {
            throw new IllegalArgumentException("cannot wrap a segment of " + segment.byteSize() + " bytes as "
                    + dtype + " " + shape + ": that shape needs exactly " + expected + " bytes");
        }
        return new Tensor(dtype, shape, segment, null, null);
    }

    /**
     * {@return a FLOAT32 tensor holding a copy of {@code values}; without {@code dims} it is one-dimensional}
     *
     * @param values the elements in row-major order
     * @param dims the shape; one-dimensional when omitted
     */
    public static Tensor of(float[] values, long... dims) {
        return fromArray(MemorySegment.ofArray(values), values.length, DType.FLOAT32, dims);
    }

    /**
     * {@return a FLOAT64 tensor holding a copy of {@code values}}
     *
     * @param values the elements in row-major order
     * @param dims the shape; one-dimensional when omitted
     */
    public static Tensor of(double[] values, long... dims) {
        return fromArray(MemorySegment.ofArray(values), values.length, DType.FLOAT64, dims);
    }

    /**
     * {@return an INT64 tensor holding a copy of {@code values}}
     *
     * @param values the elements in row-major order
     * @param dims the shape; one-dimensional when omitted
     */
    public static Tensor of(long[] values, long... dims) {
        return fromArray(MemorySegment.ofArray(values), values.length, DType.INT64, dims);
    }

    /**
     * {@return an INT32 tensor holding a copy of {@code values}}
     *
     * @param values the elements in row-major order
     * @param dims the shape; one-dimensional when omitted
     */
    public static Tensor of(int[] values, long... dims) {
        return fromArray(MemorySegment.ofArray(values), values.length, DType.INT32, dims);
    }

    /**
     * {@return an INT16 tensor holding a copy of {@code values}}
     *
     * @param values the elements in row-major order
     * @param dims the shape; one-dimensional when omitted
     */
    public static Tensor of(short[] values, long... dims) {
        return fromArray(MemorySegment.ofArray(values), values.length, DType.INT16, dims);
    }

    /**
     * {@return a UINT8 tensor holding a copy of {@code values}; each byte is read as unsigned (0..255)}
     *
     * @param values the elements in row-major order
     * @param dims the shape; one-dimensional when omitted
     */
    public static Tensor of(byte[] values, long... dims) {
        return fromArray(MemorySegment.ofArray(values), values.length, DType.UINT8, dims);
    }

    /**
     * {@return a BOOL tensor holding a copy of {@code values}}
     *
     * @param values the elements in row-major order
     * @param dims the shape; one-dimensional when omitted
     */
    public static Tensor of(boolean[] values, long... dims) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        return fromArray(MemorySegment.ofArray(bytes), values.length, DType.BOOL, dims);
    }

    /**
     * {@return a rank-0 tensor holding one value of the given dtype (converted as {@link #setDouble} does)}
     *
     * @param dtype the element type
     * @param value the value
     */
    public static Tensor scalar(DType dtype, double value) {
        Tensor t = zeros(dtype, Shape.of());
        t.setDouble(value);
        return t;
    }

    private static Tensor fromArray(MemorySegment source, int length, DType dtype, long[] dims) {
        Shape shape = dims.length == 0 ? Shape.of(length) : Shape.of(dims);
        if (shape.numel() != length) {
            throw new IllegalArgumentException("an array of " + length + " values cannot have shape " + shape
                    + ", which holds " + shape.numel() + " values");
        }
        Tensor t = zeros(dtype, shape);
        MemorySegment.copy(source, 0, t.mem(), 0, t.byteSize());
        return t;
    }

    /**
     * Stacks tensors of equal dtype and shape along a new first dimension into a new owning tensor,
     * like {@code torch.stack(tensors, 0)}.
     *
     * @param tensors tensors of equal dtype and shape, at least one
     * @return a new tensor of shape {@code [tensors.size(), ...]}
     * @throws IllegalArgumentException naming both positions, shapes and dtypes when they differ
     */
    public static Tensor stack(List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack needs at least one tensor, but got an empty list");
        }
        Tensor first = Objects.requireNonNull(tensors.getFirst(), "tensor at position 0 is null");
        for (int i = 1; i < tensors.size(); i++) {
            Tensor t = Objects.requireNonNull(tensors.get(i), "tensor at position " + i + " is null");
            if (t.dtype != first.dtype || !t.shape.equals(first.shape)) {
                throw new IllegalArgumentException("stack expects tensors of equal dtype and shape, but position 0 is "
                        + first.dtype + " " + first.shape + " and position " + i + " is " + t.dtype + " " + t.shape);
            }
        }
        Tensor out = zeros(first.dtype, first.shape.prepend(tensors.size()));
        long step = first.byteSize();
        for (int i = 0; i < tensors.size(); i++) {
            MemorySegment.copy(tensors.get(i).mem(), 0, out.mem(), i * step, step);
        }
        return out;
    }

    /**
     * Stacks tensors along a new first dimension; see {@link #stack(List)}.
     *
     * @param tensors tensors of equal dtype and shape, at least one
     * @return a new tensor of shape {@code [tensors.length, ...]}
     */
    public static Tensor stack(Tensor... tensors) {
        return stack(Arrays.asList(tensors));
    }

    // ------------------------------------------------------------------ metadata

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the shape} */
    public Shape shape() {
        return shape;
    }

    /** {@return number of dimensions} */
    public int rank() {
        return shape.rank();
    }

    /** {@return number of elements} */
    public long numel() {
        return shape.numel();
    }

    /** {@return bytes of data: {@code numel × dtype.byteSize()}} */
    public long byteSize() {
        return data.byteSize();
    }

    /** {@return true if closing this tensor frees its memory (it was made by this class, and is not a view)} */
    public boolean ownsMemory() {
        return owned != null;
    }

    /**
     * {@return true if this tensor and {@code other} are views of the same memory (one is a view of the other, or both
     * of a third): closing the owner then invalidates both} Tensors over memory they do not track (an arena's, a
     * borrowed segment) share memory only when their segments overlap.
     *
     * <pre>{@code
     * Tensor flat = image.reshape(-1);
     * assert flat.sharesMemoryWith(image);
     * }</pre>
     *
     * @param other another tensor
     */
    public boolean sharesMemoryWith(Tensor other) {
        Objects.requireNonNull(other, "other");
        if (storage != null || other.storage != null) {
            return storage == other.storage;
        }
        long a = data.address();
        long b = other.data.address();
        return a < b + other.data.byteSize() && b < a + data.byteSize() && data.byteSize() > 0
                && other.data.byteSize() > 0;
    }

    /**
     * {@return the memory of exactly this tensor's elements, row-major, native byte order; writes through it change the
     * tensor} Keep the tensor reachable while using the segment: a tensor that becomes unreachable may be freed, after
     * which the segment throws {@link IllegalStateException}.
     */
    public MemorySegment data() {
        return mem();
    }

    /**
     * {@return true once this tensor, or the tensor it is a view of, was closed (or its arena was); its data can then
     * no longer be used}
     */
    public boolean isClosed() {
        return (storage != null && storage.isClosed()) || !data.scope().isAlive();
    }

    /** The memory, after checking that neither this tensor nor the one it views was closed. */
    private MemorySegment mem() {
        if (storage != null && storage.isClosed()) {
            throw new IllegalStateException("this " + dtype + " " + shape + " tensor, or the tensor it is a view of,"
                    + " is closed");
        }
        return data;
    }

    // ------------------------------------------------------------------ views

    /**
     * {@return a view of rows {@code [start, end)} along the first dimension, without copying}
     *
     * @param start the first row
     * @param end the row after the last
     */
    public Tensor slice(long start, long end) {
        requireRank(1, "slice");
        long rows = shape.dim(0);
        if (start < 0 || end > rows || start > end) {
            throw new IndexOutOfBoundsException("slice [" + start + ", " + end + ") is out of range for first dimension "
                    + rows + " of shape " + shape);
        }
        long rowBytes = rowBytes();
        return view(shape.withFirst(end - start), mem().asSlice(start * rowBytes, (end - start) * rowBytes));
    }

    /**
     * {@return a view of row {@code index} along the first dimension (one rank less), without copying}
     *
     * @param index the row, in {@code [0, shape().dim(0))}
     */
    public Tensor select(long index) {
        requireRank(1, "select");
        long rows = shape.dim(0);
        if (index < 0 || index >= rows) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for first dimension " + rows
                    + " of shape " + shape);
        }
        long rowBytes = rowBytes();
        return view(shape.dropFirst(), mem().asSlice(index * rowBytes, rowBytes));
    }

    /**
     * {@return a view with a different shape and the same elements in the same order; one dimension may be {@code -1}
     * and is then inferred}
     *
     * @param dims the new shape, with at most one {@code -1}
     */
    public Tensor reshape(long... dims) {
        long[] d = dims.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape " + Arrays.toString(dims)
                            + ": only one dimension can be -1");
                }
                inferred = i;
            } else if (d[i] < 0) {
                throw new IllegalArgumentException("reshape " + Arrays.toString(dims) + ": invalid dimension " + d[i]);
            } else {
                known = Math.multiplyExact(known, d[i]);
            }
        }
        if (inferred >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + shape + " (" + numel() + " elements) to "
                        + Arrays.toString(dims));
            }
            d[inferred] = numel() / known;
        }
        Shape target = Shape.of(d);
        if (target.numel() != numel()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (" + numel() + " elements) to " + target
                    + " (" + target.numel() + " elements)");
        }
        return view(target, data);
    }

    private Tensor view(Shape viewShape, MemorySegment viewData) {
        return new Tensor(dtype, viewShape, viewData, null, storage);
    }

    private long rowBytes() {
        return shape.stride(0) * dtype.byteSize();
    }

    private void requireRank(int atLeast, String operation) {
        if (rank() < atLeast) {
            throw new IllegalStateException(operation + " needs a tensor of rank >= " + atLeast + ", but this one is "
                    + dtype + " " + shape);
        }
    }

    // ------------------------------------------------------------------ copies

    /** {@return a new owning tensor with the same dtype, shape and values} */
    public Tensor copy() {
        Tensor out = zeros(dtype, shape);
        MemorySegment.copy(mem(), 0, out.mem(), 0, byteSize());
        return out;
    }

    /**
     * Copies the values of {@code source}, which must have the same dtype and number of elements, into this tensor.
     *
     * @param source the tensor to copy from
     */
    public void copyFrom(Tensor source) {
        if (source.dtype != dtype || source.numel() != numel()) {
            throw new IllegalArgumentException("cannot copy " + source.dtype + " " + source.shape + " into "
                    + dtype + " " + shape + ": dtype and element count must match");
        }
        MemorySegment.copy(source.mem(), 0, mem(), 0, byteSize());
    }

    /**
     * {@return true if {@code other} has the same dtype, shape and bytes (bitwise; NaNs with equal bits are equal)}
     *
     * @param other the tensor to compare with
     */
    public boolean contentEquals(Tensor other) {
        return other != null && dtype == other.dtype && shape.equals(other.shape)
                && mem().mismatch(other.mem()) == -1;
    }

    // ------------------------------------------------------------------ element access

    /** The byte offset of the element at {@code index} (one index per dimension), bounds-checked. */
    private long offset(long[] index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("expected " + shape.rank() + " indices for shape " + shape + ", but got "
                    + Arrays.toString(index));
        }
        long flat = 0;
        for (int d = 0; d < index.length; d++) {
            long size = shape.dim(d);
            if (index[d] < 0 || index[d] >= size) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is out of range for shape "
                        + shape + " (dimension " + d + " has size " + size + ")");
            }
            flat = flat * size + index[d];
        }
        return flat * dtype.byteSize();
    }

    private void requireDType(DType expected, String operation) {
        if (dtype != expected) {
            throw new IllegalStateException(operation + " needs a " + expected + " tensor, but this one is " + dtype
                    + " " + shape);
        }
    }

    /**
     * {@return the FLOAT32 element at {@code index}}
     *
     * @param index one index per dimension
     */
    public float getFloat(long... index) {
        requireDType(DType.FLOAT32, "getFloat");
        return mem().get(ValueLayout.JAVA_FLOAT_UNALIGNED, offset(index));
    }

    /**
     * Sets the FLOAT32 element at {@code index}.
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void setFloat(float value, long... index) {
        requireDType(DType.FLOAT32, "setFloat");
        mem().set(ValueLayout.JAVA_FLOAT_UNALIGNED, offset(index), value);
    }

    /**
     * {@return the element at {@code index} as a double, for every dtype (UINT8 reads 0..255, BOOL 0 or 1)}
     *
     * @param index one index per dimension
     */
    public double getDouble(long... index) {
        long at = offset(index);
        return switch (dtype) {
            case FLOAT32 -> mem().get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
            case FLOAT64 -> mem().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at);
            default -> readInteger(at);
        };
    }

    /**
     * Sets the element at {@code index}, converting like a Java cast to the dtype (integers truncate
     * toward zero and wrap; BOOL stores {@code value != 0}).
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void setDouble(double value, long... index) {
        long at = offset(index);
        switch (dtype) {
            case FLOAT32 -> mem().set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, (float) value);
            case FLOAT64 -> mem().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, at, value);
            case BOOL -> mem().set(ValueLayout.JAVA_BYTE, at, (byte) (value != 0 ? 1 : 0));
            default -> writeInteger(at, (long) value);
        }
    }

    /**
     * {@return the element at {@code index} of an integer or BOOL tensor as a long (UINT8 reads 0..255)}
     *
     * @param index one index per dimension
     */
    public long getLong(long... index) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException("getLong needs an integer or BOOL tensor, but this one is " + dtype + " "
                    + shape + "; use getDouble");
        }
        return readInteger(offset(index));
    }

    /**
     * Sets the element at {@code index} of an integer or BOOL tensor (narrowing like a Java cast).
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void setLong(long value, long... index) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException("setLong needs an integer or BOOL tensor, but this one is " + dtype + " "
                    + shape + "; use setDouble");
        }
        long at = offset(index);
        if (dtype == DType.BOOL) {
            mem().set(ValueLayout.JAVA_BYTE, at, (byte) (value != 0 ? 1 : 0));
        } else {
            writeInteger(at, value);
        }
    }

    /**
     * {@return the BOOL element at {@code index}}
     *
     * @param index one index per dimension
     */
    public boolean getBoolean(long... index) {
        requireDType(DType.BOOL, "getBoolean");
        return mem().get(ValueLayout.JAVA_BYTE, offset(index)) != 0;
    }

    /**
     * Sets the BOOL element at {@code index}.
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void setBoolean(boolean value, long... index) {
        requireDType(DType.BOOL, "setBoolean");
        mem().set(ValueLayout.JAVA_BYTE, offset(index), (byte) (value ? 1 : 0));
    }

    private long readInteger(long at) {
        return switch (dtype) {
            case INT64 -> mem().get(ValueLayout.JAVA_LONG_UNALIGNED, at);
            case INT32 -> mem().get(ValueLayout.JAVA_INT_UNALIGNED, at);
            case INT16 -> mem().get(ValueLayout.JAVA_SHORT_UNALIGNED, at);
            case UINT8, BOOL -> Byte.toUnsignedLong(mem().get(ValueLayout.JAVA_BYTE, at));
            default -> throw new AssertionError(dtype);
        };
    }

    private void writeInteger(long at, long value) {
        switch (dtype) {
            case INT64 -> mem().set(ValueLayout.JAVA_LONG_UNALIGNED, at, value);
            case INT32 -> mem().set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) value);
            case INT16 -> mem().set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) value);
            case UINT8 -> mem().set(ValueLayout.JAVA_BYTE, at, (byte) value);
            default -> throw new AssertionError(dtype);
        }
    }

    // ------------------------------------------------------------------ back to arrays

    /** {@return the elements of a FLOAT32 tensor, row-major} */
    public float[] toFloatArray() {
        requireDType(DType.FLOAT32, "toFloatArray");
        return mem().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
    }

    /** {@return the elements of a FLOAT64 tensor, row-major} */
    public double[] toDoubleArray() {
        requireDType(DType.FLOAT64, "toDoubleArray");
        return mem().toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED);
    }

    /** {@return the elements of an INT64 tensor, row-major} */
    public long[] toLongArray() {
        requireDType(DType.INT64, "toLongArray");
        return mem().toArray(ValueLayout.JAVA_LONG_UNALIGNED);
    }

    /** {@return the elements of an INT32 tensor, row-major} */
    public int[] toIntArray() {
        requireDType(DType.INT32, "toIntArray");
        return mem().toArray(ValueLayout.JAVA_INT_UNALIGNED);
    }

    /** {@return the elements of an INT16 tensor, row-major} */
    public short[] toShortArray() {
        requireDType(DType.INT16, "toShortArray");
        return mem().toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
    }

    /**
     * {@return the raw bytes of a UINT8 or BOOL tensor, row-major (UINT8 values above 127 read as negative Java bytes)}
     */
    public byte[] toByteArray() {
        if (dtype != DType.UINT8 && dtype != DType.BOOL) {
            throw new IllegalStateException("toByteArray needs a UINT8 or BOOL tensor, but this one is " + dtype + " "
                    + shape);
        }
        return mem().toArray(ValueLayout.JAVA_BYTE);
    }

    /** {@return the raw bytes of any tensor, row-major, native byte order: a bitwise fingerprint of its content} */
    public byte[] toBytes() {
        checkArrayLength("toBytes", byteSize());
        return mem().toArray(ValueLayout.JAVA_BYTE);
    }

    /** {@return the elements of a BOOL tensor, row-major} */
    public boolean[] toBooleanArray() {
        requireDType(DType.BOOL, "toBooleanArray");
        byte[] bytes = mem().toArray(ValueLayout.JAVA_BYTE);
        boolean[] out = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] != 0;
        }
        return out;
    }

    /**
     * {@return every element as a double, row-major, whatever the dtype; for tensors of at most {@code
     * Integer.MAX_VALUE - 8} elements}
     */
    public double[] toDoubles() {
        checkArrayLength("toDoubles", numel());
        double[] out = new double[(int) numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = flatDouble(i);
        }
        return out;
    }

    private double flatDouble(long flat) {
        long at = flat * dtype.byteSize();
        return switch (dtype) {
            case FLOAT32 -> mem().get(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
            case FLOAT64 -> mem().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at);
            default -> readInteger(at);
        };
    }

    private static void checkArrayLength(String operation, long length) {
        if (length > MAX_ARRAY_LENGTH) {
            throw new IllegalStateException(operation + ": " + length + " values do not fit in a Java array");
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Frees the memory if this tensor owns it (see the class comment); does nothing for views and
     * borrowed memory. Idempotent.
     */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    /** For example {@code Tensor(FLOAT32, [2, 3], [0.0, 0.5, 1.0, 1.5, 2.0, ...])}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(", ").append(shape).append(", [");
        if (isClosed()) {
            return sb.append("closed])").toString();
        }
        long shown = Math.min(numel(), TO_STRING_VALUES);
        for (long i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            double v = flatDouble(i);
            if (dtype == DType.BOOL) {
                sb.append(v != 0);
            } else if (dtype.isFloatingPoint()) {
                sb.append(dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v));
            } else {
                sb.append((long) v);
            }
        }
        if (numel() > shown) {
            sb.append(", ...");
        }
        return sb.append("])").toString();
    }
}
