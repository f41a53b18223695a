package org.dataloader4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the {@code .npz} reader (zip container, CRC-32 and size checks, the {@code .npy} members) with arbitrary
 * bytes written to a file. The property: {@link NpzFile#header} and {@link NpzFile#readAll} give arrays no larger than
 * deflate could produce from the file (twice {@value NpzFile#MAX_DEFLATE_RATIO} times its size, plus a little per
 * member; the factor 2 is dtype widening), or throw {@link NpyFormatException} naming the archive; nothing else. Plain {@code mvn verify}
 * replays the committed inputs under {@code src/test/resources/org/dataloader4j/io/NpzFuzzTestInputs/}; see
 * FUZZING.md for fuzzing longer.
 */
class NpzFuzzTest {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static Path dir;

    @BeforeAll
    static void makeDirectory() throws IOException {
        dir = Files.createTempDirectory("npz-fuzz");
    }

    @AfterAll
    static void removeDirectory() throws IOException {
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "3m")
    void npzReaderGivesArraysOrANamedFormatError(byte[] bytes) throws IOException {
        // a new name each time: ZipFile caches what it read of an archive by name and modification time
        Path file = dir.resolve("fuzz-" + COUNTER.incrementAndGet() + ".npz");
        Files.write(file, bytes);
        try {
            try (NpzFile npz = Npz.open(file)) {
                for (String name : npz.names()) {
                    try {
                        npz.header(name);
                    } catch (NpyFormatException e) {
                        assertNamed(e, file);
                    }
                }
                Map<String, Tensor> arrays = npz.readAll();
                try {
                    long total = 0;
                    for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                        assertEquals(npz.header(e.getKey()).toShape(), e.getValue().shape());
                        total += e.getValue().byteSize();
                    }
                    long bound = 2 * NpzFile.MAX_DEFLATE_RATIO * ((long) bytes.length + arrays.size());
                    long sum = total;
                    assertTrue(total <= bound, () -> sum + " bytes of arrays from a " + bytes.length + "-byte archive");
                } finally {
                    arrays.values().forEach(Tensor::close);
                }
            } catch (NpyFormatException e) {
                assertNamed(e, file);
            }
        } finally {
            Files.delete(file);
        }
    }

    private static void assertNamed(NpyFormatException e, Path file) {
        assertNotNull(e.getMessage(), "a format error without a message");
        assertTrue(e.getMessage().startsWith(file.toString()), e::getMessage);
    }
}
