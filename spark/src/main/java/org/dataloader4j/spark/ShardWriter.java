package org.dataloader4j.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.ImageCodec;
import org.dataloader4j.spark.internal.ShardReport;
import org.dataloader4j.spark.internal.TarWriter;
import org.dataloader4j.stats.RunningStats;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.transforms.Functional;
import org.dataloader4j.vision.transforms.InterpolationMode;
import scala.Tuple2;

/**
 * The body of one shard task: reads, decodes, preprocesses and writes the samples of shard {@code index}, into a
 * local folder (a temporary file renamed into place) or an object store through S3A ({@link S3aOutput}: one object,
 * visible when complete).
 */
final class ShardWriter implements Function2<Integer, Iterator<Tuple2<ShardJob.Place, ShardJob.Input>>,
        Iterator<ShardReport>> {
    static final String PREFIX = "shard-";

    /** The local output folder, or null for an object store. */
    private final String output;
    /** The object-store output, or null for a local folder. */
    private final S3aOutput store;
    private final ShardJob.Options options;

    /** A writer into the local folder {@code output}. */
    ShardWriter(String output, ShardJob.Options options) {
        this(output, null, options);
    }

    /** A writer into an object store. */
    ShardWriter(S3aOutput store, ShardJob.Options options) {
        this(null, store, options);
    }

    private ShardWriter(String output, S3aOutput store, ShardJob.Options options) {
        this.output = output;
        this.store = store;
        this.options = options;
    }

    static String fileName(int shard, int shards) {
        return PREFIX + String.format("%0" + Math.max(5, String.valueOf(shards - 1).length()) + "d", shard) + ".tar";
    }

    @Override
    public Iterator<ShardReport> call(Integer index, Iterator<Tuple2<ShardJob.Place, ShardJob.Input>> samples)
            throws IOException {
        ShardReport report = new ShardReport();
        report.shard = index;
        report.file = fileName(index, options.shards());
        RunningStats stats = new RunningStats(3);
        MessageDigest sha256 = Checksums.sha256();
        if (store == null) {
            writeLocal(samples, report, stats, sha256);
        } else {
            writeToStore(samples, report, stats, sha256);
        }
        report.sha256 = Checksums.hex(sha256.digest());   // the stream is closed: every byte went through
        report.stats = stats;
        return List.of(report).iterator();
    }

    /** Into a temporary file of this attempt, renamed into place when complete. */
    private void writeLocal(Iterator<Tuple2<ShardJob.Place, ShardJob.Input>> samples, ShardReport report,
                            RunningStats stats, MessageDigest sha256) throws IOException {
        Path target = Path.of(output, report.file);
        TaskContext task = TaskContext.get();
        Path temp = Path.of(output, report.file + ".tmp-" + (task == null ? 0 : task.taskAttemptId()));
        try (OutputStream out = new BufferedOutputStream(new DigestOutputStream(Files.newOutputStream(temp), sha256),
                1 << 16)) {
            writeTar(out, samples, report, stats);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * As one object, which S3A uploads when the stream is closed (a PUT, or a multipart upload completed then): it
     * appears whole or not at all, and a failed attempt aborts its upload.
     */
    private void writeToStore(Iterator<Tuple2<ShardJob.Place, ShardJob.Input>> samples, ShardReport report,
                              RunningStats stats, MessageDigest sha256) {
        String where = store.location(report.file);
        try (FileSystem fs = store.fileSystem()) {
            FSDataOutputStream object = store.create(fs, report.file);
            try {
                OutputStream out = new BufferedOutputStream(new DigestOutputStream(object, sha256), 1 << 16);
                writeTar(out, samples, report, stats);
                out.flush();
            } catch (IOException | RuntimeException e) {
                S3aOutput.abort(object, e);
                throw e;
            }
            object.close();   // completes the upload
        } catch (IOException e) {
            throw store.failure("cannot write shard " + where, e);
        }
    }

    /** The shard's samples as a tar archive, in place order; counts and skips go to {@code report}. */
    private void writeTar(OutputStream out, Iterator<Tuple2<ShardJob.Place, ShardJob.Input>> samples,
                          ShardReport report, RunningStats stats) throws IOException {
        TarWriter tar = new TarWriter(out);
        String previous = null;
        while (samples.hasNext()) {
            ShardJob.Input in = samples.next()._2();
            if (in.key().equals(previous)) {
                throw new IllegalArgumentException("duplicate sample key " + in.key() + " (from "
                        + source(in) + "): keys must be unique");
            }
            previous = in.key();
            Encoded e = encode(in, stats, report);
            if (e == null) {
                continue;
            }
            tar.add(in.key() + "." + e.extension, e.bytes);
            tar.add(in.key() + ".cls", Integer.toString(in.label()).getBytes(StandardCharsets.US_ASCII));
            report.samples++;
        }
        tar.finish();
        report.bytes = tar.bytesWritten();
    }

    private record Encoded(String extension, byte[] bytes) {
    }

    private static String source(ShardJob.Input in) {
        return in.path() != null ? in.path() : "key " + in.key();
    }

    /** The sample's stored bytes, its statistics added; null (and a skip recorded) for a corrupt image. */
    private Encoded encode(ShardJob.Input in, RunningStats stats, ShardReport report) {
        byte[] original;
        Image rgb;
        try {
            if (in.path() != null) {
                Path path = Path.of(in.path());
                original = Files.readAllBytes(path);
                rgb = Decoders.standard().decode(path, Image.Mode.RGB);
            } else {
                original = in.bytes();
                rgb = ImageCodec.decode(original, source(in), Image.Mode.RGB);
            }
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof IOException ? "cannot read the file: " + e : String.valueOf(e.getMessage());
            String prefix = "cannot decode image " + source(in) + ": ";
            if (reason.startsWith(prefix)) {
                reason = reason.substring(prefix.length());
            }
            if (options.onCorrupt() == ShardJob.OnCorrupt.SKIP) {
                report.skip(source(in), reason);
                return null;
            }
            throw new IllegalArgumentException("corrupt image " + source(in) + ": " + reason
                    + " (run with onCorrupt SKIP / --on-corrupt skip to leave such images out)", e);
        }
        try {
            boolean resized = false;
            if (options.maxSide() > 0 && Math.min(rgb.width(), rgb.height()) > options.maxSide()) {
                Image smaller = Functional.resize(rgb, options.maxSide(), InterpolationMode.BILINEAR);
                rgb.close();
                rgb = smaller;
                resized = true;
            }
            ImageCodec.Format format = ImageCodec.sniff(original);
            Encoded encoded;
            Image stored = rgb;   // the pixels a reader will decode from the stored bytes
            if (options.quality() > 0 || (resized && format == ImageCodec.Format.JPEG)) {
                int q = options.quality() > 0 ? options.quality() : ShardJob.DEFAULT_QUALITY;
                byte[] jpeg = ImageCodec.encodeJpeg(rgb, q);
                encoded = new Encoded("jpg", jpeg);
                stored = ImageCodec.decode(jpeg, "re-encoded " + source(in), Image.Mode.RGB);
            } else if (!resized && format != ImageCodec.Format.OTHER) {
                encoded = new Encoded(format.extension(), original);
            } else {
                encoded = new Encoded("png", ImageCodec.encodePng(rgb));
            }
            try (Tensor chw = Functional.toTensor(stored)) {
                stats.addChannels(chw);
            } finally {
                if (stored != rgb) {
                    stored.close();
                }
            }
            return encoded;
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("cannot encode " + source(in) + ": " + e.getMessage(), e);
        } finally {
            rgb.close();
        }
    }
}
