package org.dataloader4j.io;

import static org.dataloader4j.io.NpyFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Reading, mapping, failing and archive access leave no file descriptor open (Linux: counts /proc/self/fd). */
class FileHandleLeakTest {

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void noDescriptorStaysOpen() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "skipped: no /proc/self/fd on this system");
        // warm up: class loading and the JDK's own zip handling open files once
        runAll();
        long before = openFiles();
        for (int i = 0; i < 20; i++) {
            runAll();
        }
        assertEquals(before, openFiles(), "file descriptors open before and after 20 rounds");
    }

    private static void runAll() throws IOException {
        Npy.read(fixture("f8_fortran.npy")).close();
        Npy.header(fixture("f4_v3.npy"));
        try (MappedNpy m = Npy.mmap(fixture("f4_le.npy"))) {
            m.tensor().getDouble(0, 0, 0);
        }
        assertThrows(NpyFormatException.class, () -> Npy.read(fixture("u8_too_big.npy")));
        assertThrows(NpyFormatException.class, () -> Npy.mmap(fixture("f4_be.npy")));
        try (NpzFile npz = Npz.open(fixture("deflated.npz")); Tensor x = npz.read("x")) {
            x.getDouble(0, 0);
        }
        Npz.read(fixture("stored.npz")).values().forEach(Tensor::close);
    }
}
