package org.dataloader4j.vision;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * A {@link DatasetFolder} loader that decodes each file to RGB with its {@link #decoders()}, and so declares that a
 * {@link DecodingTransform} may start from the file instead ({@link DecodingTransform#decoding}), decoding only the
 * region the transform reads. {@link ImageFolder}'s loader is one; a loader that does anything else (reads another
 * format, converts otherwise) must not implement it, and its dataset then runs the transform on the whole loaded
 * value ({@link DatasetFolder#plan()} says so).
 *
 * <pre>{@code
 * DecodingLoader strict = () -> Decoders.standard().withStrictJpeg(true);
 * DatasetFolder<Tensor> ds = DatasetFolder.builder(root, strict).extensions(".jpg")
 *         .transform(Compose.of(new RandomResizedCrop(224)).then(new ToTensor())).build();
 * }</pre>
 */
@FunctionalInterface
public interface DecodingLoader extends Function<Path, Image> {
    /**
     * The decoders this loader decodes with.
     *
     * @return the decoders
     */
    Decoders decoders();

    /** {@code decoders().decode(path, RGB)}. */
    @Override
    default Image apply(Path path) {
        return decoders().decode(path, Image.Mode.RGB);
    }
}
