package org.dataloader4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.dataloader4j.tensor.BufferPool;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DjlTensorsTest {
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        assertEquals("true", System.getProperty("ai.djl.offline"), "the tests must run with ai.djl.offline=true");
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** A 2×3 tensor of {@code dtype} with values that exercise the type's range (negatives, > 127 for UINT8). */
    static Tensor sample(DType dtype) {
        Tensor t = Tensor.zeros(dtype, 2, 3);
        double[] values = switch (dtype) {
            case FLOAT32, FLOAT64 -> new double[] {-1.5, 0, 0.25, 3e5, -7, 1.0 / 3};
            case INT64 -> new double[] {-5, 0, 7, 1L << 40, -(1L << 40), 42};
            case INT32 -> new double[] {-5, 0, 7, 1 << 30, -(1 << 30), 42};
            case INT16 -> new double[] {-5, 0, 7, 32767, -32768, 42};
            case UINT8 -> new double[] {0, 1, 127, 128, 200, 255};
            case BOOL -> new double[] {1, 0, 0, 1, 1, 0};
        };
        for (int i = 0; i < 6; i++) {
            t.setDouble(values[i], i / 3, i % 3);
        }
        return t;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeRoundTripsWithShapeAndValues(DType dtype) {
        try (Tensor t = sample(dtype); NDManager step = manager.newSubManager()) {
            NDArray array = DjlTensors.toNDArray(t, step);
            assertEquals(DjlTensors.targetType(dtype, step), array.getDataType());
            assertEquals(new ai.djl.ndarray.types.Shape(2, 3), array.getShape());
            assertEquals(dtype == DType.INT16, !DjlTensors.canShare(t, step));
            try (Tensor back = DjlTensors.toTensor(array)) {
                Tensor expected = dtype == DType.INT16 ? Tensor.of(new int[] {-5, 0, 7, 32767, -32768, 42}, 2, 3) : t;
                assertTrue(back.contentEquals(expected), () -> back + " != " + expected);
                assertTrue(back.ownsMemory());
            }
            // the engine reads the values as we wrote them, not only the bytes round-tripping
            NDArray asDouble = array.toType(DataType.FLOAT64, true);
            assertArrayEquals(t.toDoubles(), asDouble.toDoubleArray(), 0.0, dtype.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = "INT16", mode = EnumSource.Mode.EXCLUDE) // PyTorch cannot make int16
    void engineResultsOfEveryDtypeComeBack(DType dtype) {
        try (NDManager step = manager.newSubManager()) {
            NDArray made = step.arange(0, 6, 1, DataType.INT64).reshape(3, 2).toType(DjlTensors.dataType(dtype), false);
            try (Tensor t = DjlTensors.toTensor(made)) {
                assertEquals(dtype, t.dtype());
                assertEquals(Shape.of(3, 2), t.shape());
                double[] expected = dtype == DType.BOOL ? new double[] {0, 1, 1, 1, 1, 1} : new double[] {0, 1, 2, 3, 4, 5};
                assertArrayEquals(expected, t.toDoubles(), 0.0);
            }
        }
    }

    @Test
    void offHeapMemoryIsSharedBothWays() {
        try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2); NDManager step = manager.newSubManager()) {
            assertTrue(DjlTensors.canShare(t, step));
            NDArray array = DjlTensors.toNDArray(t, step);
            t.setFloat(9f, 1, 1);                       // our write is seen by the NDArray
            assertEquals(9f, array.getFloat(1, 1));
            array.muli(10);                             // an in-place engine op is seen by the tensor
            assertArrayEquals(new float[] {10, 20, 30, 90}, t.toFloatArray());
            // and the NDArray's own memory is the tensor's: the address PyTorch reports is ours
            ByteBuffer engineView = array.toByteBuffer(true);
            assertTrue(engineView.isDirect());
            assertEquals(t.data().address(), MemorySegment.ofBuffer(engineView).address());
        }
    }

    @Test
    void viewsAndPooledPinnedMemoryAreSharedToo() {
        try (BufferPool pool = BufferPool.builder().pinned(true).build();
             Tensor pooled = pool.allocate(DType.INT64, Shape.of(4, 2));
             NDManager step = manager.newSubManager()) {
            Tensor row = pooled.select(2);              // a view at an offset
            NDArray array = DjlTensors.toNDArray(row, step);
            row.setLong(77, 1);
            assertEquals(77L, array.getLong(1));
            assertEquals(row.data().address(), MemorySegment.ofBuffer(array.toByteBuffer(true)).address());
        }
    }

    @Test
    void heapMemoryIsCopied() {
        float[] values = {1, 2, 3};
        Tensor onHeap = Tensor.wrap(MemorySegment.ofArray(values), DType.FLOAT32, 3);
        try (NDManager step = manager.newSubManager()) {
            assertFalse(DjlTensors.canShare(onHeap, step));
            assertEquals("its memory is on the Java heap", DjlTensors.whyCopy(onHeap, step));
            NDArray array = DjlTensors.toNDArray(onHeap, step);
            values[0] = 100;
            assertEquals(1f, array.getFloat(0));
            assertArrayEquals(new float[] {1, 2, 3}, array.toFloatArray());
        }
    }

    @Test
    void readOnlyMemoryIsCopiedSoTheEngineCannotWriteIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("floats.bin");
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        bytes.putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        Files.write(file, bytes.array());
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             NDManager step = manager.newSubManager()) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, 16, arena);
            Tensor t = Tensor.wrap(mapped, DType.FLOAT32, 4);
            assertEquals("its memory is read-only", DjlTensors.whyCopy(t, step));
            NDArray array = DjlTensors.toNDArray(t, step);
            array.addi(1);                              // would be a SIGSEGV on the read-only mapping if shared
            assertArrayEquals(new float[] {2, 3, 4, 5}, array.toFloatArray());
            assertEquals(1f, mapped.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        }
    }

    @Test
    void scalarsKeepRankZero() {
        try (Tensor t = Tensor.scalar(DType.FLOAT64, 2.5); NDManager step = manager.newSubManager()) {
            NDArray array = DjlTensors.toNDArray(t, step);
            assertTrue(array.getShape().isScalar());
            assertEquals(2.5, array.getDouble());
            try (Tensor back = DjlTensors.toTensor(array)) {
                assertEquals(0, back.rank());
                assertEquals(2.5, back.getDouble());
            }
        }
    }

    @Test
    void nonContiguousEngineResultsComeBackInRowMajorOrder() {
        try (Tensor t = Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 2, 3); NDManager step = manager.newSubManager()) {
            NDArray transposed = DjlTensors.toNDArray(t, step).transpose();   // a strided view in PyTorch
            try (Tensor back = DjlTensors.toTensor(transposed)) {
                assertEquals(Shape.of(3, 2), back.shape());
                assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, back.toIntArray());
            }
        }
    }

    @Test
    void refusalsSayWhatAndWhy() {
        var unsupported = assertThrows(IllegalArgumentException.class, () -> DjlTensors.dtype(DataType.FLOAT16));
        assertTrue(unsupported.getMessage().contains("float16"), unsupported.getMessage());
        try (NDManager step = manager.newSubManager()) {
            NDArray half = step.ones(new ai.djl.ndarray.types.Shape(2), DataType.FLOAT16);
            var e = assertThrows(IllegalArgumentException.class, () -> DjlTensors.toTensor(half));
            assertTrue(e.getMessage().contains("float16"), e.getMessage());
            Tensor big = Tensor.zeros(DType.FLOAT32, 3);
            big.close();
            var closed = assertThrows(IllegalStateException.class, () -> DjlTensors.toNDArray(big, step));
            assertTrue(closed.getMessage().contains("FLOAT32 [3] tensor"), closed.getMessage());
        }
    }
}
