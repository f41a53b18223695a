package org.dataloader4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzzes {@link TarReader}, the shard reader, with arbitrary bytes, once reading every entry and once skipping every
 * entry. The property: it gives entries whose data is no larger than the input and whose size is what the header
 * said, or throws an {@link IOException} naming the source; nothing else, and it always ends. Plain {@code mvn verify}
 * replays the committed inputs under {@code src/test/resources/org/dataloader4j/spark/TarReaderFuzzTestInputs/}; see
 * FUZZING.md for fuzzing longer.
 */
class TarReaderFuzzTest {
    private static final String SOURCE = "fuzz.tar";

    @FuzzTest(maxDuration = "3m")
    void tarReaderGivesEntriesOrANamedError(byte[] bytes) {
        for (boolean read : new boolean[] {true, false}) {
            TarReader tar = new TarReader(new ByteArrayInputStream(bytes), SOURCE);
            try {
                long total = 0;
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    assertNotNull(e.name());
                    assertTrue(e.size() >= 0, e::toString);
                    if (read) {
                        byte[] data = tar.read();
                        assertEquals(e.size(), data.length);
                        total += data.length;
                    } else {
                        tar.skip();
                    }
                    assertTrue(tar.offset() <= bytes.length, "offset past the end of the input");
                }
                assertTrue(total <= bytes.length, total + " bytes of entries from " + bytes.length + " bytes");
            } catch (IOException e) {
                assertNotNull(e.getMessage(), "an error without a message");
                assertTrue(e.getMessage().contains(SOURCE), e::getMessage);
            }
        }
    }
}
