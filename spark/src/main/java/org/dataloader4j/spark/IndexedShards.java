package org.dataloader4j.spark;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.spark.internal.TarReader;

/**
 * The samples of local WebDataset shards as a map-style {@link Dataset}, as FFCV reads its files: sample {@code i}
 * is the {@code i}-th sample of the manifest's shards taken in the manifest's order, and {@code get(i)} reads just its
 * image's bytes at their offset in the shard file. A {@code DataLoader} over it shuffles all samples of all shards
 * with its sampler (no shuffle buffer), hands them to its workers one by one (no worker waits for another's shard at
 * the end of an epoch), and gives the same batches at any worker count; distributed ranks split it with a
 * {@code DistributedSampler}. Made by {@link ShardedDataset#indexed()}.
 *
 * <h2>The index</h2>
 * A shard is indexed the first time one of its samples is read: its SHA-256 is checked against the manifest's (as the
 * stream checks it, unless {@code verifyChecksums(false)}), then its tar headers and {@code .cls} labels are read once
 * and every sample is checked as the stream checks it (exactly one image, one label that is a class index of the
 * manifest, as many samples as the manifest states), so a bad shard is refused with the stream's message, naming the
 * shard and the key. A shard that could not be indexed is not read again: every later read of its samples fails at
 * once with the same message (a loader that skips bad samples then skips the shard's samples without reading the
 * shard once per sample); a new view ({@link ShardedDataset#indexed()}) tries again, for example after the shard was
 * mended. The index keeps, per sample, the image's offset and length, its extension, the label and the key:
 * {@code 21 + key length} bytes ({@link #indexBytes()}), never the images; its arrays grow with the samples a shard
 * really holds, so a manifest that claims billions of samples costs no more than the shard. Reading a sample opens
 * the shard file, reads the image's bytes and closes it again, so the dataset holds no open files and needs no
 * closing.
 *
 * <p>Thread-safe: workers may read samples of the same shard at once; a shard is indexed by one of them while the
 * others wait for it.
 *
 * <pre>{@code
 * IndexedShards shards = ShardedDataset.builder(Path.of("/data/imagenet-shards")).build().indexed();
 * Dataset<Sample<Tensor>> train = shards.map(ShardTransform.of(Compose.of(new RandomResizedCrop(224))
 *         .then(new RandomHorizontalFlip()).then(new ToTensor()).then(new Normalize(mean, std))));
 * try (var loader = DataLoader.builder(train).batchSize(256).shuffle(true).numWorkers(8).seed(7).build()) {
 *     for (Batch batch : loader.epoch(epoch)) { try (batch) { step(batch); } }
 * }
 * }</pre>
 */
public final class IndexedShards implements Dataset<ShardSample> {
    /** The image extensions, in the order of the codes an index stores. */
    private static final List<String> EXTENSIONS = ShardedDataset.IMAGE_EXTENSIONS.stream().sorted().toList();
    /** The largest image an index accepts: one Java array. */
    private static final long MAX_IMAGE = Integer.MAX_VALUE - 8;

    private final ShardedDataset shards;
    private final Manifest manifest;
    private final Path folder;
    private final long[] starts;   // starts[s]: the index of shard s's first sample; starts[shards]: the total
    private final AtomicReferenceArray<ShardIndex> indexes;
    private final AtomicReferenceArray<IOException> failures;   // why a shard could not be indexed, once it failed
    private final Object[] locks;

    IndexedShards(ShardedDataset shards, Path folder) {
        this.shards = shards;
        this.manifest = shards.manifest();
        this.folder = folder;
        int n = manifest.shards().size();
        this.starts = new long[n + 1];
        for (int s = 0; s < n; s++) {
            starts[s + 1] = Math.addExact(starts[s], manifest.shards().get(s).samples());
        }
        this.indexes = new AtomicReferenceArray<>(n);
        this.failures = new AtomicReferenceArray<>(n);
        this.locks = new Object[n];
        Arrays.setAll(locks, s -> new Object());
    }

    /** {@return the number of samples of all shards} */
    @Override
    public long size() {
        return starts[starts.length - 1];
    }

