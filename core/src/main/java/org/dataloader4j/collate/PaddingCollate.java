package org.dataloader4j.collate;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;

import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;

/**
 * A {@link Collate} for sequences of different lengths (token ids, audio frames): pads every sequence
 * after its end to the longest one in the batch with a fixed value and records the true lengths. The
 * batch's content is a {@link PaddedSequences}; read it with {@code batch.content(PaddedSequences.class)}
 * or {@code batch.tensor("padded")} and {@code batch.tensor("lengths")}.
 *
 * <p>Each sample is either a {@link Tensor} of rank ≥ 1 whose first dimension is the sequence (shape
 * {@code [L, ...]}; dtypes and the dimensions after the first must match), or a primitive array
 * ({@code float[]}, {@code double[]}, {@code long[]}, {@code int[]}, {@code short[]}, {@code byte[]},
 * {@code boolean[]}, all of one type). The padded tensor has shape {@code [B, maxL, ...]} and the
 * samples' dtype; the lengths are INT64 {@code [B]}. Both belong to the batch and are freed by
 * {@link Batch#close()}; if collating fails, nothing stays allocated.
 *
 * <pre>{@code
 * Collate<Tensor, Batch> pad = PaddingCollate.padWith(-1);
 * try (Batch batch = pad.collate(List.of(Tensor.of(new long[] {4, 5, 6}), Tensor.of(new long[] {7})))) {
 *     batch.tensor("padded");    // INT64 [2, 3]: [[4, 5, 6], [7, -1, -1]]
 *     batch.tensor("lengths");   // INT64 [2]: [3, 1]
 * }
 * }</pre>
 *
 * @param <T> sample type: {@code Tensor} or a primitive array type
 */
public final class PaddingCollate<T> implements Collate<T, Batch> {
    private final double padValue;

    private PaddingCollate(double padValue) {
        this.padValue = padValue;
    }

    /**
     * {@return a padding collate that fills with {@code value}, converted to the samples' dtype (for integer and BOOL
     * dtypes it must be a whole number in the dtype's range, checked when a batch is collated)}
     *
     * @param <T> the sample type
     * @param value the padding value
     */
    public static <T> PaddingCollate<T> padWith(double value) {
        return new PaddingCollate<>(value);
    }

    /** {@return the value padding is filled with} */
    public double padValue() {
        return padValue;
    }

    /**
     * Pads and stacks {@code samples}.
     *
     * @throws IllegalArgumentException if the list is empty, a sample is null, of an unsupported type,
     *         of another type or dtype than the first, of rank 0, or with other dimensions after the
     *         first; or if the pad value does not fit the dtype. The message names the batch positions.
     */
    @Override
    public Batch collate(List<T> samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("cannot pad an empty batch: there must be at least one sample");
        }
        Object[] column = samples.toArray();
        int n = column.length;
        for (int i = 0; i < n; i++) {
            if (column[i] == null) {
                throw new IllegalArgumentException("sample at batch position " + i + " is null; PaddingCollate"
                        + " needs a Tensor or a primitive array in every position");
            }
        }
        Object first = column[0];
        DType dtype;
        Shape rest;   // the dimensions after the sequence dimension
        long[] lengths = new long[n];
        if (first instanceof Tensor t0) {
            if (t0.rank() == 0) {
                throw new IllegalArgumentException("cannot pad: the tensor at batch position 0 is a scalar ("
                        + t0.dtype() + " " + t0.shape() + "); sequences need at least one dimension");
            }
            dtype = t0.dtype();
            rest = t0.shape().dropFirst();
            for (int i = 0; i < n; i++) {
                if (!(column[i] instanceof Tensor t)) {
                    throw new IllegalArgumentException("cannot pad: batch position 0 is a Tensor but position " + i
                            + " is " + Structure.aTypeName(column[i]));
                }
                if (t.dtype() != dtype) {
                    throw new IllegalArgumentException("cannot pad: batch position 0 has dtype " + dtype
                            + " but position " + i + " has dtype " + t.dtype());
                }
                if (t.rank() == 0 || !t.shape().dropFirst().equals(rest)) {
                    throw new IllegalArgumentException("cannot pad: batch position 0 has shape " + t0.shape()
                            + " but position " + i + " has shape " + t.shape()
                            + "; only the first (sequence) dimension may differ");
                }
                if (t.isClosed()) {
                    throw new IllegalStateException("cannot pad: the tensor at batch position " + i + " is closed");
                }
                lengths[i] = t.shape().dim(0);
            }
        } else if (first.getClass().isArray() && first.getClass().getComponentType().isPrimitive()
                && first.getClass() != char[].class) {
            dtype = arrayDType(first);
            rest = Shape.of();
            for (int i = 0; i < n; i++) {
                if (column[i].getClass() != first.getClass()) {
                    throw new IllegalArgumentException("cannot pad: batch position 0 is " + Structure.aTypeName(first)
                            + " but position " + i + " is " + Structure.aTypeName(column[i]));
                }
                lengths[i] = DefaultCollate.arrayLength(column[i]);
            }
        } else {
            throw new IllegalArgumentException("cannot pad: batch position 0 is " + first.getClass().getName()
                    + ", but PaddingCollate pads a Tensor (sequence along the first dimension) or a float[], double[],"
                    + " long[], int[], short[], byte[] or boolean[]; use the default collate or a custom Collate");
        }
        checkPadValue(dtype);

