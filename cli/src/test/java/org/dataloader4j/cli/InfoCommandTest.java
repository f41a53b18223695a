package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dataloader4j info DIR} on a small folder whose every file is known. */
class InfoCommandTest {
    @TempDir
    Path root;

    /**
     * a/: two RGB PNGs, a gray JPEG and a text file; b/: an RGB PNG, a BMP in a sub-folder, a text file named .png
     * and a PNG cut after its header; c/: empty.
     */
    @BeforeEach
    void makeFolder() throws Exception {
        TestImages.png(root.resolve("a/a1.png"), 10, 8, 1);
        TestImages.png(root.resolve("a/a2.png"), 12, 8, 2);
        TestImages.write(TestImages.gray(20, 10, 3), "jpeg", root.resolve("a/a3.jpg"));
        Files.writeString(root.resolve("a/readme.txt"), "not an image");
        TestImages.png(root.resolve("b/b1.png"), 30, 20, 4);
        TestImages.write(TestImages.rgb(5, 5, 5), "bmp", root.resolve("b/sub/deep.bmp"));
        Files.writeString(root.resolve("b/broken.png"), "not an image either");
        byte[] whole = Files.readAllBytes(TestImages.png(root.resolve("tmp.png"), 16, 16, 6));
        Files.write(root.resolve("b/cut.png"), Arrays.copyOf(whole, 60));   // header intact, pixels missing
        Files.delete(root.resolve("tmp.png"));
        Files.createDirectories(root.resolve("c"));
    }

    @Test
    void countsClassesImagesFormatsAndSizesAndListsTheFilesThatWouldBeSkipped() {
        CliRun r = CliRun.of("info", root.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().startsWith("ImageFolder " + root + ": 3 classes, 7 images; 1 other file would be skipped,"
                + " 1 image would fail to load (headers checked"), r.all());
        assertTrue(r.out().contains("\n      0  a       3\n"), r.all());
        assertTrue(r.out().contains("\n      1  b       4\n"), r.all());
        assertTrue(r.out().contains("\n      2  c       0  <- no image"), r.all());
        assertEquals("formats: BMP 1, JPEG 1, PNG 4", r.line("formats:"));
        assertEquals("modes: L (gray) 1, RGB 5", r.line("modes:"));
        assertEquals("sizes (width x height): smallest 5x5, median 12x8, largest 30x20 (by pixel count); 6 distinct"
                + " sizes, most common 10x8 (1 images)", r.line("sizes"));
        assertTrue(r.out().contains("skipped by ImageFolder, whose extensions are .jpg .jpeg .png"), r.all());
        assertTrue(r.out().contains("\n  a/readme.txt: extension .txt\n"), r.all());
        assertTrue(r.out().contains("would fail to load (1):\n  b/broken.png: not an image in a supported format"),
                r.all());
        assertFalse(r.out().contains("cut.png"), "a header check cannot see missing pixels: " + r.all());
    }

    @Test
    void printsHowImageFolderRunsTheStandardPipelines() {
        CliRun r = CliRun.of("info", root.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals("fusion, train (RandomResizedCrop, RandomHorizontalFlip, ToTensor, Normalize): fused: decode"
                + " region of RandomResizedCrop, RandomHorizontalFlip+ToTensor+Normalize into the batch row",
                r.line("fusion, train"));
        assertEquals("fusion, eval (Resize, CenterCrop, ToTensor, Normalize): fused: decode region of"
                + " Resize+CenterCrop, ToTensor+Normalize into the batch row", r.line("fusion, eval"));
    }

    @Test
    void fullDecodesEveryImageAndFindsTruncatedData() {
        CliRun r = CliRun.of("info", root.toString(), "--full");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("2 images would fail to load (every image decoded)"), r.all());
        assertTrue(r.out().contains("\n  b/broken.png: "), r.all());
        assertTrue(r.out().contains("\n  b/cut.png: "), r.all());
        assertEquals("formats: BMP 1, JPEG 1, PNG 3", r.line("formats:"));
    }

