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

/** The body of one shard task: reads, decodes, preprocesses and writes the samples of shard {@code index}. */
final class ShardWriter implements Function2<Integer, Iterator<Tuple2<ShardJob.Place, ShardJob.Input>>,
        Iterator<ShardReport>> {
    static final String PREFIX = "shard-";

    private final String output;
    private final ShardJob.Options options;

    ShardWriter(String output, ShardJob.Options options) {
        this.output = output;
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
        Path target = Path.of(output, report.file);
        TaskContext task = TaskContext.get();
        Path temp = Path.of(output, report.file + ".tmp-" + (task == null ? 0 : task.taskAttemptId()));
        RunningStats stats = new RunningStats(3);
        String previous = null;
        MessageDigest sha256 = Checksums.sha256();
        try (OutputStream out = new BufferedOutputStream(new DigestOutputStream(Files.newOutputStream(temp), sha256),
                1 << 16)) {
            TarWriter tar = new TarWriter(out);
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
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        report.sha256 = Checksums.hex(sha256.digest());   // the stream is closed: every byte went through
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        report.stats = stats;
        return List.of(report).iterator();
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
