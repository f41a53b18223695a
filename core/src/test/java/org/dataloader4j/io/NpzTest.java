package org.dataloader4j.io;

import static org.dataloader4j.io.NpyFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
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
}