    /** A JPEG whose entropy-coded data stops at half and is followed by an end marker. */
    private static byte[] endsEarlyWithAnEndMarker(byte[] jpeg) {
        int at = 2;
        while ((jpeg[at + 1] & 0xFF) != 0xDA) {   // walk the segments up to the start of scan
            at += 2 + ((jpeg[at + 2] & 0xFF) << 8 | (jpeg[at + 3] & 0xFF));
        }
        int scan = at + 2 + ((jpeg[at + 2] & 0xFF) << 8 | (jpeg[at + 3] & 0xFF));
        byte[] out = Arrays.copyOf(jpeg, scan + (jpeg.length - scan) / 2 + 2);
        out[out.length - 2] = (byte) 0xFF;
        out[out.length - 1] = (byte) 0xD9;
        return out;
    }

    @Test
    void fullListsTheJpegsThatLoadWithLibjpegsRepair() throws Exception {
        Path intact = TestImages.write(TestImages.rgb(64, 48, 7), "jpeg", root.resolve("a/intact.jpg"));
        Files.write(root.resolve("a/ends-early.jpg"), endsEarlyWithAnEndMarker(Files.readAllBytes(intact)));
        CliRun r = CliRun.of("info", root.toString(), "--full");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("2 images would fail to load (every image decoded)"), r.all());   // as before
        assertTrue(r.out().contains("load with a warning: corrupt JPEG data that libjpeg repairs; PIL loads these"
                + " with the repair, and so does ImageFolder unless Decoders.withStrictJpeg(true) refuses them (1):\n"
                + "  a/ends-early.jpg: damaged JPEG data: Corrupt JPEG data: premature end of data segment"), r.all());
        assertFalse(r.out().contains("intact.jpg"), r.all());
        assertEquals("formats: BMP 1, JPEG 3, PNG 3", r.line("formats:"));
        CliRun headers = CliRun.of("info", root.toString());
        assertFalse(headers.out().contains("ends-early.jpg"), "a header check cannot see it: " + headers.all());
    }

    @Test
    void listLimitsTheLinesOfLongLists() {
        CliRun r = CliRun.of("info", root.toString(), "--list", "1");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("  ... 2 more classes (--list 0 shows all)"), r.all());
    }

    @Test
    void aFolderWithoutClassFoldersFailsWithOneLineNamingIt(@TempDir Path flat) throws Exception {
        TestImages.png(flat.resolve("loose.png"), 4, 4, 1);
        CliRun r = CliRun.of("info", flat.toString());
        assertEquals(1, r.code(), r.all());
        String[] lines = r.err().strip().split("\n");
        assertEquals(2, lines.length, r.all());
        assertEquals("dataloader4j: couldn't find any class folder in " + flat
                + ": each class must be a sub-directory of the root", lines[0]);
        assertTrue(lines[1].startsWith("hint: "), r.all());
    }

    @Test
    void verbosePrintsTheStackTrace(@TempDir Path flat) {
        CliRun r = CliRun.of("info", flat.toString(), "--verbose");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("\tat org.dataloader4j"), r.all());
    }

    @Test
    void aMissingDirIsAUsageError() {
        CliRun r = CliRun.of("info");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("Missing required parameter: 'DIR'"), r.all());
    }

    @Test
    void aDirThatDoesNotExistIsAUsageErrorNamingIt() {
        Path missing = root.resolve("nope");
        CliRun r = CliRun.of("info", missing.toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("dataloader4j: DIR " + missing + " is not a directory"), r.all());
        assertEquals(List.of("hint: see 'dataloader4j info --help'"), r.err().lines().skip(1).toList(),
                "one line and a hint, no usage dump: " + r.all());
    }

    @Test
    void aBadOptionIsAUsageError() {
        CliRun r = CliRun.of("info", root.toString(), "--list", "-3");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--list=-3"), r.all());
    }
}
