package org.dataloader4j.vision;

import java.nio.file.Path;
import java.util.List;

import org.dataloader4j.data.SampleTransform;

/**
 * A transform of images that can also start from the image file, decoding only the part it reads:
 * {@link #decoding} gives bitwise what decoding the whole file to RGB and applying the transform gives, unless the
 * {@link Decoders} opt into an inexact mode ({@link Decoders#withDctScaling}). A {@link DatasetFolder} whose loader
 * is a {@link DecodingLoader} (as {@link ImageFolder}'s) and whose transform is one of these (a {@code Compose},
 * {@code RandomResizedCrop} or {@code Resize}) applies it this way.
 *
 * <pre>{@code
 * DecodingTransform<Tensor> eval = Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor());
 * SampleTransform<Path, Tensor> fromFile = eval.decoding(Decoders.standard());
 * System.out.println(eval.plan(Decoders.standard()));   // fused: decode region of Resize+CenterCrop, ...
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

    /**
     * How {@link #decoding decoding(decoders)} runs; by default one fused step described by its result.
     *
     * @param decoders the decoders that read the file
     * @return the plan of the fused decode
     */
    default FusionPlan plan(Decoders decoders) {
        return new FusionPlan(List.of(String.valueOf(decoding(decoders))), List.of());
    }
}
