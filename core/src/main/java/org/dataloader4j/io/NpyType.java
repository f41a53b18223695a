package org.dataloader4j.io;

import org.dataloader4j.tensor.DType;

/**
 * The element types of the {@code .npy} format that dataloader4j reads, with the {@link DType} each
 * becomes: the same type where one exists, otherwise the smallest of ours that holds every value
 * exactly.
 */
enum NpyType {
    BOOL('b', 1, DType.BOOL, true),
    INT8('i', 1, DType.INT16, false),
    INT16('i', 2, DType.INT16, true),
    INT32('i', 4, DType.INT32, true),
    INT64('i', 8, DType.INT64, true),
    UINT8('u', 1, DType.UINT8, true),
    UINT16('u', 2, DType.INT32, false),
    UINT32('u', 4, DType.INT64, false),
    UINT64('u', 8, DType.INT64, false),
    FLOAT16('f', 2, DType.FLOAT32, false),
    FLOAT32('f', 4, DType.FLOAT32, true),
    FLOAT64('f', 8, DType.FLOAT64, true);

    final char kind;
    final int size;
    /** What {@code Npy.read} produces. */
    final DType target;
    /** True when the file's bytes (little endian) are already the target's bytes. */
    final boolean sameLayout;

    NpyType(char kind, int size, DType target, boolean sameLayout) {
        this.kind = kind;
        this.size = size;
        this.target = target;
        this.sameLayout = sameLayout;
    }

    static NpyType find(char kind, int size) {
        for (NpyType t : values()) {
            if (t.kind == kind && t.size == size) {
                return t;
            }
        }
        return null;
    }

    /** The {@code .npy} type whose bytes are exactly those of {@code dtype}. */
    static NpyType of(DType dtype) {
        return switch (dtype) {
            case BOOL -> BOOL;
            case UINT8 -> UINT8;
            case INT16 -> INT16;
            case INT32 -> INT32;
            case INT64 -> INT64;
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
        };
    }

    /** NumPy's name, e.g. {@code uint16}. */
    String numpyName() {
        return switch (this) {
            case BOOL -> "bool";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
