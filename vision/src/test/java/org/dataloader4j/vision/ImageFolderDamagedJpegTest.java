package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ImageFolder loads a JPEG whose data ends early before an end marker as torchvision does (libjpeg's fill, PIL's
 * pixels) and refuses it when built with strict JPEG decoding; a file PIL refuses fails either way.
 */
class ImageFolderDamagedJpegTest {

    @Test
    void loadsRepairedJpegsAsPilDoesAndRefusesThemWhenStrict(@TempDir Path root) throws IOException {
        Path cls = Files.createDirectories(root.resolve("cls"));
        List<String> names = List.of("base.jpg", "base_eoi_after_50_percent.jpg", "base_dht_300_before_end.jpg");
        for (String name : names) {
            Files.copy(DamagedJpegCases.dir().resolve(name), cls.resolve(name));
        }
        DamagedJpegCases.Case repaired = DamagedJpegCases.all().stream()
                .filter(c -> c.file().getFileName().toString().equals("base_eoi_after_50_percent.jpg")).findFirst()
                .orElseThrow();
        DatasetFolder<Image> lenient = ImageFolder.of(root);
        DatasetFolder<Image> strict = ImageFolder.builder(root, Decoders.standard().withStrictJpeg(true)).build();
        for (int i = 0; i < names.size(); i++) {
            String name = lenient.samples().get(i).path().getFileName().toString();
            Path file = cls.resolve(name);
            int index = i;
            switch (name) {
                case "base.jpg" -> {
                    lenient.get(index).input().close();
                    strict.get(index).input().close();
                }
                case "base_eoi_after_50_percent.jpg" -> {
                    try (Image img = lenient.get(index).input()) {
                        assertEquals(repaired.rgbSha256(), DamagedJpegCases.sha256(img.toByteArray()));
                    }
                    ImageDecodeException e = assertThrows(ImageDecodeException.class,
                            () -> strict.get(index).input().close());
                    assertEquals(file, e.path());
                    assertTrue(e.getMessage().contains("premature end of data segment"), e.getMessage());
                }
                default -> {
                    assertEquals(file, assertThrows(ImageDecodeException.class,
                            () -> lenient.get(index).input().close()).path());
                    assertEquals(file, assertThrows(ImageDecodeException.class,
                            () -> strict.get(index).input().close()).path());
                }
            }
        }
    }
}
