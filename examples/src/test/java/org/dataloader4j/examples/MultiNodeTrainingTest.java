package org.dataloader4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.dataloader4j.spark.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-node example as separate processes: a job of three ranks stops after two steps and saves its loader states;
 * a job of two ranks merges them and trains on the rest of the epoch. Together they see every sample exactly once.
 * The shards are written by another tar implementation (Apache Commons Compress), as a user's own tooling might.
 */
class MultiNodeTrainingTest {
    private static final int[] SHARD_SIZES = {8, 2, 6, 5};

    @Test
    void aJobOfThreeRanksResumedOnTwoSeesEverySampleExactlyOnce(@TempDir Path dir) throws Exception {
        Set<String> all = writeShards(dir.resolve("photos"), dir.resolve("shards"));
        assertEquals(21, all.size());

        List<List<String>> first = job(dir, 3, "ckpt-1", "-", 1);
        List<List<String>> second = job(dir, 2, "ckpt-2", dir.resolve("ckpt-1").toString(), -1);

        List<String> seen = new ArrayList<>();
        for (List<String> rank : first) {
            assertEquals(MultiNodeTraining.BATCH_SIZE, rank.size(), "one step of " + MultiNodeTraining.BATCH_SIZE);
            seen.addAll(rank);
        }
        second.forEach(seen::addAll);
        assertEquals(all.size(), seen.size(), "every sample once over both jobs: " + seen);
        assertEquals(all, new HashSet<>(seen));
        try (Stream<Path> saved = Files.list(dir.resolve("ckpt-2"))) {
            assertEquals(2, saved.count(), "each rank of the second job saved its state");
        }
    }

    /** Runs a job of {@code ranks} processes at once; returns each rank's keys. */
    private static List<List<String>> job(Path dir, int ranks, String saveTo, String resumeFrom, int steps)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            Path out = dir.resolve(saveTo + "-rank-" + r + ".out");
            ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                    classPath, MultiNodeTraining.class.getName(), dir.resolve("shards").toString(),
                    dir.resolve(saveTo).toString(), resumeFrom, Integer.toString(steps))
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("RANK", Integer.toString(r));
            pb.environment().put("WORLD_SIZE", Integer.toString(ranks));
            processes.add(pb.start());
            outputs.add(out);
        }
        List<List<String>> keys = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            Process p = processes.get(r);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                processes.forEach(Process::destroyForcibly);
                fail("rank " + r + " of " + ranks + " did not finish within 120 s");
            }
            List<String> lines = Files.readAllLines(outputs.get(r));
            assertEquals(0, p.exitValue(), "rank " + r + " of " + ranks + " failed: " + lines);
            String header = "rank " + r + " of " + ranks + ":";
            int start = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(header)) {
                    start = i;
                }
            }
            assertTrue(start >= 0, "no header line in " + lines);
            assertEquals(!resumeFrom.equals("-"), lines.get(start).endsWith("(resumed)"), lines.get(start));
            keys.add(List.copyOf(lines.subList(start + 1, lines.size())));
        }
        return keys;
    }

    /** Lays out the demo photographs and writes them as shards of unequal sizes with a checksummed manifest. */
    private static Set<String> writeShards(Path photos, Path shards) throws IOException, NoSuchAlgorithmException {
        List<String> classes = Repository.layOutDemoPhotos(photos, 3).stream().sorted().toList();
        List<Path> files = new ArrayList<>();
        for (String c : classes) {
            try (Stream<Path> in = Files.list(photos.resolve(c))) {
                in.sorted().forEach(files::add);
            }
        }
        Files.createDirectories(shards);
        Set<String> keys = new HashSet<>();
        List<Manifest.Shard> written = new ArrayList<>();
        int next = 0;
        for (int s = 0; s < SHARD_SIZES.length; s++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
                for (int i = 0; i < SHARD_SIZES[s]; i++) {
                    Path file = files.get(next++);
                    String cls = file.getParent().getFileName().toString();
                    String key = cls + "/" + file.getFileName().toString().replace(".jpg", "");
                    keys.add(key);
                    add(tar, key + ".jpg", Files.readAllBytes(file));
                    add(tar, key + ".cls", Integer.toString(classes.indexOf(cls)).getBytes());
                }
            }
            String name = String.format("shard-%05d.tar", s);
            Files.write(shards.resolve(name), bytes.toByteArray());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
            written.add(new Manifest.Shard(name, SHARD_SIZES[s], bytes.size(), sha));
        }
        assertEquals(files.size(), next, "every photograph in a shard");
        Manifest manifest = new Manifest(0, written, classes, new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(shards.resolve(Manifest.FILE_NAME), manifest.toJson());
        return keys;
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
