package org.dataloader4j.spark;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.Partition;
import org.dataloader4j.data.PositionedIterator;
import org.dataloader4j.data.StreamStart;
import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.data.ShardSplit;
import org.dataloader4j.data.ShuffleBuffer;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.internal.ElasticPositions;
import org.dataloader4j.internal.Preconditions;
import org.dataloader4j.internal.ShardAssignment;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.ImageCodec;
import org.dataloader4j.spark.internal.TarReader;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Sample;

/**
 * A stream of the samples of WebDataset-layout tar shards described by a {@link Manifest} (as {@link ShardJob}
 * writes them), split between distributed ranks and loader workers so that every sample of an epoch is delivered
 * exactly once over all (rank, worker) pairs. It needs no Spark at run time: only core, vision and this module's
 * tar reader. Shards in a local folder can also be read as a map-style dataset, each sample at its offset:
 * {@link #indexed()}.
 *
 * <h2>Assignment</h2>
 * With {@code worldSize} ranks of {@code W} workers there are {@code C = worldSize × W} consumers, consumer
 * {@code rank × W + worker} ({@code numWorkers = 0}, loading on the calling thread, is worker 0 of 1; the rank and
 * world size are the {@link Builder#partition partition}). The epoch's shard order is a permutation drawn from the
 * dataset's ({@link Builder#seed seed}, epoch), the same on every rank (or the manifest's order, with
 * {@code shuffleShards(false)}). Then, with {@link ShardSplit#SHARDS} (the default):
 * <ul>
 *   <li>at least as many shards as consumers: whole shards, round-robin: consumer {@code c} reads the shards at
 *       positions {@code c, c + C, c + 2C, ...} of the epoch's order, each from its first sample to its last;</li>
 *   <li>fewer shards than consumers: the samples of all shards, in the epoch's order, are split into {@code C}
 *       contiguous ranges whose lengths differ by at most one, so no consumer idles (a consumer may then read part
 *       of a shard, passing over the samples before its range without decoding them).</li>
 * </ul>
 * With {@link ShardSplit#ELEMENTS} the even split of samples is used always: every consumer gets the same number of
 * samples (±1), which distributed training wants when all ranks must take the same number of steps; the price
 * is that consumers read parts of shards. With whole shards, ranks get different numbers of samples when shard
 * sizes differ; {@link #shareSize} tells each one's count in advance. This is the assignment of core's
 * {@code NpyShardsDataset}, by the same code and with the same builder options.
 *
 * <h2>Order and resume</h2>
 * Each consumer reads its shards sequentially; with {@link Builder#shuffleBuffer(int)} its samples pass through a
 * {@link ShuffleBuffer} seeded from the loader's {@link WorkerInfo}. The order of an epoch is therefore fixed by
 * (dataset seed, loader seed, epoch, worldSize, numWorkers), which is what {@code DataLoader.state()} and
 * {@code resume} need: a resumed loader re-reads the stream and drops the batches already delivered.
 *
 * <h2>Errors</h2>
 * A shard that disagrees with the manifest is an {@link UncheckedIOException} naming the shard, the manifest and,
 * where there is one, the sample's key, raised by the iterator when it reaches the problem: a shard with more or
 * fewer samples than the manifest states, a sample without an image or without a {@code .cls} label, with two
 * images or two labels, or with a label that is not a class index of the manifest (a decimal integer in
 * {@code [0, classes)}). A label therefore never reaches a batch without a class name of its own.
 *
 * <h2>Storage</h2>
 * Shards are local files by default; {@link #builder(ShardStore, String)} takes a store (the {@code dataloader4j-s3}
 * module has one for S3-compatible object storage, with prefetch and a bounded disk cache), and
 * {@link #builder(String, Function)} an opener that returns a stream for a location (HDFS, HTTP), called with the
 * manifest's location and with each shard's location (the manifest's folder + {@code "/"} + the shard's file name).
 *
 * <h2>Checksums</h2>
 * Where the manifest records a shard's SHA-256 (as {@link ShardJob} does), the first time this dataset opens a
 * shard it reads the whole shard and checks its size and SHA-256 before delivering any of its samples, unless the
 * store has verified it already ({@link ShardStore#verifies()}, as the S3 store does for every download); a
 * mismatch is an {@link UncheckedIOException} naming the shard. Later opens of the same shard by this dataset (other
 * workers, other epochs) are not re-hashed. {@link Builder#verifyChecksums(boolean) verifyChecksums(false)} turns
 * this off. A manifest written before checksums were recorded is read as before, without content verification.
 *
 * <pre>{@code
 * ShardedDataset shards = ShardedDataset.builder(Path.of("/data/imagenet-shards"))
 *         .partition(new Partition(rank, worldSize)).seed(42).shuffleBuffer(2_000).build();
 * IterableDataset<Sample<Tensor>> train = shards.map(ShardedDataset.decodeRGB())
 *         .map((s, rng) -> new Sample<>(augment.apply(s.input(), rng), s.target()));
 * try (var loader = DataLoader.builder(train).batchSize(256).numWorkers(8).seed(7).build()) {
 *     for (Batch batch : loader.epoch(epoch)) { try (batch) { step(batch); } }
 * }
 * }</pre>
 */
