package org.dataloader4j.io;

import static org.dataloader4j.io.NpyFixtures.expected;
import static org.dataloader4j.io.NpyFixtures.fixture;
import static org.dataloader4j.io.NpyFixtures.withHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.OffHeapAssertions;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "b1.npy, BOOL", "i1.npy, INT16", "u1.npy, UINT8",
        "i2_le.npy, INT16", "i2_be.npy, INT16", "i4_le.npy, INT32", "i4_be.npy, INT32",
        "i8_le.npy, INT64", "i8_be.npy, INT64",
        "u2_le.npy, INT32", "u2_be.npy, INT32", "u4_le.npy, INT64", "u4_be.npy, INT64",
        "u8_le.npy, INT64", "u8_be.npy, INT64",
        "f2_le.npy, FLOAT32", "f2_be.npy, FLOAT32", "f4_le.npy, FLOAT32", "f4_be.npy, FLOAT32",
        "f8_le.npy, FLOAT64", "f8_be.npy, FLOAT64",
        "f4_v1.npy, FLOAT32", "f4_v2.npy, FLOAT32", "f4_v3.npy, FLOAT32",
        "f8_fortran.npy, FLOAT64", "i4_be_fortran.npy, INT32"})
    void readsEveryDtypeByteOrderVersionAndOrderToTheExactValues(String file, DType dtype) throws IOException {
        String kind = file.substring(0, 1);
        int size = Character.getNumericValue(file.charAt(1));
        try (Tensor t = Npy.read(fixture(file))) {
            assertEquals(dtype, t.dtype());
            assertEquals(Shape.of(2, 3, 4), t.shape());
            assertTrue(t.ownsMemory());
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        int flat = i * 12 + j * 4 + k;
                        double want = expected(kind, size, flat);
                        if (dtype == DType.INT64) {
                            assertEquals((long) want, t.getLong(i, j, k), file + " at " + flat);
                        } else {
                            assertEquals(want, t.getDouble(i, j, k), file + " at [" + i + ", " + j + ", " + k + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void headerReportsVersionDescrOrderShapeAndTargetDtype() throws IOException {
        NpyHeader v3 = Npy.header(fixture("f4_v3.npy"));
        assertEquals(3, v3.majorVersion());
        assertEquals("<f4", v3.descr());
        assertArrayEquals(new long[] {2, 3, 4}, v3.shape());
        assertEquals(DType.FLOAT32, v3.dtype());
        assertTrue(v3.isMappable());
        assertEquals(0, v3.dataOffset() % 64);
        NpyHeader fortran = Npy.header(fixture("f8_fortran.npy"));
        assertTrue(fortran.fortranOrder());
        assertFalse(fortran.isMappable());
        NpyHeader u2 = Npy.header(fixture("u2_le.npy"));
        assertEquals("uint16", u2.numpyType());
        assertEquals(DType.INT32, u2.dtype());
        assertFalse(u2.isMappable());
        assertFalse(Npy.header(fixture("f4_be.npy")).isLittleEndian());
    }

    @Test
    void scalarsEmptyArraysAndVectorsKeepTheirShape() throws IOException {
        try (Tensor s = Npy.read(fixture("scalar_f8.npy"));
             Tensor e = Npy.read(fixture("empty_f4.npy"));
             Tensor v = Npy.read(fixture("vector_i8.npy"));
             Tensor f = Npy.read(fixture("u1_fortran_1d.npy"))) {
            assertEquals(Shape.of(), s.shape());
            assertEquals(2.5, s.getDouble());
            assertEquals(Shape.of(0, 3), e.shape());
            assertArrayEquals(new long[] {0, 1, 2, 3, 4}, v.toLongArray());
            assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, f.toByteArray());
        }
    }

    @Test
    void float16SpecialValuesConvertExactly() throws IOException {
        try (Tensor t = Npy.read(fixture("f2_special.npy"))) {
            float[] v = t.toFloatArray();
            assertEquals(Float.POSITIVE_INFINITY, v[0]);
            assertEquals(Float.NEGATIVE_INFINITY, v[1]);
            assertTrue(Float.isNaN(v[2]));
            assertEquals(65504f, v[3]);
            assertEquals((float) Math.scalb(1.0, -24), v[4]);
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(v[5]));
        }
    }

    @Test
    void uint64ThatDoesNotFitInt64IsAClearError() {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(fixture("u8_too_big.npy")));
        assertTrue(e.getMessage().contains("u8_too_big.npy"), e.getMessage());
        assertTrue(e.getMessage().contains("element 2") && e.getMessage().contains("18446744073709551615"),
                e.getMessage());
    }

    // ------------------------------------------------------------------ mmap

    @Test
    void mmapGivesAViewOfTheFileThatDiesWithTheHandle() throws IOException {
        MappedNpy mapped = Npy.mmap(fixture("f4_le.npy"));
        Tensor t = mapped.tensor();
        assertEquals(DType.FLOAT32, t.dtype());
        assertEquals(Shape.of(2, 3, 4), t.shape());
        assertFalse(t.ownsMemory());
        assertEquals(expected("f", 4, 23), t.getDouble(1, 2, 3));
        Tensor row = t.select(1);
        assertThrows(RuntimeException.class, () -> t.setFloat(1f, 0, 0, 0), "read-only mapping");
        mapped.close();
        mapped.close(); // idempotent
        assertTrue(mapped.isClosed());
        assertTrue(t.isClosed());
        assertThrows(IllegalStateException.class, () -> t.getDouble(0, 0, 0));
        assertThrows(IllegalStateException.class, () -> row.getDouble(0, 0));
        assertThrows(IllegalStateException.class, mapped::tensor);
    }

    @Test
    void mmapIntoACallersArenaAndReadWriteModeWritesTheFile() throws IOException {
        Path p = dir.resolve("rw.npy");
        try (Tensor src = Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 2, 3)) {
            Npy.write(p, src);
        }
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Npy.mmap(p, arena, FileChannel.MapMode.READ_WRITE);
            t.setLong(60, 1, 2);
        }
        try (Tensor back = Npy.read(p)) {
            assertArrayEquals(new int[] {1, 2, 3, 4, 5, 60}, back.toIntArray());
        }
        try (MappedNpy priv = Npy.mmap(p, FileChannel.MapMode.PRIVATE)) {
            priv.tensor().setLong(-1, 0, 0);
            assertEquals(-1, priv.tensor().getLong(0, 0));
        }
        try (Tensor back = Npy.read(p)) {
            assertEquals(1, back.getLong(0, 0), "PRIVATE mapping must not change the file");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4_be.npy", "i1.npy", "u2_le.npy", "f2_le.npy", "u8_le.npy", "f8_fortran.npy"})
    void mmapRefusesWhatItCannotServeAndPointsToRead(String file) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.mmap(fixture(file)));
        String m = e.getMessage();
        assertTrue(m.contains(file) && m.contains("cannot memory-map") && m.contains("little-endian")
                && m.contains("Npy.read"), m);
    }

    @Test
    void mmapOfOneDimensionalFortranArrayIsFine() throws IOException {
        try (MappedNpy m = Npy.mmap(fixture("u1_fortran_1d.npy"))) {
            assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, m.tensor().toByteArray());
        }
    }

    // ------------------------------------------------------------------ write

    @Test
    void writeProducesTheSameBytesAsNumpysSave() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        try (Tensor x = Tensor.zeros(DType.FLOAT32, 3, 4); Tensor y = Tensor.of(new long[] {0, 1, 2, 3, 4})) {
            for (int i = 0; i < 12; i++) {
                x.setFloat(i, i / 4, i % 4);
            }
            Npy.write(a, x);
            Npy.write(b, y);
        }
        assertArrayEquals(Files.readAllBytes(fixture("save_f4_3x4.npy")), Files.readAllBytes(a));
        assertArrayEquals(Files.readAllBytes(fixture("save_i8_5.npy")), Files.readAllBytes(b));
    }

    @Test
    void everyDtypeRoundTripsThroughWriteReadAndMmap() throws IOException {
        List<Tensor> tensors = List.of(
                Tensor.of(new float[] {1.5f, -2, Float.NaN, 4}, 2, 2),
                Tensor.of(new double[] {1e300, -0.0, 3}),
                Tensor.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 2, 1),
                Tensor.of(new int[] {Integer.MIN_VALUE, 7}),
                Tensor.of(new short[] {-5, 300}),
                Tensor.of(new byte[] {(byte) 255, 0, 1}),
                Tensor.of(new boolean[] {true, false, true}),
                Tensor.scalar(DType.FLOAT64, 3.25),
                Tensor.zeros(DType.INT32, 0, 5));
        for (Tensor t : tensors) {
            Path p = dir.resolve(t.dtype() + "-" + t.rank() + ".npy");
            Npy.write(p, t);
            try (Tensor back = Npy.read(p); MappedNpy mapped = Npy.mmap(p)) {
                assertTrue(t.contentEquals(back), t + " vs " + back);
                assertTrue(t.contentEquals(mapped.tensor()), t + " vs mapped " + mapped.tensor());
            }
            t.close();
        }
    }

    @Test
    void readAndReadFailuresLeaveNoOffHeapMemoryBehind() {
        OffHeapAssertions.assertNoLeak(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    Npy.read(fixture("f8_fortran.npy")).close();
                    assertThrows(NpyFormatException.class, () -> Npy.read(fixture("u8_too_big.npy")));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    // ------------------------------------------------------------------ malformed files

    private static final String F4_2x2 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";

    private void assertFormatError(Path file, String... fragments) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in: " + e.getMessage());
        }
        assertThrows(NpyFormatException.class, () -> Npy.mmap(file).close());
        assertThrows(NpyFormatException.class, () -> Npy.header(file));
    }

    @Test
    void wellFormedHandMadeFileReads() throws IOException {
        Path ok = withHeader(dir, "ok.npy", F4_2x2, new byte[16]);
        try (Tensor t = Npy.read(ok)) {
            assertEquals(Shape.of(2, 2), t.shape());
        }
        // double quotes, no trailing comma, Python 2 long suffix, extra spaces, keys in another order
        Path loose = withHeader(dir, "loose.npy",
                "{ \"shape\" : ( 2L , 2 ) , \"fortran_order\":False,'descr':\"<f4\"}", new byte[16]);
        try (Tensor t = Npy.read(loose)) {
            assertEquals(Shape.of(2, 2), t.shape());
        }
    }

    @Test
    void badMagicVersionAndEmptyFile() throws IOException {
        Path empty = Files.write(dir.resolve("empty.npy"), new byte[0]);
        assertFormatError(empty, "truncated file", "magic");
        Path text = Files.writeString(dir.resolve("text.npy"), "hello, this is not numpy at all");
        assertFormatError(text, "not a .npy file", "\\x93NUMPY", "hello,");
        byte[] v9 = Files.readAllBytes(fixture("f4_le.npy"));
        v9[6] = 9;
        assertFormatError(Files.write(dir.resolve("v9.npy"), v9), "unsupported .npy format version 9.0");
    }

    @Test
    void headerClaimingMoreBytesThanTheFileHoldsIsRefusedBeforeReading() throws IOException {
        byte[] bytes = Arrays.copyOf(Files.readAllBytes(fixture("f4_v2.npy")), 40);
        bytes[8] = (byte) 0xFF;
        bytes[9] = (byte) 0xFF;
        bytes[10] = (byte) 0xFF;
        bytes[11] = (byte) 0x7F;
        assertFormatError(Files.write(dir.resolve("huge-header.npy"), bytes), "header claims 2147483647 bytes",
                "only 28");
        byte[] cut = Arrays.copyOf(Files.readAllBytes(fixture("f4_le.npy")), 9);
        assertFormatError(Files.write(dir.resolve("cut.npy"), cut), "ends inside the header length");
    }

    @Test
    void truncatedDataNamesNeededAndAvailableBytes() throws IOException {
        Path p = withHeader(dir, "short.npy", F4_2x2, new byte[10]);
        assertFormatError(p, "truncated data", "shape [2, 2]", "needs 16 bytes", "only 10");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2) # unexpected end of header",
        "{'descr': '<f4', 'fortran_order': False} # 'shape' is missing",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'extra': 1} # unexpected key 'extra'",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 2)} # 'fortran_order' must be True or False",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -2)} # dimension 1 of 'shape' must be a non-negative",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 'x')} # dimension 1 of 'shape'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': 4} # 'shape' must be a tuple",
        "{'descr': '<c8', 'fortran_order': False, 'shape': (2,)} # unsupported dtype descriptor '<c8'",
        "{'descr': '|O', 'fortran_order': False, 'shape': (2,)} # unsupported dtype descriptor '|O'",
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)} # structured",
        "{'descr': 4, 'fortran_order': False, 'shape': (2,)} # 'descr' must be a string such as '<f4', but is 4",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)} # more than 2^63 bytes",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), } trailing # unexpected text after the literal",
        "['descr', '<f4'] # expected a dict",
        "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2)} # unexpected name 'Maybe'",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)} # duplicate key 'descr'",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (2, 2)} # malformed header"})
    void malformedHeadersAreNamedErrors(String dict, String fragment) throws IOException {
        assertFormatError(withHeader(dir, "bad.npy", dict, new byte[64]), fragment);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 9223372036854775808)}"
                + " # dimension 1 of 'shape' is too large: 9223372036854775808 # at most 9223372036854775807",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999999,)}"
                + " # dimension 0 of 'shape' is too large: 99999999999999999999999999 # at most 9223372036854775807",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"
                + " # is too large: 18446744073709551616 elements # at most 9223372036854775807 bytes",
        "{'descr': '|i1', 'fortran_order': False, 'shape': (6917529027641081856,)}"
                + " # of int8 is too large: 6917529027641081856 elements of 2 bytes (as read) # at most"})
    void tooLargeShapesAreReportedAsTooLargeWithTheValueAndTheMaximum(String dict, String tooLarge, String max)
            throws IOException {
        Path p = withHeader(dir, "huge.npy", dict, new byte[64]);
        assertFormatError(p, tooLarge, max);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
        assertFalse(e.getMessage().contains("non-negative"), e.getMessage());
    }

    @Test
    void headerOverOneMebibyteIsTooLargeWithTheMaximum() throws IOException {
        int length = 2 << 20;
        byte[] bytes = new byte[12 + length];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 2).put((byte) 0);
        b.putInt(length);
        Arrays.fill(bytes, 12, bytes.length, (byte) ' ');
        assertFormatError(Files.write(dir.resolve("big-header.npy"), bytes), "the header claims 2097152 bytes, too large",
                "at most 1048576 bytes");
    }

    @Test
    void integerLiteralsBeyondAHundredDigitsAreTooLargeNotMalformed() throws IOException {
        String digits = "9".repeat(101);
        Path p = withHeader(dir, "long.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (" + digits + ",)}",
                new byte[64]);
        assertFormatError(p, "integer of 101 digits is too large (at most 100 digits)");
    }

    @Test
    void nullArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> Npy.read(null));
        assertThrows(NullPointerException.class, () -> Npy.write(dir.resolve("x.npy"), null));
    }
}
