package org.dataloader4j.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.dataloader4j.spark.internal.TarReader;
import org.dataloader4j.spark.internal.TarWriter;

/**
 * The samples of one WebDataset shard, read from its tar entries: the entries of one key, adjacent in the archive,
 * make one sample with exactly one image ({@link ShardedDataset#IMAGE_EXTENSIONS}) and one {@code .cls} label, a
 * decimal class index of the manifest; other extensions are ignored. Both ways of reading shards use it, so both
 * refuse the same shards with the same messages: the stream ({@link ShardedDataset}) reads each sample's bytes or
 * passes over it, the index ({@link IndexedShards}) notes where each image lies. Package-private; not thread-safe.
 *
 * <pre>{@code
 * TarSamples samples = new TarSamples(new TarReader(in, where), "shard-00003.tar", manifest.classes().size());
 * for (TarSamples.Stored s; (s = samples.next(TarSamples.Mode.LOCATE)) != null; ) { ... }
 * }</pre>
 */
final class TarSamples {
    /** What {@link #next} takes from a sample's entries. */
    enum Mode {
        /** The image's bytes and the label, checked. */
        READ,
        /** Where the image's bytes lie in the archive, and the label, checked; the image is not read. */
        LOCATE,
        /** Only the key: the sample is passed over, nothing checked but the archive's own structure. */
        PASS
    }

    /**
     * One sample as stored.
     *
     * @param key         the sample's key
     * @param extension   its image's extension, lower case ({@code ""} when passed over)
     * @param image       the image's bytes ({@link Mode#READ}; otherwise null)
     * @param imageOffset where the image's bytes start in the archive ({@link Mode#READ}, {@link Mode#LOCATE};
     *                    otherwise -1)
     * @param imageSize   the image's length in bytes (-1 when passed over)
     * @param label       the class index (-1 when passed over)
     */
    record Stored(String key, String extension, byte[] image, long imageOffset, long imageSize, long label) {
    }

    private final TarReader tar;
    private final String shardName;
    private final int classes;
    private TarReader.Entry pending;

    /**
     * Starts reading the archive (its first entry is read here).
     *
     * @param tar       the shard's archive, at its start
     * @param shardName the shard's file name, for messages
     * @param classes   the number of classes the manifest lists
     * @throws IOException if the first header is corrupt or the archive is truncated
     */
    TarSamples(TarReader tar, String shardName, int classes) throws IOException {
        this.tar = Objects.requireNonNull(tar, "tar");
        this.shardName = Objects.requireNonNull(shardName, "shardName");
        this.classes = classes;
        this.pending = tar.next();
    }

    /**
     * {@return the next sample, or null at the end of the archive}
     *
     * @param mode what to take from it
     * @throws IOException naming the shard and the key if the sample has two images or two labels, no image or no
     *                     label, or a label that is not a class index of the manifest; or if the archive is corrupt
     */
    Stored next(Mode mode) throws IOException {
        if (pending == null) {
            return null;
        }
        boolean data = mode != Mode.PASS;
        String key = ShardedDataset.keyAndExtension(pending.name())[0];
        byte[] image = null;
        long imageOffset = -1;
        long imageSize = -1;
        String imageExt = null;
        String label = null;
        while (pending != null) {
            String[] ke = ShardedDataset.keyAndExtension(pending.name());
            if (!ke[0].equals(key)) {
                break;
            }
            String ext = ke[1];
            if (data && ShardedDataset.IMAGE_EXTENSIONS.contains(ext)) {
                if (imageExt != null) {
                    throw new IOException("sample " + key + " of shard " + shardName + " has two images ("
                            + imageExt + " and " + ext + ")");
                }
                imageOffset = tar.offset();
                imageSize = pending.size();
                if (mode == Mode.READ) {
                    image = tar.read();
                } else {
                    tar.skip();
                }
                imageExt = ext;
            } else if (data && ext.equals("cls")) {
                if (label != null) {
                    throw new IOException("sample " + key + " of shard " + shardName + " has two .cls labels ("
                            + TarWriter.quoted(label) + " and another); a sample has exactly one");
                }
                label = new String(tar.read(), StandardCharsets.US_ASCII).trim();
            } else {
                tar.skip();
            }
            pending = tar.next();
        }
        if (!data) {
            return new Stored(key, "", null, -1, -1, -1);
        }
        if (imageExt == null || label == null) {
            throw new IOException("sample " + key + " of shard " + shardName + " has no "
                    + (imageExt == null ? "image (." + String.join(", .",
                    ShardedDataset.IMAGE_EXTENSIONS.stream().sorted().toList()) + ")" : ".cls label")
                    + "; samples of one key must be adjacent in the shard");
        }
        return new Stored(key, imageExt, image, imageOffset, imageSize, classIndex(key, label));
    }

    /**
     * The class index a {@code .cls} holds, checked against the manifest: a decimal integer in {@code [0, classes)},
     * so a label never reaches a batch without a class of its own.
     */
    private long classIndex(String key, String label) throws IOException {
        String allowed = classes == 0 ? "the manifest lists no classes"
                : "expected a class index in [0, " + (classes - 1) + "], the manifest lists " + classes + " classes";
        long cls;
        try {
            cls = Long.parseLong(label);
        } catch (NumberFormatException e) {
            throw new IOException("sample " + key + " of shard " + shardName + " has a .cls that is not an integer: "
                    + TarWriter.quoted(label) + "; " + allowed);
        }
        if (cls < 0 || cls >= classes) {
            throw new IOException("sample " + key + " of shard " + shardName + " has .cls " + cls
                    + ", outside the manifest's class list: " + allowed);
        }
        return cls;
    }
}
