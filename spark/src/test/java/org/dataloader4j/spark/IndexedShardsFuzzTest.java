package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the index of {@link IndexedShards} with arbitrary bytes as a shard: the first byte says how many samples the
 * manifest states (1 to 4), the rest is {@code x.tar}. The property: every {@code get} gives a sample whose image lies
 * inside the file and whose label is a class of the manifest, or throws an {@link UncheckedIOException} naming the
 * shard; nothing else, and it always ends. Plain {@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/org/dataloader4j/spark/IndexedShardsFuzzTestInputs/}; see FUZZING.md for fuzzing longer.
 */
class IndexedShardsFuzzTest {
    private static final List<String> CLASSES = List.of("a", "b");

    @FuzzTest(maxDuration = "3m")
    void indexedShardsGiveSamplesInsideTheFileOrANamedError(byte[] bytes) throws IOException {
        int stated = bytes.length == 0 ? 1 : (bytes[0] & 3) + 1;
        byte[] shard = bytes.length == 0 ? bytes : Arrays.copyOfRange(bytes, 1, bytes.length);
        Path dir = Files.createTempDirectory("indexed-fuzz");
        try {
            Files.write(dir.resolve("x.tar"), shard);
            Files.writeString(dir.resolve(Manifest.FILE_NAME), new Manifest(0,
                    List.of(new Manifest.Shard("x.tar", stated, shard.length)), CLASSES, new double[0],
                    new double[0], 0, 0, 0, List.of()).toJson());
            IndexedShards indexed = ShardedDataset.builder(dir).build().indexed();
            assertEquals(stated, indexed.size());
            for (long i = 0; i < stated; i++) {
                try {
                    ShardSample s = indexed.get(i);
                    assertTrue(s.image().length <= shard.length, s::toString);
                    assertTrue(s.label() >= 0 && s.label() < CLASSES.size(), s::toString);
                    assertTrue(ShardedDataset.IMAGE_EXTENSIONS.contains(s.extension()), s::toString);
                    assertEquals("x.tar", s.shard());
                } catch (UncheckedIOException e) {
                    assertNotNull(e.getMessage(), "an error without a message");
                    assertTrue(e.getMessage().contains("x.tar"), e::getMessage);
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
