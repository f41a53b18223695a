package org.dataloader4j.vision;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * torchvision's {@code ImageFolder}: a {@link DatasetFolder} of images decoded to RGB (as torchvision's
 * {@code pil_loader}: {@code Image.open(f).convert("RGB")}), keeping the files with one of
 * {@link #IMG_EXTENSIONS} unless an {@code isValidFile} predicate is given.
 *
 * <pre>{@code
 * DatasetFolder<Image, Long> raw = ImageFolder.of(Path.of("/data/train"));
 * DatasetFolder<Tensor, Long> train = ImageFolder.builder(Path.of("/data/train"))
 *         .transform(Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor()))
 *         .build();
 * }</pre>
 */
public final class ImageFolder {
    /** torchvision's {@code IMG_EXTENSIONS}, matched case-insensitively. */
    public static final List<String> IMG_EXTENSIONS =
            List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    private ImageFolder() {
    }

    /** A builder with the standard decoder (RGB output) and the image extensions. */
    public static DatasetFolder.Builder<Image, Image, Long> builder(Path root) {
        return builder(root, Decoders.standard());
    }

    /** A builder whose images are decoded by {@code decoder} (for another pixel limit) and converted to RGB. */
    public static DatasetFolder.Builder<Image, Image, Long> builder(Path root, Decoders decoder) {
        Objects.requireNonNull(decoder, "decoder");
        return DatasetFolder.<Image>builder(root, path -> decoder.decode(path, Image.Mode.RGB))
                .defaultExtensions(IMG_EXTENSIONS);
    }

    /** The images under {@code root}, untransformed: RGB {@link Image}s and {@code Long} class indices. */
    public static DatasetFolder<Image, Long> of(Path root) {
        return builder(root).build();
    }
}
