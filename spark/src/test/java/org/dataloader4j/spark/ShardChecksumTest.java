package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.spark.internal.Checksums;
import org.dataloader4j.spark.internal.TarWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShardedDataset checks local shards against the manifest's SHA-256 the first time it opens them. */
class ShardChecksumTest {
    @TempDir
    Path dir;

    private Manifest write(boolean checksums) throws IOException {
        List<Manifest.Shard> shards = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            for (int i = 0; i < 4; i++) {
                tar.add("s" + s + "k" + i + ".jpg", ("image " + s + "/" + i).getBytes(StandardCharsets.US_ASCII));
                tar.add("s" + s + "k" + i + ".cls", "0".getBytes(StandardCharsets.US_ASCII));
            }
            tar.finish();
            String file = "shard-" + s + ".tar";
            Files.write(dir.resolve(file), out.toByteArray());
            shards.add(new Manifest.Shard(file, 4, out.size(), checksums
                    ? Checksums.hex(Checksums.sha256().digest(out.toByteArray())) : null));
        }
        Manifest m = new Manifest(0, shards, List.of("a"), new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(dir.resolve(Manifest.FILE_NAME), m.toJson());
        return m;
    }

    /** Flips one bit inside the data of the second sample's image of shard 1 (the tar stays well-formed). */
    private void flipABitOfShard1() throws IOException {
        Path f = dir.resolve("shard-1.tar");
        byte[] b = Files.readAllBytes(f);
        int at = new String(b, StandardCharsets.ISO_8859_1).indexOf("image 1/1");
        b[at + 6] ^= 0x01;
        Files.write(f, b);
    }

    private static List<String> keys(ShardedDataset ds) {
        List<String> keys = new ArrayList<>();
        Iterator<ShardSample> it = ds.iterator(new WorkerInfo(0, 1, 0, 0));
        while (it.hasNext()) {
            keys.add(it.next().key());
        }
        return keys;
    }

    @Test
    void aLocalShardWithAFlippedBitIsRefusedBeforeAnyOfItsSamplesIsDelivered() throws IOException {
        Manifest m = write(true);
        flipABitOfShard1();
        ShardedDataset ds = ShardedDataset.builder(dir).shuffleShards(false).build();
        List<String> delivered = new ArrayList<>();
        Iterator<ShardSample> it = ds.iterator(new WorkerInfo(0, 1, 0, 0));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            while (it.hasNext()) {
                delivered.add(it.next().key());
            }
        });
        assertEquals(List.of("s0k0", "s0k1", "s0k2", "s0k3"), delivered, "nothing of shard 1 reached the caller");
        String msg = e.getMessage();
        assertTrue(msg.contains("shard-1.tar") && msg.contains("SHA-256") && msg.contains(m.shards().get(1).sha256())
                && msg.contains("(corrupt)"), msg);
    }

    @Test
    void aTruncatedLocalShardIsRefusedNamingItsSize() throws IOException {
        Manifest m = write(true);
        Path f = dir.resolve("shard-2.tar");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 512));
        ShardedDataset ds = ShardedDataset.builder(dir).shuffleShards(false).build();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> keys(ds));
        assertTrue(e.getMessage().contains("shard-2.tar") && e.getMessage().contains("holds " + (b.length - 512)
                + " bytes but the manifest states " + m.shards().get(2).bytes() + " (truncated)"), e.getMessage());
    }

    @Test
    void eachShardIsHashedOnlyOnItsFirstOpen() throws IOException {
        write(true);
        AtomicInteger opens = new AtomicInteger();
        ShardedDataset ds = ShardedDataset.builder(dir.resolve(Manifest.FILE_NAME).toString(), where -> {
            opens.incrementAndGet();
            try {
                return Files.newInputStream(Path.of(where));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).build();
        assertEquals(12, keys(ds).size());
        assertEquals(1 + 3 + 3, opens.get(), "manifest, one verifying read and one reading open per shard");
        assertEquals(12, keys(ds).size());
        assertEquals(1 + 3 + 3 + 3, opens.get(), "the second epoch opens each shard once");
    }

    @Test
    void verificationCanBeTurnedOffAndOldManifestsAreReadWithoutIt() throws IOException {
        write(true);
        flipABitOfShard1();
        assertEquals(12, keys(ShardedDataset.builder(dir).verifyChecksums(false).build()).size());
        write(false);
        flipABitOfShard1();
        ShardedDataset old = ShardedDataset.builder(dir).build();
        assertTrue(!old.manifest().checksummed());
        assertEquals(12, keys(old).size(), "a manifest without checksums cannot tell; its shards are read");
    }

    @Test
    void checksumsOfAStreamAreItsLengthAndSha256() throws IOException {
        try (InputStream in = new java.io.ByteArrayInputStream("test".getBytes(StandardCharsets.US_ASCII))) {
            assertEquals(new Checksums.Digest(4, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
                    Checksums.sha256(in));
        }
    }
}
