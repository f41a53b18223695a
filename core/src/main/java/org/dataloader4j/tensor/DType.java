package org.dataloader4j.tensor;

import java.lang.foreign.ValueLayout;

/**
 * Element type of a {@link Tensor}. Values are stored in native byte order (little endian on x86 and
 * ARM), so a tensor's memory can be handed to native code or another framework without conversion.
 *
 * <pre>{@code
 * Tensor labels = Tensor.zeros(DType.INT64, 64);
 * assert labels.dtype().byteSize() == 8;
 * }</pre>
 */
public enum DType {
    /** 32-bit IEEE float, PyTorch's {@code torch.float32}. */
    FLOAT32(4, ValueLayout.JAVA_FLOAT_UNALIGNED, true),
    /** 64-bit IEEE float, {@code torch.float64}. */
    FLOAT64(8, ValueLayout.JAVA_DOUBLE_UNALIGNED, true),
    /** 64-bit signed integer, {@code torch.int64} (PyTorch's type for class labels). */
    INT64(8, ValueLayout.JAVA_LONG_UNALIGNED, false),
    /** 32-bit signed integer, {@code torch.int32}. */
    INT32(4, ValueLayout.JAVA_INT_UNALIGNED, false),
    /** 16-bit signed integer, {@code torch.int16}. */
    INT16(2, ValueLayout.JAVA_SHORT_UNALIGNED, false),
    /** 8-bit unsigned integer (0..255), {@code torch.uint8}: pixels. Java's signed {@code byte} holds the bits. */
    UINT8(1, ValueLayout.JAVA_BYTE, false),
    /** Boolean stored as one byte, 0 or 1, {@code torch.bool}. */
    BOOL(1, ValueLayout.JAVA_BYTE, false);

    private final int byteSize;
    private final ValueLayout layout;
    private final boolean floatingPoint;

    DType(int byteSize, ValueLayout layout, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.layout = layout;
        this.floatingPoint = floatingPoint;
    }

    /** {@return bytes per element} */
    public int byteSize() {
        return byteSize;
    }

    /** {@return the memory layout of one element (native byte order, no alignment requirement)} */
    public ValueLayout layout() {
        return layout;
    }

    /** {@return true for {@link #FLOAT32} and {@link #FLOAT64}} */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }
}
