package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end through {@link Main#run}, and the top-level command's usage errors. */
class MainTest {

    /** A small, quick demo: 7 classes x 4 images, 32 px crops, batches of 8, one epoch unless more says otherwise. */
    private static CliRun demo(Path out, String... more) {
        String[] base = List.of(more).contains("--epochs")
                ? new String[] {"demo", "--out", out.toString(), "--per-class", "4", "--image-size", "32", "--batch-size", "8"}
                : new String[] {"demo", "--out", out.toString(), "--per-class", "4", "--image-size", "32", "--batch-size", "8",
                        "--epochs", "1"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void everyCommandsHelpRendersWithoutPicocliWarnings() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (String command : new String[] {"demo", "info", "stats", "bench", "shard"}) {
                CliRun r = CliRun.of(command, "--help");
                assertEquals(0, r.code(), r.all());
                assertTrue(r.out().contains("Usage: dataloader4j " + command), r.all());
                assertTrue(!r.out().contains("%n") && !r.err().contains("picocli WARN"), r.all());
            }
        } finally {
            System.setErr(saved);
        }
        String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(!warnings.contains("picocli WARN"), "picocli could not format a help text:\n" + warnings);
    }

    @Test
    void demoLoadsEveryEpochAndPrintsASummary(@TempDir Path tmp) {
        CliRun r = demo(tmp, "--workers", "2", "--epochs", "2");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("generated 28 images (7 classes x 4"), r.all());
        assertTrue(r.out().contains("dataset: ImageFolder " + tmp.resolve("images") + ": 28 images, 7 classes"), r.all());
        assertTrue(r.out().contains("4 batches per epoch"), r.all());
        assertTrue(r.out().contains("first batch: input FLOAT32 [8, 3, 32, 32], target INT64 [8]"), r.all());
        assertTrue(r.out().contains("epoch 1/2: 4/4 batches, 28 images"), r.all());
        assertTrue(r.out().contains("epoch 2/2: 4/4 batches, 28 images"), r.all());
        assertEquals("classes            7: astronaut 4, cameraman 4, cat 4, coffee 4, galaxies 4, retina 4, rocket 4",
                r.line("classes").strip());
        assertTrue(r.line("images").contains("28 per epoch x 2 epochs = 56 loaded at 32x32"), r.all());
        assertTrue(r.line("throughput").matches(".*\\d+ img/s \\(56 images in .*"), r.all());
        assertTrue(r.line("first batch after").matches(".*\\d+\\.\\d ms"), r.all());
        assertTrue(r.line("memory").contains("heap peak") && r.line("memory").contains("off-heap peak"), r.all());
        assertTrue(r.line("channel mean").matches(".*\\[0\\.\\d{4}, 0\\.\\d{4}, 0\\.\\d{4}].*"), r.all());
        assertTrue(r.line("channel std").matches(".*\\[0\\.\\d{4}, 0\\.\\d{4}, 0\\.\\d{4}]"), r.all());
        assertTrue(r.line("decoder").contains("JPEG ->"), r.all());
        assertTrue(r.line("workers").contains("2 workers"), r.all());
        assertTrue(r.line("contact sheet").contains(tmp.resolve("contact-sheet.png").toString()), r.all());
        assertEquals("", r.err());
    }

    @Test
    void demoWritesAContactSheetOfTheFirstBatchAsAValidPng(@TempDir Path tmp) throws Exception {
        CliRun r = demo(tmp, "--workers", "0");
        assertEquals(0, r.code(), r.all());
        Path sheet = tmp.resolve("contact-sheet.png");
        byte[] head = Files.readAllBytes(sheet);
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        BufferedImage image = ImageIO.read(sheet.toFile());
        assertNotNull(image, "ImageIO cannot read " + sheet);
        // 8 tiles of 32 px in one row: 8 * (32 + 4) + 4 wide, 32 + 16 label + 4 + 4 high
        assertEquals(8 * (32 + ContactSheet.GAP) + ContactSheet.GAP, image.getWidth());
        assertEquals(32 + ContactSheet.LABEL_HEIGHT + 2 * ContactSheet.GAP, image.getHeight());
        assertTrue(r.line("contact sheet").contains("8 images of the first batch, 8 x 1 tiles, 292 x 56 px"), r.all());
        Set<Integer> colours = new HashSet<>();
        for (int y = ContactSheet.GAP; y < ContactSheet.GAP + 32; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 200, "the tiles hold photographs, not flat colour: " + colours.size() + " colours");
    }

    @Test
    void demoPrintsTheSameFirstBatchForAnyWorkerCount(@TempDir Path a, @TempDir Path b) {
        CliRun serial = demo(a, "--workers", "0");
        CliRun parallel = demo(b, "--workers", "3");
        assertEquals(0, serial.code(), serial.all());
        assertEquals(0, parallel.code(), parallel.all());
        assertEquals(serial.line("first batch:"), parallel.line("first batch:"));
        assertEquals(serial.line("channel mean"), parallel.line("channel mean"));
    }

    @Test
    void demoRunsOnTheUsersOwnImageFolderWithData(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        TestImages.png(data.resolve("apples/a1.png"), 40, 30, 1);
        TestImages.png(data.resolve("apples/a2.png"), 30, 40, 2);
        TestImages.png(data.resolve("pears/p1.png"), 50, 50, 3);
        CliRun r = CliRun.of("demo", "--data", data.toString(), "--out", tmp.resolve("out").toString(),
                "--image-size", "16", "--batch-size", "2", "--epochs", "1");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("dataset: ImageFolder " + data + ": 3 images, 2 classes"), r.all());
        assertFalse(r.out().contains("generated"), r.all());
        assertEquals("classes            2: apples 2, pears 1", r.line("classes").strip());
        assertTrue(Files.isRegularFile(tmp.resolve("out/contact-sheet.png")));
    }

    @Test
    void demoOnAFolderWithoutClassFoldersFailsWithOneLineNamingIt(@TempDir Path tmp) throws Exception {
        TestImages.png(tmp.resolve("loose.png"), 8, 8, 1);
        CliRun r = CliRun.of("demo", "--data", tmp.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(1, r.code(), r.all());
        String[] lines = r.err().strip().split("\n");
        assertEquals(2, lines.length, r.all());
        assertTrue(lines[0].startsWith("dataloader4j: ") && lines[0].contains(tmp.toString()), r.all());
        assertTrue(lines[1].startsWith("hint: "), r.all());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.all());
    }

    @Test
    void demoRefusesAnOutDirectoryItDidNotMake(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("images/mine"));
        Files.writeString(tmp.resolve("images/mine/keep.txt"), "precious");
        CliRun r = demo(tmp);
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("was not made by the demo"), r.all());
        assertEquals("precious", Files.readString(tmp.resolve("images/mine/keep.txt")));
    }

    @Test
    void badOptionValueIsAUsageErrorWithExitCode2() {
        CliRun r = CliRun.of("demo", "--workers", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--workers=-1"), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("demo", "--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--frobnicate"), r.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun r = CliRun.of("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("frobnicate"), r.err());
    }

    @Test
    void missingCommandIsAUsageError() {
        CliRun r = CliRun.of();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("a command is needed"), r.err());
    }

    @Test
    void helpListsTheCommands() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.code());
        for (String command : new String[] {"demo", "info", "stats"}) {
            assertTrue(r.out().contains(command), r.out());
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "info", "stats"}) {
            CliRun r = CliRun.of(command, "--help");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().startsWith("Usage: dataloader4j " + command), r.all());
            assertTrue(r.out().contains("--verbose"), r.all());
        }
    }
}
