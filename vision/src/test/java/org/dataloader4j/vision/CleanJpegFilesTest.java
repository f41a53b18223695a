package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Set;
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
    @Test
    void theFingerprintOfBytesDependsOnEveryByteAndTheLengthOnly() {
        SplittableRandom rnd = new SplittableRandom(3);
        Set<Long> seen = new HashSet<>();
        for (int length = 0; length <= 70; length++) {
            byte[] bytes = new byte[length];
            rnd.nextBytes(bytes);
            long f = CleanJpegFiles.fingerprint(MemorySegment.ofArray(bytes), length);
            assertTrue(seen.add(f), "length " + length);
            byte[] copy = bytes.clone();
            MemorySegment elsewhere = Arena.ofAuto().allocate(length + 1);
            MemorySegment.copy(MemorySegment.ofArray(copy), 0, elsewhere, 0,
                    length);
            assertEquals(f, CleanJpegFiles.fingerprint(elsewhere, length), "equal bytes anywhere, equal fingerprint");
            for (int at = 0; at < length; at++) {
                for (int bit = 0; bit < 8; bit += 7) {
                    copy[at] ^= (byte) (1 << bit);
                    long changed = CleanJpegFiles.fingerprint(MemorySegment.ofArray(copy), length);
                    assertNotEquals(f, changed, "byte " + at + " bit " + bit + " of " + length);
                    assertTrue(seen.add(changed), "byte " + at + " bit " + bit + " of " + length);
                    copy[at] ^= (byte) (1 << bit);
                }
            }
        }
        assertNotEquals(CleanJpegFiles.fingerprint(MemorySegment.ofArray(new byte[8]), 8),
                CleanJpegFiles.fingerprint(MemorySegment.ofArray(new byte[9]), 9),
                "trailing zeros change the length and so the fingerprint");
    }

    @Test
    void bytesSeenToDecodeCleanlyAreRememberedByContentWhileDamagedBytesAreValidatedEveryTime() throws IOException {
        Assumptions.assumeTrue(NativeJpeg.available(), "native JPEG path not built: " + NativeJpeg.status());
        Decoders d = Decoders.standard();
        byte[] intact = Files.readAllBytes(DamagedJpegCases.dir().resolve("base.jpg"));
        byte[] damaged = Files.readAllBytes(DamagedJpegCases.dir().resolve("base_dht_300_before_end.jpg"));
        assertEquals(intact.length, damaged.length);
        RegionChooser top = (w, h) -> new Region(0, 0, 16, 160);
        long fingerprint = CleanJpegFiles.fingerprint(MemorySegment.ofArray(intact), intact.length);
        byte[] first;
        try (Image image = d.decodeRegion(intact, "shard-0.tar:base.jpg", top)) {   // reads the whole scan
            first = image.toByteArray();
        }
        assertTrue(CleanJpegFiles.shared().contains(fingerprint), "clean bytes are remembered");
        try (Image again = d.decodeRegion(intact.clone(), "shard-1.tar:copy.jpg", top)) {   // stops below the region
            assertArrayEquals(first, again.toByteArray(), "the same pixels either way");
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            ImageDecodeException e = assertThrows(ImageDecodeException.class,
                    () -> d.decodeRegion(damaged, "shard-0.tar:damaged.jpg", top).close(),
                    "damage below the region is found on every decode, attempt " + attempt);
            assertTrue(e.getMessage().contains("shard-0.tar:damaged.jpg"), e.getMessage());
        }
        assertFalse(CleanJpegFiles.shared().contains(
                CleanJpegFiles.fingerprint(MemorySegment.ofArray(damaged), damaged.length)));
    }
}