public final class ShardedDataset implements IterableDataset<ShardSample> {
    /** Extensions read as the image of a sample (any other extension of a sample is ignored). */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "ppm", "pgm", "bmp", "tif", "tiff", "webp");

    private final Manifest manifest;
    private final String location;
    private final String base;
    private final ShardStore store;
    private final boolean verify;
    private final Set<Integer> verified = ConcurrentHashMap.newKeySet();
    private final Partition partition;
    private final long seed;
    private final boolean shuffleShards;
    private final int shuffleBuffer;
    private final ShardSplit split;
    private final int elasticStreams;
    private final ShardAssignment assignment;
    private final Path folder;   // the shards' local folder (builder(Path)); null for a store or an opener

    private ShardedDataset(Builder b, Manifest manifest) {
        this.manifest = manifest;
        this.location = b.location;
        this.base = b.base;
        this.store = b.store;
        this.folder = b.folder;
        this.verify = b.verify;
        this.partition = b.partition;
        this.seed = b.seed;
        this.shuffleShards = b.shuffleShards;
        this.shuffleBuffer = b.shuffleBuffer;
        this.split = b.split;
        this.elasticStreams = b.elasticStreams;
        this.assignment = new ShardAssignment(manifest.shards().stream().mapToLong(Manifest.Shard::samples).toArray(),
                shuffleShards, seed, split);
    }

    /**
     * {@return a builder for the shards on the local file system: {@code location} is the manifest file, or the folder
     * holding {@code manifest.json} and the shards}
     *
     * @param location the manifest file, or the folder holding it
     */
    public static Builder builder(Path location) {
        Objects.requireNonNull(location, "location");
        Path manifest = Files.isDirectory(location) ? location.resolve(Manifest.FILE_NAME) : location;
        Path folder = manifest.toAbsolutePath().getParent();
        Builder builder = new Builder(manifest.toString(), folder.toString(), ShardStore.of(where -> {
            try {
                return Files.newInputStream(Path.of(where));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + where + ": " + e, e);
            }
        }));
        builder.folder = folder;
        return builder;
    }

    /**
     * {@return a builder for shards in any storage: {@code opener} returns a fresh stream for a location (it is called
     * from the loader's worker threads, concurrently)} {@code manifestLocation} is the manifest's location; each
     * shard's location is the part of it up to its last {@code '/'} followed by {@code "/" + file}.
     *
     * @param manifestLocation the manifest's location
     * @param opener opens a location as a fresh stream
     */
    public static Builder builder(String manifestLocation, Function<String, InputStream> opener) {
        return builder(ShardStore.of(opener), manifestLocation);
    }

    /**
     * {@return a builder for shards in a {@link ShardStore} (for example an S3 store of the {@code dataloader4j-s3}
     * module, which prefetches and caches)} {@code manifestLocation} is the manifest's location; each shard's location
     * is the part of it up to its last {@code '/'} followed by {@code "/" + file}.
     *
     * @param store where the manifest and the shards are
     * @param manifestLocation the manifest's location in {@code store}
     */
    public static Builder builder(ShardStore store, String manifestLocation) {
        Objects.requireNonNull(manifestLocation, "manifestLocation");
        Objects.requireNonNull(store, "store");
        int slash = manifestLocation.lastIndexOf('/');
        return new Builder(manifestLocation, slash < 0 ? "" : manifestLocation.substring(0, slash), store);
    }

    /** {@return the manifest} */
    public Manifest manifest() {
        return manifest;
    }

    /** {@return the class names, index {@code i} for class {@code i}} */
    public List<String> classes() {
        return manifest.classes();
    }

    /**
     * The manifest's shards (names, sample counts and sizes), the dataset seed, rank, world size, shard shuffling,
     * shuffle buffer and split: what fixes which samples each consumer reads, for {@code DataLoader.resume} to check.
     */
    @Override
    public java.util.Optional<String> fingerprint() {
        long h = manifestDigest();
        if (elasticStreams > 0) {   // one global order: the same for every rank and world size
            return java.util.Optional.of(String.format(java.util.Locale.ROOT, "ShardedDataset(shards=%d, digest=%016x,"
                    + " seed=%d, shuffleShards=%s, elastic=%d)", manifest.shards().size(), h, seed, shuffleShards,
                    elasticStreams));
        }
        return java.util.Optional.of(String.format(java.util.Locale.ROOT, "ShardedDataset(shards=%d, digest=%016x, seed=%d,"
                + " rank=%d, worldSize=%d, shuffleShards=%s, shuffleBuffer=%d, split=%s)", manifest.shards().size(), h,
                seed, partition.rank(), partition.worldSize(), shuffleShards, shuffleBuffer, split));
    }

    /** {@return this dataset's rank when it is {@link Builder#elastic(int) elastic}; empty otherwise} */
    @Override
    public java.util.Optional<Partition> elasticPartition() {
        return elasticStreams > 0 ? java.util.Optional.of(partition) : java.util.Optional.empty();
    }

    /** {@return samples per epoch over all ranks and workers} */
    public long size() {
        return assignment.total();
    }

    /**
     * This dataset's rank among the ranks of the job.
     *
     * @return the rank and world size it was built for
     */
    public Partition partition() {
        return partition;
    }

    /**
     * How many samples rank {@code rank.rank()} of this dataset's world receives in {@code epoch} with
     * {@code numWorkers} loader workers (0 counts as 1), for example to agree on a number of steps across ranks.
     *
     * @param rank the rank whose share is counted, in this dataset's world
     * @param numWorkers the loader's workers per rank
     * @param epoch the epoch
     * @return the number of samples
     * @throws IllegalArgumentException if {@code rank}'s world size is not this dataset's
     */
    public long shareSize(Partition rank, int numWorkers, long epoch) {
        Objects.requireNonNull(rank, "rank");
        if (rank.worldSize() != partition.worldSize()) {
            throw new IllegalArgumentException("shareSize of " + rank + ": this dataset's world has "
                    + partition.worldSize() + " ranks, but got worldSize=" + rank.worldSize());
        }
        if (elasticStreams > 0) {
            return ElasticPositions.rankSize(assignment.total(), rank);
        }
        int w = Math.max(1, numWorkers);
        long n = 0;
        for (int id = 0; id < w; id++) {
            for (ShardAssignment.Part part : assignment.parts(rank, new WorkerInfo(id, w, 0, epoch))) {
                n += part.size();
            }
        }
        return n;
    }

    /**
     * This (rank, worker)'s samples in reading order, through the shuffle buffer if one is set. The iterator is
     * {@link AutoCloseable}: closing it closes the shard being read.
     */
    @Override
    public Iterator<ShardSample> iterator(WorkerInfo worker) {
        Objects.requireNonNull(worker, "worker");
        if (elasticStreams > 0) {
            return new ElasticSamples(ElasticPositions.of(assignment.total(), partition, worker, StreamStart.BEGINNING),
                    worker.epoch());
        }
        return shuffleBuffer > 0 ? buffered(worker) : sequential(worker);
    }

    /**
     * This (rank, worker)'s samples from {@code start} on. The skipped samples are passed over in the tar without
     * reading their data (shards skipped whole are not even opened), except through a shuffle buffer, which must see
     * the raw samples it mixes (they are still not decoded). An {@link Builder#elastic(int) elastic} dataset's iterator
     * is a {@link PositionedIterator} and also resumes the merged states of another world size.
     */
    @Override
    public Iterator<ShardSample> iterator(WorkerInfo worker, StreamStart start) {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(start, "start");
        if (elasticStreams > 0) {
            return new ElasticSamples(ElasticPositions.of(assignment.total(), partition, worker, start),
                    worker.epoch());
        }
        if (shuffleBuffer > 0 || !start.earlierRuns().isEmpty()) {
            return IterableDataset.super.iterator(worker, start); // through the buffer, raw; refuses earlier runs
        }
        Samples samples = sequential(worker);
        samples.passOver(start.skip());
        return samples;
    }

    private Iterator<ShardSample> buffered(WorkerInfo worker) {
        return new ShuffleBuffer<ShardSample>(this::sequential, shuffleBuffer).iterator(worker);
    }

    private Samples sequential(WorkerInfo worker) {
        return new Samples(assignment.parts(partition, worker), 1 << 16);
    }

    /**
     * {@return the transform that decodes a stored sample to an RGB {@link Image} and its label, as {@code ImageFolder}
     * loads the same file: {@code shards.map(ShardedDataset.decodeRGB())}}
     */
    public static SampleTransform<ShardSample, Sample<Image>> decodeRGB() {
        return SampleTransform.of(ShardSample::decode);
    }

    /** {@return the shards decoded: {@code map(decodeRGB())}} */
    public IterableDataset<Sample<Image>> decoded() {
        return map(decodeRGB());
    }

    /** For example {@code ShardedDataset(/data/shards/manifest.json, shards=64, samples=1281167, rank 0 of 8, ...)}. */
    @Override
    public String toString() {
        return "ShardedDataset(" + location + ", shards=" + assignment.shards() + ", samples=" + assignment.total()
                + ", " + partition + (elasticStreams > 0 ? ", elastic=" + elasticStreams : ", split=" + split
                + ", shuffleBuffer=" + shuffleBuffer) + ")";
    }

    /** A 64-bit digest of the manifest's shards: their names, sample counts and sizes. */
    long manifestDigest() {
        long h = 0xcbf29ce484222325L;
        for (Manifest.Shard shard : manifest.shards()) {
            for (char c : (shard.file() + "\u0000" + shard.samples() + "\u0000" + shard.bytes() + "\n").toCharArray()) {
                h = (h ^ c) * 0x100000001b3L;
            }
        }
        return h;
    }

    /** The manifest's location, for messages. */
    String location() {
        return location;
    }

    /**
     * {@return the same shards as a map-style {@link org.dataloader4j.data.Dataset}: sample {@code i} is the
     * {@code i}-th of the manifest's shards read in order, read at its place in its shard file} A {@code DataLoader}
     * then shuffles all samples of all shards at once with its sampler, its workers share the samples one by one,
     * batches are the same at any worker count, and distributed ranks split the data with a
     * {@code DistributedSampler}; this dataset's partition, seed, shard shuffling, shuffle buffer and split are
     * options of the stream and do not apply. Each call gives a new view with an index of its own, built shard by
     * shard as samples are first read (see {@link IndexedShards}).
     *
     * <pre>{@code
     * Dataset<Sample<Tensor>> train = ShardedDataset.builder(Path.of("/data/shards")).build().indexed()
     *         .map(ShardTransform.of(pipeline));
     * try (var loader = DataLoader.builder(train).batchSize(256).shuffle(true).numWorkers(8).seed(7).build()) { ... }
     * }</pre>
     *
     * @throws UnsupportedOperationException if the shards are read through a {@link ShardStore} or an opener rather
     *                                       than from a local folder ({@link #builder(Path)}): reading a sample at
     *                                       its offset needs the shard's file
     */
    public IndexedShards indexed() {
        if (folder == null) {
            throw new UnsupportedOperationException("indexed() reads each sample at its offset in a local shard file,"
                    + " but the shards of " + location + " are read through a store or an opener; build the dataset"
                    + " with ShardedDataset.builder(Path) on a local copy of the shards, or read them as a stream");
        }
        return new IndexedShards(this, folder);
    }

    String shardLocation(int shard) {
        String file = manifest.shards().get(shard).file();
        return base.isEmpty() ? file : base + "/" + file;
    }

    /**
     * On the first open of a shard with a recorded SHA-256 by this dataset, reads it whole and checks its size and
     * SHA-256 against the manifest (unless verification is off or the store verifies).
     */
    void verifyOnce(int shard, String where) throws IOException {
        Manifest.Shard s = manifest.shards().get(shard);
        if (!verify || store.verifies() || s.sha256() == null || verified.contains(shard)) {
            return;
        }
        Checksums.Digest found;
        try (InputStream in = Objects.requireNonNull(store.open(where), () -> "the store returned null for " + where)) {
            found = Checksums.sha256(in);
        }
        String mismatch = Checksums.mismatch(s, found);
        if (mismatch != null) {
            throw new IOException("shard " + where + " does not match the manifest " + location + ": " + mismatch);
        }
        verified.add(shard);
    }

    /** WebDataset's split of an entry name: the key is everything before the first dot of the last path part. */
    static String[] keyAndExtension(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        if (dot < 0) {
            return new String[] {name, ""};
        }
        return new String[] {name.substring(0, dot), ImageCodec.lower(name.substring(dot + 1))};
    }

    /**
     * One consumer's samples (or one canonical stream's, for an elastic dataset): reads its parts of the shards one
     * after another, and passes over samples without reading their data ({@link #passOver}); a part passed whole is
     * not opened at all.
     */
    private final class Samples implements Iterator<ShardSample>, AutoCloseable {
        private final List<ShardAssignment.Part> parts;
        private final int[] planIndex;           // part -> index in the store session's plan, -1 for empty parts
        private final List<ShardStore.Ref> plan = new ArrayList<>();
        private final int bufferSize;
        private ShardStore.Session session;
        private int part;       // the part being read; parts.size() when all are done
        private long partDone;  // samples of the current part read or passed
        private InputStream stream;
        private TarSamples tar;  // the current part's shard, when open
        private String shardName;
        private long index;     // samples of the open shard passed so far
        private ShardSample next;
        private boolean closed;

        /**
         * Reads {@code parts} through a buffer of {@code bufferSize} bytes: large for a consumer that reads every
         * sample, small for an elastic cursor that mostly passes over samples (a pass reads only a tar header).
         */
        Samples(List<ShardAssignment.Part> parts, int bufferSize) {
            this.parts = parts;
            this.bufferSize = bufferSize;
            this.planIndex = new int[parts.size()];
            for (int i = 0; i < parts.size(); i++) {
                ShardAssignment.Part p = parts.get(i);
                int shard = p.shard();
                planIndex[i] = p.size() > 0 ? plan.size() : -1;
                if (p.size() > 0) {
                    plan.add(new ShardStore.Ref(shardLocation(shard), manifest.shards().get(shard)));
                }
            }
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (closed) {
                return false;
            }
            next = guarded(() -> advance(true));
            if (next == null) {
                close();
                return false;
            }
            return true;
        }

        @Override
        public ShardSample next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more samples in this share of " + ShardedDataset.this);
            }
            ShardSample s = next;
            next = null;
            return s;
        }

        /**
         * Passes over the next {@code n} samples without reading their data (a part passed whole is never opened).
         *
         * @throws UncheckedIOException naming the shard if a shard cannot be read or holds fewer samples than stated
         * @throws NoSuchElementException if fewer than {@code n} samples are left
         */
        void passOver(long n) {
            if (next != null && n > 0) {
                next = null;
                n--;
            }
            for (long left = n; left > 0; ) {
                if (part >= parts.size() || closed) {
                    throw new NoSuchElementException("cannot pass over " + left + " more samples: this share of "
                            + ShardedDataset.this + " is over");
                }
                long inPart = parts.get(part).size() - partDone;
                if (tar == null && left >= inPart) {   // the whole rest of the part: do not even open the shard
                    left -= inPart;
                    part++;
                    partDone = 0;
                    continue;
                }
                guarded(() -> advance(false));
                left--;
            }
        }

        /** Runs {@code step}, closing this share and naming the shard when it fails. */
        private ShardSample guarded(IoStep step) {
            try {
                return step.run();
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("cannot read shard " + shardName + " of " + location + ": "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Reads (with {@code data}) or passes over the next sample of the parts; null when they are done. */
        private ShardSample advance(boolean data) throws IOException {
            while (part < parts.size()) {
                ShardAssignment.Part p = parts.get(part);
                if (partDone == p.size()) {
                    closeShard();
                    part++;
                    partDone = 0;
                    continue;
                }
                if (tar == null) {
                    open(p);
                }
                ShardSample s = readSample(data);
                if (s == null) {
                    throw new IOException("shard " + shardName + " ends after " + index + " samples, but the "
                            + "manifest says it holds " + assignment.count(p.shard()));
                }
                index++;
                partDone++;
                if (index == p.to() && p.to() == assignment.count(p.shard()) && readSample(false) != null) {
                    throw new IOException("shard " + shardName + " holds more samples than the " + p.to()
                            + " the manifest states");
                }
                return s;
            }
            closeShard();
            return null;
        }

        /** Opens part {@code p}'s shard (checking it once) and passes over the samples before the part. */
        private void open(ShardAssignment.Part p) throws IOException {
            int shard = p.shard();
            shardName = manifest.shards().get(shard).file();
            String where = shardLocation(shard);
            verifyOnce(shard, where);
            if (session == null) {
                session = store.session(plan);
            }
            InputStream raw = Objects.requireNonNull(session.open(planIndex[part]),
                    () -> "the store returned null for " + where);
            stream = new BufferedInputStream(raw, bufferSize);
            tar = new TarSamples(new TarReader(stream, where), shardName, manifest.classes().size());
            index = 0;
            while (index < p.from() + partDone) {
                if (readSample(false) == null) {
                    throw new IOException("shard " + shardName + " ends after " + index
                            + " samples, but the manifest says it holds " + assignment.count(shard));
                }
                index++;
            }
        }

        /** Reads (or, without {@code data}, passes over) the next sample of the shard; null at its end. */
        private ShardSample readSample(boolean data) throws IOException {
            TarSamples.Stored s = tar.next(data ? TarSamples.Mode.READ : TarSamples.Mode.PASS);
            if (s == null) {
                return null;
            }
            return data ? new ShardSample(s.key(), s.extension(), s.image(), s.label(), shardName)
                    : new ShardSample(s.key(), "", new byte[0], -1, shardName);
        }

        private void closeShard() {
            InputStream s = stream;
            stream = null;
            tar = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // read-only stream: nothing is lost
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            next = null;
            closeShard();
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }

    /** A step of reading a shard. */
    @FunctionalInterface
    private interface IoStep {
        ShardSample run() throws IOException;
    }

    /**
     * One worker's share of an elastic dataset: the epoch's samples, in the epoch's shard order, are cut into
     * {@code elasticStreams} contiguous canonical streams, interleaved round-robin into the global order (position
     * {@code p} is sample {@code p / S} of stream {@code p mod S} while every stream has one; the longer streams give
     * the last round); the worker reads the positions {@link ElasticPositions} gives it, each stream through a cursor
     * of its own that only moves forward, passing over the samples other workers and ranks read.
     */
    private final class ElasticSamples implements PositionedIterator<ShardSample>, AutoCloseable {
        private final ElasticPositions positions;
        private final long epoch;
        private final Samples[] cursors;        // per stream, opened when this worker first reads from it
        private final long[] cursorIndex;       // per stream: the stream sample its cursor reads next
        private final long round;               // samples every stream has
        private final int[] longStreams;        // the streams with one more sample, in order
        private long position = -1;
        private boolean closed;

        ElasticSamples(ElasticPositions positions, long epoch) {
            this.positions = positions;
            this.epoch = epoch;
            int count = elasticStreams;
            long total = assignment.total();
            this.cursors = new Samples[count];
            this.cursorIndex = new long[count];
            this.round = total / count;
            List<Integer> longer = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                if (ShardAssignment.splitPoint(total, s + 1, count) - ShardAssignment.splitPoint(total, s, count)
                        > round) {
                    longer.add(s);
                }
            }
            this.longStreams = longer.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public boolean hasNext() {
            return !closed && positions.hasNext();
        }

        @Override
        public ShardSample next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more samples in this share of " + ShardedDataset.this);
            }
            long p = positions.nextLong();
            int count = cursors.length;
            int stream;
            long index;
            if (p < round * count) {
                stream = (int) (p % count);
                index = p / count;
            } else {
                stream = longStreams[(int) (p - round * count)];
                index = round;
            }
            try {
                if (cursors[stream] == null) {
                    // the stream's parts of the shards (a walk of the epoch's shard order), only for streams read
                    cursors[stream] = new Samples(assignment.parts(stream, count, epoch, ShardSplit.ELEMENTS), 1 << 13);
                }
                cursors[stream].passOver(index - cursorIndex[stream]);
                ShardSample sample = cursors[stream].next();
                cursorIndex[stream] = index + 1;
                position = p;
                return sample;
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public long position() {
            if (position < 0) {
                throw new IllegalStateException("no sample was read yet");
            }
            return position;
        }

        @Override
        public void close() {
            closed = true;
            for (Samples cursor : cursors) {
                if (cursor != null) {
                    cursor.close();
                }
            }
        }
    }

    /** Options of a {@link ShardedDataset}. */
    public static final class Builder {
        private final String location;
        private final String base;
        private final ShardStore store;
        private Path folder;
        private boolean verify = true;
        private Partition partition = Partition.SINGLE;
        private long seed;
        private boolean shuffleShards = true;
        private int shuffleBuffer;
        private ShardSplit split = ShardSplit.SHARDS;
        private boolean splitSet;
        private int elasticStreams;

        private Builder(String location, String base, ShardStore store) {
            this.location = location;
            this.base = base;
            this.store = store;
        }

        /**
         * Whether a shard whose SHA-256 the manifest records is read whole and checked the first time this dataset
         * opens it (default true; stores that verify their downloads are not checked twice).
         *
         * @param verify whether a shard whose SHA-256 the manifest records is read whole and checked the first time
         *         this dataset opens it (default true; stores that verify their downloads are not checked twice)
         * @return this builder
         */
        public Builder verifyChecksums(boolean verify) {
            this.verify = verify;
            return this;
        }

        /**
         * This process's rank among the ranks of the job (default {@link Partition#SINGLE}).
         *
         * @param partition this process's rank among the ranks of the job (default {@link Partition#SINGLE})
         * @return this builder
         */
        public Builder partition(Partition partition) {
            this.partition = Objects.requireNonNull(partition, "partition");
            return this;
        }

        /**
         * The seed of the per-epoch shard order, the same on every rank (default 0).
         *
         * @param seed the seed of the per-epoch shard order, the same on every rank (default 0)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether shards are visited in a new order every epoch (default true) or in the manifest's order.
         *
         * @param shuffleShards whether shards are visited in a new order every epoch (default true) or in the
         *         manifest's order
         * @return this builder
         */
        public Builder shuffleShards(boolean shuffleShards) {
            this.shuffleShards = shuffleShards;
            return this;
        }

        /**
         * Shuffle each consumer's samples through a buffer of this many samples (default 0: none).
         *
         * @param samples the buffer size per consumer (0: no buffer)
         * @return this builder
         */
        public Builder shuffleBuffer(int samples) {
            this.shuffleBuffer = Preconditions.checkNonNegative("shuffleBuffer", samples);
            return this;
        }

        /**
         * How samples are divided between consumers (default {@link ShardSplit#SHARDS}).
         *
         * @param split how samples are divided between consumers (default {@link ShardSplit#SHARDS})
         * @return this builder
         */
        public Builder split(ShardSplit split) {
            this.split = Objects.requireNonNull(split, "split");
            this.splitSet = true;
            return this;
        }

        /**
         * One global order of the epoch's samples for any world size and number of loader workers, with mid-epoch
         * resume at any world size (see {@link IterableDataset#elasticPartition()}): the samples, in the epoch's shard
         * order, are cut into {@code canonicalStreams} contiguous streams that are interleaved round-robin, so a batch
         * mixes samples of up to {@code canonicalStreams} shards; rank {@code r} of {@code R} takes every
         * {@code R}-th sample of that order. Keep {@code canonicalStreams} fixed for a job's life (it is part of the
         * order) and make it a multiple of every world size the job will use: then each rank reads only
         * {@code canonicalStreams / R} streams, so each shard is read by one rank; other world sizes work too, with
         * ranks reading parts of the same shards. Replaces {@link #split} and {@link #shuffleBuffer} (refused
         * together); samples within a shard keep their stored order, so the mixing comes from the shard order and
         * the interleaving.
         *
         * @param canonicalStreams the number of canonical streams (for example 48 or 240), at least 1
         * @return this builder
         */
        public Builder elastic(int canonicalStreams) {
            this.elasticStreams = Preconditions.checkPositive("canonicalStreams", canonicalStreams);
            return this;
        }

        /**
         * Reads the manifest and builds the dataset.
         *
         * @return the dataset
         * @throws IllegalArgumentException if the manifest is invalid (naming it)
         * @throws UncheckedIOException     if the manifest cannot be read
         */
        public ShardedDataset build() {
            if (elasticStreams > 0 && (shuffleBuffer > 0 || splitSet)) {
                throw new IllegalArgumentException("elastic(" + elasticStreams + ") fixes one global order, which a "
                        + (shuffleBuffer > 0 ? "per-consumer shuffleBuffer(" + shuffleBuffer + ")" : "split(" + split + ")")
                        + " would change with the world size; leave it out");
            }
            String text;
            try (InputStream in = Objects.requireNonNull(store.open(location),
                    () -> "the store returned null for " + location)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the manifest " + location + ": " + e, e);
            }
            return new ShardedDataset(this, Manifest.parse(text, location));
        }
    }
}
