package org.dataloader4j.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * Conversions between our {@link Tensor} and DJL's {@link NDArray}, for every {@link DType}, keeping shape and
 * values.
 *
 * <h2>When a conversion copies</h2>
 * {@link #toNDArray} hands the engine a direct {@link ByteBuffer} over the tensor's own memory whenever it
 * {@linkplain #canShare can}: the tensor's memory is off-heap (every tensor that {@code Tensor} and the
 * {@code DataLoader} make is), writable, smaller than 2 GiB and the manager's device is the CPU. DJL's PyTorch
 * engine then builds the NDArray with {@code torch::from_blob} over that address: no byte is copied, and the
 * NDArray <em>is</em> the tensor (a write through either is seen by the other; tested). Otherwise the engine (or
 * this class) copies once:
 * <ul>
 *   <li>heap memory (a tensor made with {@code Tensor.wrap(MemorySegment.ofArray(...))}): copied here into a
 *       direct buffer (a heap segment of a {@code float[]} has no {@code ByteBuffer} form to hand over);</li>
 *   <li>INT16 on the PyTorch engine: widened here to an INT32 NDArray (a copy), because DJL 0.36's PyTorch
 *       native code terminates the JVM on any int16 tensor ({@code create} or {@code toType} alike);</li>
 *   <li>read-only memory (for example a {@code .npy} file mapped read-only): copied here, because a PyTorch
 *       in-place operation on a read-only page would crash the JVM instead of throwing;</li>
 *   <li>a GPU manager: the engine copies to the device ({@code tensor.to(device)}). Our {@code pinMemory} only
 *       page-locks with {@code mlock}; CUDA does not know those pages, so the copy goes as from pageable memory,
 *       synchronously.</li>
 * </ul>
 * Other engines decide for themselves what they do with a direct buffer; {@link #canShare} only says that this
 * class offers the memory without copying.
 *
 * <h2>Lifetime</h2>
 * A shared NDArray borrows the tensor's memory: the tensor (or the batch that owns it) must stay open until the
 * NDArray and everything derived from it that may still read it (views, autograd buffers) are closed. Closing the
 * batch first would let the NDArray read the next batch's bytes, because the loader's pool reuses the memory.
 * {@link LoaderDataset} closes in the right order for DJL's training loop.
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager(Device.cpu());
 *      Tensor images = Tensor.zeros(DType.FLOAT32, 64, 3, 32, 32)) {
 *     NDArray x = DjlTensors.toNDArray(images, manager);   // shares images' memory (PyTorch engine, CPU)
 *     Tensor back = DjlTensors.toTensor(x.mul(2));         // an owning copy
 * }
 * }</pre>
 */
public final class DjlTensors {
    private DjlTensors() {
    }

    /**
     * {@return DJL's data type for {@code dtype}: FLOAT32, FLOAT64, INT64, INT32, INT16, UINT8 map to the types of the
     * same name, BOOL to {@link DataType#BOOLEAN}} Every one has the same size and bytes on both sides.
     *
     * @param dtype our dtype
     */
    public static DataType dataType(DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        return switch (dtype) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT64 -> DataType.FLOAT64;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT16 -> DataType.INT16;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    /**
     * {@return our dtype for DJL's {@code dataType}, the inverse of {@link #dataType(DType)}}
     *
     * @param dataType DJL's data type
     * @throws IllegalArgumentException for a DJL type we have no dtype for (INT8, FLOAT16, BFLOAT16, UINT16/32/64,
     *                                  COMPLEX64, STRING, UNKNOWN), naming it and the types we support
     */
    public static DType dtype(DataType dataType) {
        Objects.requireNonNull(dataType, "dataType");
        return switch (dataType) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT64 -> DType.FLOAT64;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case INT16 -> DType.INT16;
            case UINT8 -> DType.UINT8;
            case BOOLEAN -> DType.BOOL;
            default -> throw new IllegalArgumentException("DJL data type " + dataType + " has no dataloader4j dtype;"
                    + " supported: " + Arrays.toString(DType.values()) + " (convert the NDArray with toType first)");
        };
    }

    /**
     * {@return DJL's shape for {@code tensor}'s shape (a rank-0 tensor becomes the scalar shape {@code ()})}
     *
     * @param tensor the tensor
     */
    public static Shape shape(Tensor tensor) {
        return new Shape(tensor.shape().toArray());
    }

    /**
     * {@return true if {@link #toNDArray} offers {@code tensor}'s memory to {@code manager}'s engine without copying:
     * the memory is off-heap and writable, the manager's device is the CPU, and the dtype needs no widening ({@link
     * #targetType})} With DJL's PyTorch engine the NDArray then shares the memory.
     *
     * @param tensor the tensor to convert
     * @param manager the manager of the NDArray
     */
    public static boolean canShare(Tensor tensor, NDManager manager) {
        return whyCopy(tensor, manager) == null;
    }

