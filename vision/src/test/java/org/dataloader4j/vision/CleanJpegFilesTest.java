package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native path remembers the files it saw decode cleanly, by path, size and modification time, and stops a later
 * region decode of such a file below the region; a file that changes is validated again.
 */
class CleanJpegFilesTest {

    @Test
    void remembersEveryFingerprintAddedAcrossResizes() {
        CleanJpegFiles set = CleanJpegFiles.shared();
        SplittableRandom rnd = new SplittableRandom(9);
        long[] added = new long[50_000];
        int before = set.size();
        for (int i = 0; i < added.length; i++) {
            added[i] = CleanJpegFiles.fingerprint(Path.of("/data/train/n" + i + ".JPEG"), 1000 + i, rnd.nextLong());
            set.add(added[i]);
        }
        for (long f : added) {
            assertTrue(set.contains(f));
        }
        assertEquals(before + added.length, set.size());
        set.add(added[0]);
        assertEquals(before + added.length, set.size(), "adding twice counts once");
        int found = 0;
        for (int i = 0; i < 50_000; i++) {
            found += set.contains(CleanJpegFiles.fingerprint(Path.of("/elsewhere/" + i), i, i)) ? 1 : 0;
        }
        assertEquals(0, found);
    }

    @Test
    void theFingerprintDependsOnPathSizeAndTime() {
        long f = CleanJpegFiles.fingerprint(Path.of("/a/b.jpg"), 100, 5);
        assertNotEquals(f, CleanJpegFiles.fingerprint(Path.of("/a/c.jpg"), 100, 5));
        assertNotEquals(f, CleanJpegFiles.fingerprint(Path.of("/a/b.jpg"), 101, 5));
        assertNotEquals(f, CleanJpegFiles.fingerprint(Path.of("/a/b.jpg"), 100, 6));
        assertEquals(f, CleanJpegFiles.fingerprint(Path.of("/a/b.jpg"), 100, 5));
    }

    @Test
    void aFileRewrittenWithDamageIsValidatedAgain(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(NativeJpeg.available(), "native JPEG path not built: " + NativeJpeg.status());
        Decoders d = Decoders.standard();
        Path file = tmp.resolve("photo.jpg");
        Path intact = DamagedJpegCases.dir().resolve("base.jpg");
        Path damaged = DamagedJpegCases.dir().resolve("base_dht_300_before_end.jpg");
        assertEquals(Files.size(intact), Files.size(damaged));
        Files.copy(intact, file);
        FileTime time = FileTime.from(1_700_000_000L, TimeUnit.SECONDS);
        Files.setLastModifiedTime(file, time);
        long fingerprint = CleanJpegFiles.fingerprint(file, Files.size(file), time.to(TimeUnit.NANOSECONDS));
        assertFalse(CleanJpegFiles.shared().contains(fingerprint));
        byte[] top;
        try (Image first = d.decodeRegion(file, 0, 0, 16, 160)) {   // reads the whole scan, finds it clean
            top = first.toByteArray();
        }
        assertTrue(CleanJpegFiles.shared().contains(fingerprint));
        try (Image again = d.decodeRegion(file, 0, 0, 16, 160)) {   // stops below the region
            assertArrayEquals(top, again.toByteArray());
        }

        Files.copy(damaged, file, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(file, FileTime.from(1_700_000_060L, TimeUnit.SECONDS));
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> d.decodeRegion(file, 0, 0, 16, 160).close(), "a changed file is validated again");
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());

        // the documented limit: the same damage with the old size and time keeps the old verdict
        Files.setLastModifiedTime(file, time);
        try (Image stale = d.decodeRegion(file, 0, 0, 16, 160)) {
            assertArrayEquals(top, stale.toByteArray());
        }
        assertThrows(ImageDecodeException.class, () -> d.decode(file).close(), "a whole decode reads everything");
    }
}
