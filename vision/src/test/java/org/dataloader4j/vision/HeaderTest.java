package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Decoders#header} reads the size the decoder would produce, with the decoder's own checks, without pixels. */
class HeaderTest {
    private static final Path PARITY = Fixtures.dir("decode").getParent();

    @ParameterizedTest
    @MethodSource("org.dataloader4j.vision.DecodeBytesTest#images")
    void theHeaderGivesTheSizeOfTheDecodedImage(String file) {
        Path path = PARITY.resolve(file);
        ImageHeader h = Decoders.standard().header(path);
        try (Image image = Decoders.standard().decode(path)) {
            assertEquals(image.width(), h.width(), file);
            assertEquals(image.height(), h.height(), file);
            assertTrue(!h.format().isBlank() && !h.mode().isBlank(), file + ": " + h);
        }
    }

    @Test
    void aFileCutAfterItsHeaderPassesButAnEmptyOneDoesNot(@TempDir Path tmp) throws IOException {
        Path png = Files.list(PARITY.resolve("decode")).filter(p -> p.toString().endsWith(".png")).sorted()
                .findFirst().orElseThrow();
        Path cut = tmp.resolve("cut.png");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(png), 60));
        assertEquals("PNG", Decoders.standard().header(cut).format());
        Path empty = Files.write(tmp.resolve("empty.jpg"), new byte[0]);
        var e = assertThrows(ImageDecodeException.class, () -> Decoders.standard().header(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void thePixelLimitIsCheckedFromTheHeader() {
        Path png = PARITY.resolve("decode").toFile().listFiles((d, n) -> n.endsWith(".png"))[0].toPath();
        ImageHeader h = Decoders.standard().header(png);
        long pixels = (long) h.width() * h.height();
        var e = assertThrows(ImageDecodeException.class,
                () -> Decoders.standard().withMaxPixels(pixels - 1).header(png));
        assertTrue(e.getMessage().contains("exceeds the limit of " + (pixels - 1)), e.getMessage());
        assertEquals(h, Decoders.standard().withMaxPixels(pixels).header(png));
    }
}
