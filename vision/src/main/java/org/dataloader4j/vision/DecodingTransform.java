package org.dataloader4j.vision;

import java.nio.file.Path;

import org.dataloader4j.data.SampleTransform;

/**
 * A transform of images that can also start from the image file, decoding only the part it reads:
 * {@link #decoding} gives bitwise what decoding the whole file to RGB and applying the transform gives, unless the
 * {@link Decoders} opt into an inexact mode ({@link Decoders#withDctScaling}). An {@link ImageFolder} whose
 * transform is one of these (a {@code Compose}, {@code RandomResizedCrop} or {@code Resize}) applies it this way.
 *
 * <pre>{@code
 * DecodingTransform<Tensor> eval = Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor());
 * SampleTransform<Path, Tensor> fromFile = eval.decoding(Decoders.standard());
 * }</pre>
 *
 * @param <R> what the transform makes of an image
 */
public interface DecodingTransform<R> {
    /**
     * {@return this transform applied to the image decoded from a file by {@code decoders}, decoding as little as it
     * can}
     *
     * @param decoders the decoders that read the file
     */
    SampleTransform<Path, R> decoding(Decoders decoders);
}
