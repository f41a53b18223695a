package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped photographs and the folder the demo generates from them. */
class DemoImagesTest {

    @Test
    void everyShippedPhotographIsThereAndHasItsOriginAndLicenceInTheNotice() throws Exception {
        String notice;
        try (InputStream in = DemoImages.class.getResourceAsStream("/org/dataloader4j/cli/demo/NOTICE.md")) {
            assertNotNull(in, "demo/NOTICE.md is missing");
            notice = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<DemoImages.Photo> photos = DemoImages.photos();
        assertEquals(7, photos.size());
        long total = 0;
        for (DemoImages.Photo p : photos) {
            try (InputStream in = DemoImages.class.getResourceAsStream("/org/dataloader4j/cli/demo/" + p.file())) {
                assertNotNull(in, p.file());
                total += in.readAllBytes().length;
            }
            assertTrue(notice.contains("| `" + p.file() + "` |"), p.file() + " has no row in NOTICE.md");
            assertTrue(p.credit().contains("public domain") || p.credit().contains("CC0"), p.toString());
        }
        assertTrue(total < 1_500_000, "the photographs should stay small, but take " + total + " bytes");
    }

    @Test
    void theSameSeedGivesTheSameFilesAndEveryFileLoads(@TempDir Path tmp) throws Exception {
        DemoImages.Layout a = DemoImages.generate(tmp.resolve("a"), 6, 5);
        DemoImages.Layout b = DemoImages.generate(tmp.resolve("b"), 6, 5);
        DemoImages.Layout c = DemoImages.generate(tmp.resolve("c"), 2, 6);
        assertEquals(42, a.total());
        DatasetFolder<Image> folder = ImageFolder.of(a.root());
        assertEquals(a.classes(), folder.classes());
        assertEquals(42, folder.size());
        boolean anyDifferent = false;
        for (DatasetFolder.Entry e : folder.samples()) {
            Path relative = a.root().relativize(e.path());
            assertArrayEquals(Files.readAllBytes(e.path()), Files.readAllBytes(b.root().resolve(relative)), relative.toString());
            Path other = c.root().resolve(relative);
            if (e.path().getFileName().toString().contains("_001.")) {
                anyDifferent |= !java.util.Arrays.equals(Files.readAllBytes(e.path()), Files.readAllBytes(other));
            }
            try (Image image = Decoders.decodeRGB(e.path())) {
                assertTrue(image.width() >= 16 && image.height() >= 16, relative + " is " + image);
            }
        }
        assertTrue(anyDifferent, "another seed gives other crops");
        try (Stream<Path> pngs = Files.walk(a.root())) {
            assertEquals(7, pngs.filter(p -> p.toString().endsWith(".png")).count(), "sample 5 of each class is a PNG");
        }
    }

    @Test
    void aFolderTheDemoMadeIsReplacedAndAnyOtherIsLeftAlone(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("images");
        DemoImages.generate(root, 3, 1);
        DemoImages.generate(root, 2, 1);
        assertEquals(14, ImageFolder.of(root).size());
        assertFalse(Files.exists(root.resolve("cat/cat_002.jpg")), "files of the earlier run are gone");

        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign.resolve("x"));
        Files.writeString(foreign.resolve("x/mine.txt"), "keep");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoImages.generate(foreign, 1, 1));
        assertTrue(e.getMessage().contains(foreign + " already exists and was not made by the demo"), e.getMessage());
        assertEquals("keep", Files.readString(foreign.resolve("x/mine.txt")));
    }
}