        long maxLength = 0;
        for (long l : lengths) {
            maxLength = Math.max(maxLength, l);
        }
        long rowElements = rest.numel();
        long rowBytes = rowElements * dtype.byteSize();
        long[] dims = new long[rest.rank() + 2];
        dims[0] = n;
        dims[1] = maxLength;
        System.arraycopy(rest.toArray(), 0, dims, 2, rest.rank());

        Tensor padded = null;
        Tensor lengthTensor = null;
        try {
            padded = BatchMemory.allocate(dtype, Shape.of(dims));
            lengthTensor = Tensor.of(lengths);
            MemorySegment dst = padded.data();
            boolean fill = !padIsZeroBits(dtype);
            for (int i = 0; i < n; i++) {
                long base = i * maxLength * rowBytes;
                Object sample = column[i];
                if (sample instanceof Tensor t) {
                    MemorySegment.copy(t.data(), 0, dst, base, lengths[i] * rowBytes);
                } else if (sample instanceof boolean[] flags) {
                    for (int j = 0; j < flags.length; j++) {
                        dst.set(ValueLayout.JAVA_BYTE, base + j, flags[j] ? (byte) 1 : (byte) 0);
                    }
                } else {
                    MemorySegment.copy(sample, 0, dst, dtype.layout(), base, (int) lengths[i]);
                }
                if (fill) {
                    fill(dst, dtype, (i * maxLength + lengths[i]) * rowElements,
                            (maxLength - lengths[i]) * rowElements);
                }
            }
            return Batch.of(new PaddedSequences(padded, lengthTensor), n, List.of(padded, lengthTensor));
        } catch (Throwable failure) {
            if (padded != null) {
                padded.close();
            }
            if (lengthTensor != null) {
                lengthTensor.close();
            }
            throw failure;
        }
    }

    private static DType arrayDType(Object array) {
        return switch (array) {
            case float[] _ -> DType.FLOAT32;
            case double[] _ -> DType.FLOAT64;
            case long[] _ -> DType.INT64;
            case int[] _ -> DType.INT32;
            case short[] _ -> DType.INT16;
            case byte[] _ -> DType.UINT8;
            case boolean[] _ -> DType.BOOL;
            default -> throw new AssertionError(array.getClass());
        };
    }

    private void checkPadValue(DType dtype) {
        double v = padValue;
        boolean ok = switch (dtype) {
            case FLOAT64 -> true;
            case FLOAT32 -> !Double.isFinite(v) || Math.abs(v) <= Float.MAX_VALUE;
            case INT64 -> v == Math.rint(v) && v >= -0x1p63 && v < 0x1p63;
            case INT32 -> v == Math.rint(v) && v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            case INT16 -> v == Math.rint(v) && v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case UINT8 -> v == Math.rint(v) && v >= 0 && v <= 255;
            case BOOL -> v == 0 || v == 1;
        };
        if (!ok) {
            throw new IllegalArgumentException("cannot pad " + dtype + " sequences with " + v
                    + ": the pad value must be a whole number in the range of " + dtype
                    + (dtype == DType.BOOL ? " (0 or 1)" : dtype == DType.UINT8 ? " (0..255)" : ""));
        }
    }

    private boolean padIsZeroBits(DType dtype) {
        return dtype.isFloatingPoint()
                ? Double.doubleToRawLongBits(padValue) == 0 && Float.floatToRawIntBits((float) padValue) == 0
                : padValue == 0;
    }

    /** Writes the pad value into {@code count} elements starting at element {@code start}. */
    private void fill(MemorySegment dst, DType dtype, long start, long count) {
        long end = start + count;
        switch (dtype) {
            case FLOAT32 -> {
                float v = (float) padValue;
                for (long k = start; k < end; k++) {
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, k, v);
                }
            }
            case FLOAT64 -> {
                for (long k = start; k < end; k++) {
                    dst.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, k, padValue);
                }
            }
            case INT64 -> {
                long v = (long) padValue;
                for (long k = start; k < end; k++) {
                    dst.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, k, v);
                }
            }
            case INT32 -> {
                int v = (int) padValue;
                for (long k = start; k < end; k++) {
                    dst.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, k, v);
                }
            }
            case INT16 -> {
                short v = (short) padValue;
                for (long k = start; k < end; k++) {
                    dst.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, k, v);
                }
            }
            case UINT8, BOOL -> dst.asSlice(start, count).fill((byte) (int) padValue);
        }
    }

    @Override
    public String toString() {
        return "PaddingCollate(padValue=" + padValue + ")";
    }
}
