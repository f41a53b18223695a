package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;

/**
 * Fuzzes the native libjpeg-turbo path with arbitrary JPEG-like bytes (each input is given a start-of-image marker
 * if it lacks one, so that it reaches libjpeg and not the ImageIO fallback). The properties, for any input:
 * <ul>
 *   <li>decoding the whole file gives an image or an {@link ImageDecodeException} naming the file; nothing else
 *       (no crash, no other exception);</li>
 *   <li>the region decodes of the fused pipelines (a strip at the top, whose rows end far above any damage further
 *       down, and a box in the middle) fail exactly when the whole decode fails, and otherwise give exactly the
 *       whole image's pixels in that region: a file loads or fails the same way in every pipeline;</li>
 *   <li>the train pipeline's fused {@code RandomResizedCrop} (a colour crop decoded and resampled in one go) and
 *       the eval pipeline's fused {@code Resize} + {@code CenterCrop} fail exactly when the whole decode fails, and
 *       otherwise give the bytes of the transform applied to the whole image (two draws each).</li>
 * </ul>
 * Plain {@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/org/dataloader4j/vision/NativeJpegFuzzTestInputs/} (the damaged-JPEG fixtures among
 * them); see FUZZING.md for fuzzing longer.
 */
class NativeJpegFuzzTest {
    private static final AtomicLong FILES = new AtomicLong();
    private static final Decoders DECODERS = Decoders.standard().withMaxPixels(1L << 22);

    @FuzzTest(maxDuration = "3m")
    void wholeAndRegionDecodesAgreeOnEveryInput(byte[] input) throws IOException {
        assumeTrue(DECODERS.usesNativeJpeg(), "the native JPEG path is not available here");
        byte[] bytes = withStartOfImage(input);
        // a new name per input: the decoder remembers clean files by path, size and modification time
        Path file = Files.createTempFile("fuzz-" + FILES.incrementAndGet() + "-", ".jpg");
        try {
            Files.write(file, bytes);
            Image whole = decodeOrNull(() -> DECODERS.decode(file), file);
            try {
                checkRegion(file, whole, (w, h) -> new Region(0, 0, Math.min(h, 2), w));
                checkRegion(file, whole, (w, h) -> new Region(h / 4, w / 3, Math.max(1, h / 2),
                        Math.max(1, w / 3)));
                // the file is now known to the clean-file memory when it decoded cleanly: once more, the fast way
                checkRegion(file, whole, (w, h) -> new Region(0, 0, 1, Math.max(1, w / 2)));
                checkPipelines(file, whole);
            } finally {
                if (whole != null) {
                    whole.close();
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void checkRegion(Path file, Image whole, RegionChooser chooser) {
        Region[] chosen = new Region[1];
        Image region = decodeOrNull(() -> DECODERS.decodeRegion(file, (w, h) -> chosen[0] = chooser.choose(w, h)),
                file);
        if (whole == null) {
            assertTrue(region == null, "the region decode loaded a file that the whole decode refuses");
            return;
        }
        assertNotNull(region, "the region decode refused a file that the whole decode loads");
        try (region) {
            Region r = chosen[0];
            assertEquals(r.width(), region.width());
            assertEquals(r.height(), region.height());
            assertEquals(whole.channels(), region.channels());
            byte[] expected = new byte[r.width() * r.height() * whole.channels()];
            int i = 0;
            for (int y = r.top(); y < r.top() + r.height(); y++) {
                for (int x = r.left(); x < r.left() + r.width(); x++) {
                    for (int c = 0; c < whole.channels(); c++) {
                        expected[i++] = (byte) whole.get(x, y, c);
                    }
                }
            }
            assertArrayEquals(expected, region.toByteArray(), "the region's pixels differ from the whole image's");
        }
    }

    private static final RandomResizedCrop TRAIN = RandomResizedCrop.builder(13, 17).scale(0.05, 1).build();
    private static final Compose<Image, Image> EVAL = Compose.of(new Resize(11)).then(new CenterCrop(9));

    /** The fused train and eval stages from the file against the same stages on the whole image, two draws each. */
    private static void checkPipelines(Path file, Image whole) {
        for (int draw = 0; draw < 2; draw++) {
            for (boolean train : new boolean[] {true, false}) {
                int d = draw;
                SampleTransform<Path, Image> fused = train ? TRAIN.decoding(DECODERS) : EVAL.decoding(DECODERS);
                Image got = decodeOrNull(() -> fused.apply(file, CounterRandom.of(9, 0, d, 0)), file);
                if (whole == null) {
                    assertTrue(got == null, "a fused pipeline loaded a file that the whole decode refuses");
                    continue;
                }
                assertNotNull(got, "a fused pipeline refused a file that the whole decode loads");
                byte[] expected;
                try (Image rgb = whole.convert(Image.Mode.RGB)) {
                    Image out = (train ? TRAIN : EVAL).apply(rgb, CounterRandom.of(9, 0, d, 0));
                    expected = out.toByteArray();
                    if (out != rgb) {
                        out.close();
                    }
                }
                try (got) {
                    assertArrayEquals(expected, got.toByteArray(),
                            (train ? "train" : "eval") + " pipeline's pixels differ from the whole image's");
                }
            }
        }
    }

    /** The image, or null when the decoder refused the file with an {@link ImageDecodeException} naming it. */
    private static Image decodeOrNull(java.util.function.Supplier<Image> decode, Path file) {
        try {
            return decode.get();
        } catch (ImageDecodeException e) {
            assertNotNull(e.getMessage(), "an error without a message");
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e::getMessage);
            return null;
        } catch (UncheckedIOException e) {
            throw new AssertionError("an I/O error on a temporary file", e);
        }
    }

    private static byte[] withStartOfImage(byte[] input) {
        if (input.length >= 3 && (input[0] & 0xFF) == 0xFF && (input[1] & 0xFF) == 0xD8 && (input[2] & 0xFF) == 0xFF) {
            return input;
        }
        byte[] out = new byte[input.length + 3];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        System.arraycopy(input, 0, out, 3, input.length);
        return out;
    }
}
