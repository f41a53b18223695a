package org.dataloader4j.tensor;

import java.util.Arrays;

/**
 * The immutable shape of a {@link Tensor}: the size of each dimension, outermost first. A shape of
 * rank 0 ({@code Shape.of()}) is a scalar with one element.
 *
 * <pre>{@code
 * Shape image = Shape.of(3, 224, 224);
 * image.numel();           // 150528
 * image.prepend(64);       // [64, 3, 224, 224], the shape of a batch of 64 images
 * }</pre>
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new long[0]);

    private final long[] dims;
    private final long numel;

    private Shape(long[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] < 0) {
                throw new IllegalArgumentException(
                        "shape dimensions must be non-negative, but dimension " + d + " is " + dims[d]
                                + " in " + Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, dims[d]);
        }
        this.numel = n;
    }

    /**
     * {@return a shape with the given dimension sizes (copied)}
     *
     * @param dims the size of each dimension, outermost first
     */
    public static Shape of(long... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** {@return number of dimensions} */
    public int rank() {
        return dims.length;
    }

    /**
     * {@return size of dimension {@code d} (0 = outermost)}
     *
     * @param d the dimension, 0 = outermost
     */
    public long dim(int d) {
        if (d < 0 || d >= dims.length) {
            throw new IndexOutOfBoundsException("dimension " + d + " does not exist in shape " + this);
        }
        return dims[d];
    }

    /** {@return a copy of the dimension sizes} */
    public long[] toArray() {
        return dims.clone();
    }

    /** {@return number of elements: the product of all dimensions (1 for a scalar)} */
    public long numel() {
        return numel;
    }

    /**
     * {@return this shape with a new outermost dimension of size {@code n}, e.g} the shape of a batch.
     *
     * @param n the size of the new outermost dimension
     */
    public Shape prepend(long n) {
        long[] d = new long[dims.length + 1];
        d[0] = n;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new Shape(d);
    }

    /** {@return this shape without its outermost dimension, e.g} the shape of one sample of a batch. */
    public Shape dropFirst() {
        if (dims.length == 0) {
            throw new IllegalStateException("a scalar shape has no first dimension to drop");
        }
        return Shape.of(Arrays.copyOfRange(dims, 1, dims.length));
    }

    /**
     * {@return this shape with its outermost dimension replaced by {@code n}}
     *
     * @param n the new outermost size
     */
    public Shape withFirst(long n) {
        if (dims.length == 0) {
            throw new IllegalStateException("a scalar shape has no first dimension to replace");
        }
        long[] d = dims.clone();
        d[0] = n;
        return new Shape(d);
    }

    /**
     * {@return row-major stride, in elements, of dimension {@code d}: the product of the sizes after it}
     *
     * @param d the dimension, 0 = outermost
     */
    public long stride(int d) {
        long s = 1;
        for (int i = dims.length - 1; i > d; i--) {
            s *= dims[i];
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** The dimensions in brackets, as PyTorch prints them: {@code [64, 3, 224, 224]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
