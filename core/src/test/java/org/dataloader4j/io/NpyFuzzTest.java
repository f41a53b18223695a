package org.dataloader4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import org.dataloader4j.tensor.Tensor;

/**
 * Fuzzes the {@code .npy} reader (header parser, dtype conversion, Fortran transpose) with arbitrary bytes. The
 * property: it returns a tensor of the announced shape, never larger than twice the input (the widest conversion,
 * e.g. float16 to FLOAT32, doubles the bytes), or it throws {@link NpyFormatException} naming the file; nothing
 * else. Plain {@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/org/dataloader4j/io/NpyFuzzTestInputs/}; see FUZZING.md for fuzzing longer.
 */
class NpyFuzzTest {
    private static final String NAME = "fuzz.npy";

    @FuzzTest(maxDuration = "3m")
    void npyReaderGivesAnArrayOrANamedFormatError(byte[] bytes) throws IOException {
        try (ReadableByteChannel ch = Channels.newChannel(new ByteArrayInputStream(bytes))) {
            NpyHeader header = NpyHeader.read(ch, bytes.length, NAME);
            header.isMappable();
            header.toString();
            try (Tensor t = Npy.readData(ch, header, NAME)) {
                assertEquals(header.toShape(), t.shape());
                assertEquals(header.dtype(), t.dtype());
                assertTrue(t.byteSize() <= 2L * bytes.length,
                        () -> t.byteSize() + " bytes of tensor from " + bytes.length + " bytes of input");
            }
            try {
                Npy.requireMappable(header, NAME);
            } catch (NpyFormatException e) {
                assertNamed(e);
            }
        } catch (NpyFormatException e) {
            assertNamed(e);
        }
    }

    static void assertNamed(NpyFormatException e) {
        assertNotNull(e.getMessage(), "a format error without a message");
        assertTrue(e.getMessage().startsWith(NAME + ": "), e::getMessage);
    }
}
