package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageCacheTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryFileBelowTheFolderToItsEnd() throws Exception {
        Files.createDirectories(dir.resolve("cat"));
        Files.createDirectories(dir.resolve("dog/puppies"));
        Files.write(dir.resolve("cat/a.jpg"), new byte[3 * (1 << 20) + 17]); // more than one read of the buffer
        Files.write(dir.resolve("dog/b.jpg"), new byte[5]);
        Files.write(dir.resolve("dog/puppies/c.jpg"), new byte[0]);
        assertEquals(3 * (1 << 20) + 17 + 5, PageCache.warm(dir));
    }

    @Test
    void aSingleFileIsReadToo() throws Exception {
        Path file = Files.write(dir.resolve("one.npy"), new byte[1234]);
        assertEquals(1234, PageCache.warm(file));
    }

    @Test
    void aMissingFolderIsNamed() {
        Path missing = dir.resolve("no-such-folder");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> PageCache.warm(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