    /** Why {@code tensor} would be copied for {@code manager}, or null if it would be shared. */
    static String whyCopy(Tensor tensor, NDManager manager) {
        MemorySegment segment = tensor.data();
        if (tensor.dtype() == DType.INT16 && isPyTorch(manager)) {
            return "INT16 is widened to INT32 for the PyTorch engine";
        }
        if (!segment.isNative()) {
            return "its memory is on the Java heap";
        }
        if (segment.isReadOnly()) {
            return "its memory is read-only";
        }
        if (!Device.Type.CPU.equals(manager.getDevice().getDeviceType())) {
            return "the manager's device is " + manager.getDevice();
        }
        return null;
    }

    /**
     * {@return {@code tensor} as an NDArray of {@code manager}, with the matching type ({@link #targetType}), shape and
     * values; attached to {@code manager}, so closing the manager closes it} Shares the tensor's memory when {@link
     * #canShare} says so (see the class comment for the lifetime this imposes), and copies otherwise.
     *
     * @param tensor the tensor to convert
     * @param manager the manager of the NDArray
     * @throws IllegalArgumentException if the tensor holds 2 GiB or more (the limit of a Java buffer and of
     *                                  DJL's {@code NDManager.create}), naming its shape
     * @throws IllegalStateException    if the tensor is closed
     */
    public static NDArray toNDArray(Tensor tensor, NDManager manager) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(manager, "manager");
        if (tensor.isClosed()) {
            throw new IllegalStateException("cannot convert " + describe(tensor) + " to an NDArray: it is closed");
        }
        if (tensor.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot convert " + describe(tensor) + " (" + tensor.byteSize()
                    + " bytes) to an NDArray: DJL's NDManager.create takes at most " + Integer.MAX_VALUE
                    + " bytes; convert slices of it instead");
        }
        MemorySegment segment = tensor.data();
        Shape shape = shape(tensor);
        if (tensor.dtype() == DType.INT16 && isPyTorch(manager)) {
            ByteBuffer widened = manager.allocateDirect(Math.toIntExact(tensor.numel() * 4L))
                    .order(ByteOrder.nativeOrder());
            MemorySegment out = MemorySegment.ofBuffer(widened);
            for (long i = 0, n = tensor.numel(); i < n; i++) {
                out.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i,
                        segment.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            }
            return manager.create(widened, shape, DataType.INT32);
        }
        ByteBuffer buffer;
        if (segment.isNative() && !segment.isReadOnly()) {
            buffer = segment.asByteBuffer();
        } else {
            buffer = manager.allocateDirect((int) tensor.byteSize());
            MemorySegment.ofBuffer(buffer).copyFrom(segment);
        }
        buffer.order(ByteOrder.nativeOrder());
        return manager.create(buffer, shape, dataType(tensor.dtype()));
    }

    /**
     * {@return the data type {@link #toNDArray} gives {@code dtype} on {@code manager}'s engine: {@link
     * #dataType(DType)}, except that INT16 becomes INT32 on the PyTorch engine, whose native code (DJL 0.36) aborts the
     * whole JVM on an int16 tensor}
     *
     * @param dtype our dtype
     * @param manager the manager whose engine receives the tensor
     */
    public static DataType targetType(DType dtype, NDManager manager) {
        return dtype == DType.INT16 && isPyTorch(manager) ? DataType.INT32 : dataType(dtype);
    }

    private static boolean isPyTorch(NDManager manager) {
        return "PyTorch".equals(manager.getEngine().getEngineName());
    }

    /**
     * {@return a new tensor that owns a copy of {@code array}'s values, with the matching dtype ({@link
     * #dtype(DataType)}) and shape} The copy is made once, straight from the NDArray's memory when the engine exposes
     * it (PyTorch does for a contiguous CPU array); an array on another device is first brought to the CPU.
     *
     * @param array the NDArray to copy
     * @throws IllegalArgumentException if the NDArray's type has no dtype here, or it is sparse
     */
    public static Tensor toTensor(NDArray array) {
        Objects.requireNonNull(array, "array");
        DType dtype = dtype(array.getDataType());
        if (array.isSparse()) {
            throw new IllegalArgumentException("cannot convert a sparse NDArray (" + array.getSparseFormat() + ", "
                    + array.getShape() + ") to a Tensor; call toDense() first");
        }
        ByteBuffer bytes = array.toByteBuffer(true);
        Tensor out = Tensor.zeros(dtype, array.getShape().getShape());
        long expected = out.byteSize();
        if (bytes.remaining() != expected) {
            out.close();
            throw new IllegalStateException("the engine returned " + bytes.remaining() + " bytes for a "
                    + array.getDataType() + " " + array.getShape() + " NDArray, but it needs " + expected);
        }
        out.data().copyFrom(MemorySegment.ofBuffer(bytes));
        return out;
    }

    static String describe(Tensor tensor) {
        return tensor.dtype() + " " + tensor.shape() + " tensor";
    }
}
