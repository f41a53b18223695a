package org.dataloader4j.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.ShardSample;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.TarWriter;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Hand-written shards of uneven sizes with a checksummed manifest, on disk and uploaded to S3Mock. */
final class TestShards {
    static final List<String> CLASSES = List.of("ant", "bee", "cat");

    private TestShards() {
    }

    /** Writes {@code counts.length} shards (shard {@code s} holds {@code counts[s]} samples) and the manifest. */
    static Manifest write(Path dir, int[] counts, boolean checksums) throws IOException {
        Random random = new Random(11);
        List<Manifest.Shard> shards = new ArrayList<>();
        for (int s = 0; s < counts.length; s++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            for (int i = 0; i < counts[s]; i++) {
                byte[] image = new byte[500 + random.nextInt(3000)];
                random.nextBytes(image);
                String key = "s" + s + "/k" + i;
                tar.add(key + ".jpg", image);
                tar.add(key + ".cls", Integer.toString((s + i) % 3).getBytes(StandardCharsets.US_ASCII));
            }
            tar.finish();
            byte[] bytes = out.toByteArray();
            String file = String.format("shard-%05d.tar", s);
            Files.write(dir.resolve(file), bytes);
            String sha = checksums ? Checksums.hex(Checksums.sha256().digest(bytes)) : null;
            shards.add(new Manifest.Shard(file, counts[s], bytes.length, sha));
        }
        Manifest m = new Manifest(0, shards, CLASSES, new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(dir.resolve(Manifest.FILE_NAME), m.toJson());
        return m;
    }

    /** Uploads every file of {@code dir} to {@code s3://bucket/prefix/}. */
    static void upload(S3Client client, Path dir, String bucket, String prefix) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                client.putObject(b -> b.bucket(bucket).key(prefix + "/" + f.getFileName()), RequestBody.fromFile(f));
            }
        }
    }

    /** A sample as a comparable line: key, extension, label, shard and a hash of the image bytes. */
    static String describe(ShardSample s) {
        return s.key() + " " + s.extension() + " " + s.label() + " " + s.shard() + " "
                + HexFormat.of().formatHex(Checksums.sha256().digest(s.image()));
    }
}
