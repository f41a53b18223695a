package org.dataloader4j.spark;

import java.util.Objects;
import org.dataloader4j.spark.internal.ImageCodec;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Sample;

/**
 * One sample of a WebDataset shard as stored: its key, the encoded image ({@code <key>.jpg} or {@code .png}), and
 * the class index from {@code <key>.cls}. {@link #decode()} turns it into the {@code (image, target)} sample an
 * {@code ImageFolder} gives for the same file.
 *
 * <pre>{@code
 * for (ShardSample s : loader.epoch(0)) {               // a DataLoader over a ShardedDataset, unbatched
 *     try (Image image = s.decode().input()) { ... }     // the pixels ImageFolder gives for the same file
 * }
 * }</pre>
 *
 * @param key       the sample's key, unique in the data set
 * @param extension the image's extension in the shard, for example {@code jpg}
 * @param image     the encoded image bytes (not copied: do not modify)
 * @param label     the class index
 * @param shard     the shard file the sample came from
 */
public record ShardSample(String key, String extension, byte[] image, long label, String shard) {

    /** Checks the fields are present. */
    public ShardSample {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(shard, "shard");
    }

    /** {@return where the sample is, for messages: {@code shard-00003.tar:<key>.jpg}} */
    public String source() {
        return source(shard, key, extension);
    }

    /** Where a sample is stored, for messages: {@code shard-00003.tar:<key>.jpg} (also for samples not read yet). */
    static String source(String shard, String key, String extension) {
        return shard + ":" + key + "." + extension;
    }

    /**
     * {@return the image decoded to RGB (as {@code ImageFolder}'s loader) and the label; the caller closes the image}
     *
     * @throws IllegalStateException naming {@link #source()} if the label does not fit an {@code int}
     * @throws org.dataloader4j.vision.ImageDecodeException naming {@link #source()} if the image is corrupt
     */
    public Sample<Image> decode() {
        int target = target();   // refused before any decoding
        return new Sample<>(ImageCodec.decode(image, source(), Image.Mode.RGB), target);
    }

    /**
     * {@return the label as the {@code int} class index of a {@link Sample}}
     *
     * @throws IllegalStateException naming {@link #source()} if the label does not fit an {@code int}
     */
    int target() {
        if (label != (int) label) {
            throw new IllegalStateException("sample " + source() + " has label " + label + ", which does not fit"
                    + " the int class index of a Sample");
        }
        return (int) label;
    }

    /** For example {@code ShardSample(cat_001, jpg, 5120 bytes, label=0, shard-00000.tar)}. */
    @Override
    public String toString() {
        return "ShardSample(" + key + ", " + extension + ", " + image.length + " bytes, label=" + label + ", " + shard
                + ")";
    }
}
