package org.dataloader4j.bench.remote;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.TarWriter;

/**
 * Writes the JPEGs of an ImageFolder as a shard set without Spark: the same WebDataset tar layout ({@code key.jpg},
 * {@code key.cls}) and checksummed {@code manifest.json} as {@code ShardJob} with its bytes copied unchanged, but
 * with the images split into a chosen number of shards in one process, so that one set of photographs can be cut
 * into 64 and into 1,024 shards holding the same samples.
 */
final class ShardSetWriter {
    /** One image of the folder: its file and class index. */
    record Image(Path file, int label, String key) {
    }

    /** The images of an ImageFolder and its class names (sorted sub-folder names). */
    record Folder(List<String> classes, List<Image> images) {
        /** The total size of the image files in bytes. */
        long bytes() throws IOException {
            long total = 0;
            for (Image image : images) {
                total += Files.size(image.file());
            }
            return total;
        }
    }

    private ShardSetWriter() {
    }

    /**
     * Lists the {@code .jpg}/{@code .jpeg} files of an ImageFolder ({@code root/<class>/<file>}), sorted, and keeps at
     * most {@code limit} of them, taken round-robin over the classes so that every class keeps its share.
     *
     * @throws IOException naming the folder if it has no class folders or no JPEGs
     */
    static Folder list(Path root, int limit) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("no image folder at " + root + " (expected <class>/<image>.jpg below it; make one"
                    + " with ../shared/bench/make-bench-data.sh)");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<String> classes = new ArrayList<>();
        List<List<Image>> perClass = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            String name = dir.getFileName().toString();
            List<Image> images;
            try (Stream<Path> s = Files.list(dir)) {
                images = s.filter(ShardSetWriter::isJpeg).sorted()
                        .map(f -> new Image(f, label, key(name, f))).toList();
            }
            classes.add(name);
            perClass.add(images);
        }
        List<Image> all = new ArrayList<>();
        for (int i = 0; all.size() < limit; i++) {
            boolean any = false;
            for (List<Image> images : perClass) {
                if (i < images.size() && all.size() < limit) {
                    all.add(images.get(i));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        if (all.isEmpty()) {
            throw new IOException("the image folder " + root + " holds no <class>/<image>.jpg files");
        }
        return new Folder(List.copyOf(classes), List.copyOf(all));
    }

    private static boolean isJpeg(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(f) && (n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** A WebDataset key: {@code class/stem}, anything but letters, digits, {@code _} and {@code -} as {@code _}. */
    private static String key(String className, Path file) {
        String name = file.getFileName().toString();
        String stem = name.substring(0, name.lastIndexOf('.'));
        return (className + "/" + stem).replaceAll("[^A-Za-z0-9_/-]", "_");
    }

    /**
     * Writes {@code folder}'s images as {@code shards} shards into {@code out} (created): the images are shuffled
     * with {@code seed} and cut into contiguous runs whose sizes differ by at most one, each run sorted by key.
     *
     * @return the manifest written
     * @throws IllegalArgumentException if {@code shards} is not in {@code [1, images]}
     */
    static Manifest write(Folder folder, int shards, long seed, Path out) throws IOException {
        int n = folder.images().size();
        if (shards < 1 || shards > n) {
            throw new IllegalArgumentException("cannot cut " + n + " images into " + shards + " shards: the number of"
                    + " shards must be between 1 and the number of images");
        }
        Files.createDirectories(out);
        List<Image> order = new ArrayList<>(folder.images());
        Collections.shuffle(order, new Random(seed));
        int digits = Math.max(5, String.valueOf(shards - 1).length());
        List<Manifest.Shard> written = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            List<Image> part = new ArrayList<>(order.subList((int) ((long) s * n / shards),
                    (int) ((long) (s + 1) * n / shards)));
            part.sort((a, b) -> a.key().compareTo(b.key()));
            String file = String.format(Locale.ROOT, "shard-%0" + digits + "d.tar", s);
            MessageDigest sha = Checksums.sha256();
            long bytes;
            try (OutputStream o = new BufferedOutputStream(new DigestOutputStream(
                    Files.newOutputStream(out.resolve(file)), sha), 1 << 16)) {
                TarWriter tar = new TarWriter(o);
                for (Image image : part) {
                    tar.add(image.key() + ".jpg", Files.readAllBytes(image.file()));
                    tar.add(image.key() + ".cls", Integer.toString(image.label()).getBytes(StandardCharsets.US_ASCII));
                }
                tar.finish();
                bytes = tar.bytesWritten();
            }
            written.add(new Manifest.Shard(file, part.size(), bytes, Checksums.hex(sha.digest())));
        }
        Manifest manifest = new Manifest(seed, written, folder.classes(), new double[0], new double[0], 0, 0, 0,
                List.of());
        Files.writeString(out.resolve(Manifest.FILE_NAME), manifest.toJson());
        return manifest;
    }
}
