package org.dataloader4j.vision;

import java.util.Objects;

/**
 * An image file held in memory: its bytes and where they come from, for error messages. This is what a pipeline
 * fused with decoding starts from when the images are not files, such as the samples of a shard
 * ({@code Compose.decodingBytes}); the bytes decode exactly as a file of the same bytes
 * ({@link Decoders#decode(byte[], String)}, {@link Decoders#decodeRegion(byte[], String, RegionChooser)}).
 *
 * <pre>{@code
 * SampleTransform<EncodedImage, Tensor> train = Compose.of(new RandomResizedCrop(224)).then(new ToTensor())
 *         .decodingBytes(Decoders.standard());
 * Tensor t = train.apply(new EncodedImage("shard-000.tar:cat.jpg", bytes), rng);
 * }</pre>
 *
 * @param name  where the bytes come from (a path, or {@code shard.tar:key.jpg}), named by every decode error
 * @param bytes the whole encoded file (not copied: do not modify)
 */
public record EncodedImage(String name, byte[] bytes) {
    /**
     * Checks the fields are present.
     *
     * @throws NullPointerException for a null name or bytes
     */
    public EncodedImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** For example {@code EncodedImage(shard-000.tar:cat.jpg, 5120 bytes)}. */
    @Override
    public String toString() {
        return "EncodedImage(" + name + ", " + bytes.length + " bytes)";
    }
}
