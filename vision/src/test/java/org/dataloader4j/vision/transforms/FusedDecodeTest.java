package org.dataloader4j.vision.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Fixtures;
import org.dataloader4j.vision.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RandomResizedCrop fused with decoding gives exactly decode-to-RGB followed by the transform, on every path. */
class FusedDecodeTest {

    @Test
    void fusedEqualsDecodeThenTransform(@TempDir Path tmp) throws IOException {
        List<Path> files = List.of(Fixtures.photo(tmp, "colour.jpg", 211, 149, false, 3),
                Fixtures.photo(tmp, "gray.jpg", 97, 130, true, 4), Fixtures.dir("decode").resolve("progressive.jpg"),
                Fixtures.dir("decode").resolve("cmyk.jpg"), Fixtures.dir("transforms").resolve("b.png"));
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withDctScaling(false),
                Decoders.standard().withNativeJpeg(false))) {
            for (RandomResizedCrop rrc : List.of(new RandomResizedCrop(32),
                    RandomResizedCrop.builder(17, 23).scale(0.3, 1).ratio(0.5, 2)
                            .interpolation(InterpolationMode.BICUBIC).build())) {
                SampleTransform<Path, Image> fused = rrc.decoding(decoders);
                for (Path file : files) {
                    try (Image whole = decoders.decode(file, Image.Mode.RGB)) {
                        for (int i = 0; i < 10; i++) {
                            try (Image expected = rrc.apply(whole, CounterRandom.of(5, 0, i, 0));
                                 Image got = fused.apply(file, CounterRandom.of(5, 0, i, 0))) {
                                assertEquals(Image.Mode.RGB, got.mode());
                                assertArrayEquals(expected.toByteArray(), got.toByteArray(), file + " sample " + i);
                            }
                        }
                    }
                }
            }
        }
    }
}
