package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shard command's own checks; the Spark job itself is tested end to end in the spark module. Spark is not on
 * this module's test class path, which is also how a plain {@code java -jar} run looks.
 */
class ShardCommandTest {

    @Test
    void aMissingSourceIsAUsageError(@TempDir Path tmp) {
        CliRun r = CliRun.of("shard", tmp.resolve("nope").toString(), tmp.resolve("out").toString(), "--shards", "2");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("is not a directory"), r.all());
    }

    @Test
    void badNumbersAreUsageErrorsNamingThem(@TempDir Path tmp) {
        CliRun r = CliRun.of("shard", tmp.toString(), tmp.resolve("out").toString(), "--shards", "0", "--quality", "101");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--shards=0") && r.err().contains("--quality=101"), r.all());
        CliRun corrupt = CliRun.of("shard", tmp.toString(), tmp.resolve("out").toString(), "--shards", "2",
                "--on-corrupt", "ignore");
        assertEquals(2, corrupt.code(), corrupt.all());
        assertTrue(corrupt.err().contains("fail or skip, but got ignore"), corrupt.all());
    }

    @Test
    void withoutSparkOnTheClassPathItSaysHowToRunIt(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/cat"));
        TestImages.png(src.resolve("a.png"), 8, 8, 1);
        CliRun r = CliRun.of("shard", tmp.resolve("src").toString(), tmp.resolve("out").toString(), "--shards", "1");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("needs Apache Spark on the class path") && r.err().contains("./dataloader4j shard"),
                r.all());
        assertEquals(2, r.err().lines().count(), "one line and a hint: " + r.all());
    }
}
