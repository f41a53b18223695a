package org.dataloader4j.io;

import static org.dataloader4j.io.NpyFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.OffHeapAssertions;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpzTest {
    @TempDir
    Path dir;

    private static final float[] X = {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f, 5, 5.5f};

    @ParameterizedTest
    @ValueSource(strings = {"stored.npz", "deflated.npz"})
    void readsNumpysStoredAndDeflatedArchives(String file) throws IOException {
        Map<String, Tensor> arrays = Npz.read(fixture(file));
        try {
            assertEquals(List.of("x", "y"), List.copyOf(arrays.keySet()));
            assertEquals(Shape.of(3, 4), arrays.get("x").shape());
            assertArrayEquals(X, arrays.get("x").toFloatArray());
            assertArrayEquals(new long[] {0, 1, 2, 3, 4}, arrays.get("y").toLongArray());
        } finally {
            arrays.values().forEach(Tensor::close);
        }
    }

    @Test
    void lazyFileReadsOneMemberAtATime() throws IOException {
        try (NpzFile npz = Npz.open(fixture("deflated.npz"))) {
            assertEquals(List.of("x", "y"), npz.names());
            assertTrue(npz.contains("y"));
            assertFalse(npz.isStored("y"));
            assertEquals(DType.INT64, npz.header("y").dtype());
            try (Tensor y = npz.read("y")) {
                assertArrayEquals(new long[] {0, 1, 2, 3, 4}, y.toLongArray());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> npz.read("z"));
            assertTrue(e.getMessage().contains("no array named 'z'") && e.getMessage().contains("[x, y]"),
                    e.getMessage());
        }
        try (NpzFile npz = Npz.open(fixture("stored.npz"))) {
            assertTrue(npz.isStored("x"));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writeRoundTrips(boolean compress) throws IOException {
        Path p = dir.resolve("out.npz");
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("features", Tensor.of(X, 3, 4));
        in.put("labels", Tensor.of(new long[] {3, 1, 2}));
        in.put("mask", Tensor.of(new boolean[] {true, false, true}));
        Npz.write(p, in, compress);
        Map<String, Tensor> out = Npz.read(p);
        try (NpzFile npz = Npz.open(p)) {
            assertEquals(!compress, npz.isStored("features"));
        }
        assertEquals(in.keySet(), out.keySet());
        for (String k : in.keySet()) {
            assertTrue(in.get(k).contentEquals(out.get(k)), k);
        }
        in.values().forEach(Tensor::close);
        out.values().forEach(Tensor::close);
    }

    @Test
    void notAZipFileIsANamedError() throws IOException {
        Path p = Files.writeString(dir.resolve("text.npz"), "not a zip");
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("not a valid .npz"),
                e.getMessage());
    }

    @Test
    void brokenMemberIsNamedAndEarlierArraysAreFreed() throws IOException {
        Path p = dir.resolve("broken.npz");
        byte[] good = Files.readAllBytes(fixture("f8_le.npy"));
        byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(fixture("f4_le.npy")), 150);
        try (OutputStream file = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("good.npy"));
            zip.write(good);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("bad.npy"));
            zip.write(truncated);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("ignored".getBytes());
            zip.closeEntry();
        }
        OffHeapAssertions.assertNoLeak(() -> {
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
            assertTrue(e.getMessage().startsWith(p + "[bad.npy]: truncated data"), e.getMessage());
        });
        try (NpzFile npz = Npz.open(p)) {
            assertEquals(List.of("good", "bad"), npz.names());
            try (Tensor t = npz.read("good")) {
                assertEquals(Shape.of(2, 3, 4), t.shape());
            }
        }
    }

    // ------------------------------------------------------------------ corrupt archives

    /** An archive of two arrays, {@code x} (float32 [3, 4]) then {@code y} (int64 [5]), stored or deflated. */
    private Path twoArrays(String file, boolean compress) throws IOException {
        Path p = dir.resolve(file);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", Tensor.of(X, 3, 4));
        in.put("y", Tensor.of(new long[] {0, 1, 2, 3, 4}));
        try {
            Npz.write(p, in, compress);
        } finally {
            in.values().forEach(Tensor::close);
        }
        return p;
    }

    /** Where the bytes of {@code member} start in the archive {@code bytes}, and how many there are. */
    private record Span(long start, long length) {
    }

    private static Span memberData(Path p, byte[] bytes, String member) throws IOException {
        long loc;
        long compressed;
        try (ZipFile zip = new ZipFile(p.toFile())) {
            compressed = zip.getEntry(member).getCompressedSize();
        }
        int cen = centralEntry(bytes, member);
        loc = Integer.toUnsignedLong(le(bytes).getInt(cen + 42));
        int nameLength = Short.toUnsignedInt(le(bytes).getShort((int) loc + 26));
        int extraLength = Short.toUnsignedInt(le(bytes).getShort((int) loc + 28));
        return new Span(loc + 30 + nameLength + extraLength, compressed);
    }

    /** The offset of the central directory entry of {@code member}. */
    private static int centralEntry(byte[] bytes, String member) {
        ByteBuffer b = le(bytes);
        for (int at = 0; at + 46 <= bytes.length; at++) {
            if (b.getInt(at) == 0x02014b50) {
                int nameLength = Short.toUnsignedInt(b.getShort(at + 28));
                if (new String(bytes, at + 46, nameLength, java.nio.charset.StandardCharsets.UTF_8).equals(member)) {
                    return at;
                }
            }
        }
        throw new AssertionError("no central directory entry for " + member);
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static NpyFormatException assertMemberError(Path p, String member, String... fragments) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p));
        assertTrue(e.getMessage().startsWith(p + "[" + member + "]: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void npzRefusesStoredMemberWithFlippedBit() throws IOException {
        Path p = twoArrays("stored.npz", false);
        byte[] good = Files.readAllBytes(p);
        Span y = memberData(p, good, "y.npy");
        // every bit of the member's last data byte (the high byte of y[4]), and one bit of every byte of the member:
        // the header's digits included, where the parse error it causes is only a symptom
        List<Long> positions = new java.util.ArrayList<>();
        for (long at = y.start(); at < y.start() + y.length(); at++) {
            positions.add(at);
        }
        OffHeapAssertions.assertNoLeak(() -> {
            for (long at : positions) {
                for (int bit = 0; bit < 8; bit += at == y.start() + y.length() - 1 ? 1 : 8) {
                    byte[] bad = good.clone();
                    bad[(int) at] ^= (byte) (1 << bit);
                    try {
                        Files.write(p, bad);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    assertMemberError(p, "y.npy", "CRC-32", "the archive records");
                }
            }
        });
        byte[] bad = good.clone();
        bad[(int) (y.start() + y.length() - 1)] ^= 0x01;
        Files.write(p, bad);
        try (NpzFile npz = Npz.open(p)) {
            try (Tensor x = npz.read("x")) {   // the other member is intact and still reads
                assertArrayEquals(X, x.toFloatArray());
            }
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> npz.read("y"));
            assertTrue(e.getMessage().startsWith(p + "[y.npy]: corrupt archive member: its bytes have CRC-32 0x"),
                    e.getMessage());
            assertThrows(NpyFormatException.class, () -> npz.header("y"), "header() checks the CRC-32 too");
        }
    }

    @Test
    void npzRefusesDeflatedMemberWithFlippedBit() throws IOException {
        Path p = twoArrays("deflated.npz", true);
        byte[] good = Files.readAllBytes(p);
        Span x = memberData(p, good, "x.npy");
        for (long at = x.start(); at < x.start() + x.length(); at++) {
            byte[] bad = good.clone();
            bad[(int) at] ^= 0x10;
            Files.write(p, bad);
            long where = at;
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(p), () -> "flip at " + where);
            assertTrue(e.getMessage().startsWith(p + "[x.npy]: corrupt archive member: "), e.getMessage());
        }
    }

    @Test
    void npzTruncatedAtAnyOffsetIsANamedError() throws IOException {
        for (boolean compress : new boolean[] {false, true}) {
            Path p = twoArrays("whole.npz", compress);
            byte[] good = Files.readAllBytes(p);
            Path cut = dir.resolve("cut.npz");
            for (int length = 0; length < good.length; length++) {
                Files.write(cut, java.util.Arrays.copyOf(good, length));
                NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.read(cut));
                assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("truncated"),
                        e.getMessage());
            }
        }
    }

    @Test
    void npzWithBadLocalHeaderNamesTheMember() throws IOException {
        Path p = twoArrays("loc.npz", false);
        byte[] good = Files.readAllBytes(p);
        int loc = (int) Integer.toUnsignedLong(le(good).getInt(centralEntry(good, "y.npy") + 42));
        byte[] badSignature = good.clone();
        badSignature[loc] = 'X';
        Files.write(p, badSignature);
        assertMemberError(p, "y.npy", "corrupt archive member", "LOC");
        byte[] longerName = good.clone();   // the data now seems to start 3 bytes later
        longerName[loc + 26] += 3;
        Files.write(p, longerName);
        assertMemberError(p, "y.npy", "corrupt archive member");
    }

    @Test
    void npzMemberClaimingMoreThanTheFileCanHoldIsRefusedBeforeAllocating() throws IOException {
        Path p = twoArrays("claims.npz", true);
        byte[] good = Files.readAllBytes(p);
        int cen = centralEntry(good, "x.npy");
        byte[] bomb = good.clone();
        le(bomb).putInt(cen + 24, 0x7FFFFFFF);   // 2 GiB inflated from a few dozen bytes
        Files.write(p, bomb);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npz.open(p).close());
        assertTrue(e.getMessage().startsWith(p + "[x.npy]: corrupt archive member: it claims 2147483647 bytes")
                && e.getMessage().contains("deflate yields at most 1032 times"), e.getMessage());
        byte[] beyond = good.clone();
        le(beyond).putInt(cen + 20, 1 << 30);   // compressed size beyond the end of the file
        Files.write(p, beyond);
        e = assertThrows(NpyFormatException.class, () -> Npz.open(p).close());
        assertTrue(e.getMessage().startsWith(p + "[x.npy]: ") && e.getMessage().contains("compressed size"),
                e.getMessage());

        Path stored = twoArrays("claims-stored.npz", false);
        byte[] plain = Files.readAllBytes(stored);
        le(plain).putInt(centralEntry(plain, "y.npy") + 24, 1 << 20);
        Files.write(stored, plain);
        e = assertThrows(NpyFormatException.class, () -> Npz.open(stored).close());
        assertTrue(e.getMessage().startsWith(stored + "[y.npy]: ") && e.getMessage().contains("differs from its"
                + " compressed size"), e.getMessage());
    }

    @Test
    void npzMemberShorterThanRecordedIsASizeMismatch() throws IOException {
        Path p = twoArrays("short.npz", true);
        byte[] bytes = Files.readAllBytes(p);
        int cen = centralEntry(bytes, "y.npy");
        long recorded = Integer.toUnsignedLong(le(bytes).getInt(cen + 24));
        le(bytes).putInt(cen + 24, (int) recorded + 8);   // 8 bytes more than the member inflates to
        Files.write(p, bytes);
        assertMemberError(p, "y.npy", "corrupt archive member: it holds " + recorded + " bytes, but the archive"
                + " records " + (recorded + 8));
    }
}