    /**
     * {@return sample {@code index}: its key, image bytes and class index, as the stream gives it}
     *
     * @param index a sample of the manifest's shards in order, in {@code [0, size())}
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     * @throws UncheckedIOException naming the shard (and the sample, once the shard is indexed) if the shard cannot be
     *                              read, disagrees with the manifest, or ends before the image the index places in it
     *                              (the file changed after it was indexed)
     */
    @Override
    public ShardSample get(long index) {
        Datasets.checkIndex(index, size());
        int shard = shardOf(index);
        ShardIndex idx = index(shard);
        int k = (int) (index - starts[shard]);
        String file = manifest.shards().get(shard).file();
        String key = idx.key(k);
        String extension = EXTENSIONS.get(idx.extensions[k]);
        byte[] image = new byte[idx.sizes[k]];
        Path path = folder.resolve(file);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(image);
            long offset = idx.offsets[k];
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new EOFException("the file ends at byte " + (offset + buffer.position()) + ", inside the"
                            + " image, which the index places at bytes [" + offset + ", " + (offset + image.length)
                            + "): the shard changed after it was indexed");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample " + key + "." + extension + " (sample " + k
                    + ") of shard " + path + ": " + describe(e), e);
        }
        return new ShardSample(key, extension, image, idx.labels[k], file);
    }

    /**
     * {@return where sample {@code index} is stored: {@code shard-00003.tar:cat_001.jpg} once its shard is indexed,
     * otherwise the shard and the sample's position in it}
     */
    @Override
    public Optional<String> source(long index) {
        if (index < 0 || index >= size()) {
            return Optional.empty();
        }
        int shard = shardOf(index);
        int k = (int) (index - starts[shard]);
        String file = manifest.shards().get(shard).file();
        ShardIndex idx = indexes.get(shard);
        return Optional.of(idx == null ? file + " (sample " + k + " of the shard)"
                : ShardSample.source(file, idx.key(k), EXTENSIONS.get(idx.extensions[k])));
    }

    /**
     * {@return the manifest's shards (names, sample counts and sizes) as a digest: a resumed loader checks that it
     * reads the same samples at the same indices}
     */
    @Override
    public Optional<String> fingerprint() {
        return Optional.of(String.format(Locale.ROOT, "IndexedShards(shards=%d, samples=%d, digest=%016x)",
                manifest.shards().size(), size(), shards.manifestDigest()));
    }

    /** {@return the manifest} */
    public Manifest manifest() {
        return manifest;
    }

    /** {@return the class names, index {@code i} for class {@code i}} */
    public List<String> classes() {
        return manifest.classes();
    }

    /** {@return how many shards are indexed so far (a shard is indexed when one of its samples is first read)} */
    public int indexedShards() {
        int n = 0;
        for (int s = 0; s < indexes.length(); s++) {
            if (indexes.get(s) != null) {
                n++;
            }
        }
        return n;
    }

    /** {@return the bytes the indexes built so far hold (arrays and keys; the images are never held)} */
    public long indexBytes() {
        long n = 0;
        for (int s = 0; s < indexes.length(); s++) {
            ShardIndex idx = indexes.get(s);
            if (idx != null) {
                n += idx.bytes();
            }
        }
        return n;
    }

    /** For example {@code IndexedShards(/data/shards/manifest.json, shards=64, samples=1281167, indexed=3)}. */
    @Override
    public String toString() {
        return "IndexedShards(" + shards.location() + ", shards=" + manifest.shards().size() + ", samples=" + size()
                + ", indexed=" + indexedShards() + ")";
    }

    /** The shard holding sample {@code index} (a non-empty one: empty shards hold no index). */
    private int shardOf(long index) {
        int found = Arrays.binarySearch(starts, index);
        if (found < 0) {
            return -found - 2;
        }
        while (starts[found + 1] == index) {   // empty shards start where the next one does
            found++;
        }
        return found;
    }

    private ShardIndex index(int shard) {
        ShardIndex idx = indexes.get(shard);
        if (idx != null) {
            return idx;
        }
        synchronized (locks[shard]) {
            idx = indexes.get(shard);
            if (idx != null) {
                return idx;
            }
            IOException failure = failures.get(shard);
            if (failure == null) {
                try {
                    idx = build(shard);
                    indexes.set(shard, idx);
                    return idx;
                } catch (IOException e) {
                    failure = e;
                } catch (UncheckedIOException e) {   // the store's opener, for a file that cannot be opened
                    failure = e.getCause();
                }
                failures.set(shard, failure);
            }
            throw new UncheckedIOException("cannot index shard " + manifest.shards().get(shard).file() + " of "
                    + shards.location() + ": " + describe(failure), failure);
        }
    }

    /** Checks shard {@code shard} against the manifest and notes where each of its samples lies. */
    private ShardIndex build(int shard) throws IOException {
        Manifest.Shard entry = manifest.shards().get(shard);
        String where = shards.shardLocation(shard);
        shards.verifyOnce(shard, where);
        long expected = entry.samples();
        if (expected > Integer.MAX_VALUE - 8) {
            throw new IOException("the manifest says shard " + entry.file() + " holds " + expected
                    + " samples; an index holds at most " + (Integer.MAX_VALUE - 8) + " per shard");
        }
        int n = (int) expected;
        ShardIndex idx = new ShardIndex();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(folder.resolve(entry.file())), 1 << 16)) {
            TarSamples samples = new TarSamples(new TarReader(in, where), entry.file(), manifest.classes().size());
            for (int k = 0; k < n; k++) {
                TarSamples.Stored s = samples.next(TarSamples.Mode.LOCATE);
                if (s == null) {
                    throw new IOException("shard " + entry.file() + " ends after " + k + " samples, but the"
                            + " manifest says it holds " + n);
                }
                if (s.imageSize() > MAX_IMAGE) {
                    throw new IOException("sample " + s.key() + " of shard " + entry.file() + " has an image of "
                            + s.imageSize() + " bytes, too many for one array");
                }
                idx.put(k, s);
            }
            if (samples.next(TarSamples.Mode.PASS) != null) {
                throw new IOException("shard " + entry.file() + " holds more samples than the " + n
                        + " the manifest states");
            }
        }
        return idx.trimmed();
    }

    /** A failure's message; the file system's exceptions (whose message is only the path) with their kind. */
    private static String describe(IOException e) {
        return e instanceof FileSystemException ? e.toString() : e.getMessage();
    }

    /**
     * Where the samples of one shard lie: per sample the image's offset and length, extension, label and key. Its
     * arrays grow with the samples the shard really holds, not with the count the manifest claims.
     */
    private static final class ShardIndex {
        private long[] offsets = new long[16];
        private int[] sizes = new int[16];
        private byte[] extensions = new byte[16];
        private int[] labels = new int[16];
        private int[] keyEnds = new int[16];
        private byte[] keys = new byte[256];
        private int count;
        private int keyLength;

        void put(int k, TarSamples.Stored s) {
            if (k == offsets.length) {
                int grown = offsets.length * 2;
                offsets = Arrays.copyOf(offsets, grown);
                sizes = Arrays.copyOf(sizes, grown);
                extensions = Arrays.copyOf(extensions, grown);
                labels = Arrays.copyOf(labels, grown);
                keyEnds = Arrays.copyOf(keyEnds, grown);
            }
            offsets[k] = s.imageOffset();
            sizes[k] = (int) s.imageSize();
            extensions[k] = (byte) EXTENSIONS.indexOf(s.extension());
            labels[k] = Math.toIntExact(s.label());   // a class index of the manifest's list
            byte[] key = s.key().getBytes(StandardCharsets.UTF_8);
            if (keyLength + key.length > keys.length) {
                keys = Arrays.copyOf(keys, Math.max(keys.length * 2, keyLength + key.length));
            }
            System.arraycopy(key, 0, keys, keyLength, key.length);
            keyLength += key.length;
            keyEnds[k] = keyLength;
            count = k + 1;
        }

        /** {@return this index with its arrays cut to the samples and keys it holds} (called once, when complete) */
        ShardIndex trimmed() {
            offsets = Arrays.copyOf(offsets, count);
            sizes = Arrays.copyOf(sizes, count);
            extensions = Arrays.copyOf(extensions, count);
            labels = Arrays.copyOf(labels, count);
            keyEnds = Arrays.copyOf(keyEnds, count);
            keys = Arrays.copyOf(keys, keyLength);
            return this;
        }

        String key(int k) {
            int from = k == 0 ? 0 : keyEnds[k - 1];
            return new String(keys, from, keyEnds[k] - from, StandardCharsets.UTF_8);
        }

        long bytes() {
            return 8L * offsets.length + 4L * sizes.length + extensions.length + 4L * labels.length
                    + 4L * keyEnds.length + keys.length;
        }
    }
}
