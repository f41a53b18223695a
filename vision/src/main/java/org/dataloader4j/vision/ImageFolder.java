package org.dataloader4j.vision;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.dataloader4j.vision.internal.NativeKernels;

/**
 * torchvision's {@code ImageFolder}: a {@link DatasetFolder} of images decoded to RGB (as torchvision's
 * {@code pil_loader}: {@code Image.open(f).convert("RGB")}), keeping the files with one of
 * {@link #IMG_EXTENSIONS} unless an {@code isValidFile} predicate is given. A {@link DecodingTransform} (such as
 * {@code Compose}) is applied through {@link DecodingTransform#decoding}: the same tensors, but a first
 * {@code RandomResizedCrop}, or {@code Resize} followed by {@code CenterCrop}, decodes only the part of a JPEG it
 * reads.
 *
 * <pre>{@code
 * DatasetFolder<Image> raw = ImageFolder.of(Path.of("/data/train"));
 * DatasetFolder<Tensor> train = ImageFolder.builder(Path.of("/data/train"))
 *         .transform(Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor()))
 *         .build();
 * train.plan();   // fused: decode region of Resize+CenterCrop, ToTensor into the batch row
 * }</pre>
 */
public final class ImageFolder {
    /** torchvision's {@code IMG_EXTENSIONS}, matched case-insensitively. */
    public static final List<String> IMG_EXTENSIONS =
            List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    private ImageFolder() {
    }

    /**
     * A builder with the standard decoder (RGB output) and the image extensions.
     *
     * @param root the dataset's folder, one sub-folder per class
     * @return the builder
     */
    public static DatasetFolder.Builder<Image, Image> builder(Path root) {
        return builder(root, Decoders.standard());
    }

    /**
     * {@return a builder whose images are decoded by {@code decoder} (for another pixel limit, or strict JPEG decoding)
     * and converted to RGB} With {@link Decoders#standard()} a JPEG whose data libjpeg repairs (for example its
     * entropy-coded data ends early before an end marker) loads with libjpeg's repair, as torchvision's loader loads
     * it; {@code Decoders.standard().withStrictJpeg(true)} refuses such files instead:
     *
     * <pre>{@code
     * DatasetFolder<Image> clean = ImageFolder.builder(root, Decoders.standard().withStrictJpeg(true)).build();
     * }</pre>
     *
     * @param root the dataset's folder, one sub-folder per class
     * @param decoder the decoders that read the images
     */
    public static DatasetFolder.Builder<Image, Image> builder(Path root, Decoders decoder) {
        Objects.requireNonNull(decoder, "decoder");
        // Load and link the native decoder and kernels now (about 0.1 s, once per JVM), not inside the first batch.
        if (decoder.usesNativeJpeg()) {
            NativeJpeg.warmUp();
        }
        NativeKernels.warmUp();
        decoder.usesNativeWebp();   // loads libwebp, whose self-test decodes one pixel and so links every call
        Image.empty(Image.Mode.RGB, 1, 1).close();   // and the off-heap allocator the decoded images come from
        return DatasetFolder.<Image>builder(root, new RgbLoader(decoder)).defaultExtensions(IMG_EXTENSIONS);
    }

    /**
     * ImageFolder's loader: {@code decoders.decode(path, RGB)}. A {@link DatasetFolder} with this loader and a
     * {@link DecodingTransform} applies {@link DecodingTransform#decoding}, the same result decoding less.
     */
    private record RgbLoader(Decoders decoders) implements DecodingLoader {
    }

    /**
     * The images under {@code root}, untransformed: RGB {@link Image}s and their class indices.
     *
     * @param root the dataset's folder, one sub-folder per class
     * @return the dataset
     */
    public static DatasetFolder<Image> of(Path root) {
        return builder(root).build();
    }
}
