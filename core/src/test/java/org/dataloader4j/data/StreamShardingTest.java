package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.dataloader4j.io.Npy;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every line and every row is delivered exactly once over all (rank, worker) pairs: worldSize 1–3 × workers 1–4. */
class StreamShardingTest {
    @TempDir
    static Path dir;
    private static List<Path> textFiles;
    private static List<String> expectedLines;
    private static List<Path> shardFiles;
    private static List<Long> expectedRows;

    static Stream<Arguments> grid() {
        List<Arguments> out = new ArrayList<>();
        for (int world = 1; world <= 3; world++) {
            for (int workers = 1; workers <= 4; workers++) {
                out.add(Arguments.of(world, workers));
            }
        }
        return out.stream();
    }

    @BeforeAll
    static void makeFiles() throws IOException {
        textFiles = new ArrayList<>();
        expectedLines = new ArrayList<>();
        // varied lengths, empty lines, CRLF, no final newline, multi-byte characters, a line longer than the buffer
        String[][] contents = {
            {"alpha", "", "γάμμα δέλτα", "x".repeat(100_000), "tail"},
            {},
            {"only line without newline"},
            {"crlf one", "crlf two", ""},
        };
        for (int f = 0; f < contents.length; f++) {
            StringBuilder sb = new StringBuilder();
            String[] lines = contents[f];
            for (int i = 0; i < lines.length; i++) {
                sb.append(lines[i]);
                boolean last = i == lines.length - 1;
                if (f == 3) {
                    sb.append("\r\n");
                } else if (!(f == 2 && last)) {
                    sb.append('\n');
                }
                expectedLines.add(lines[i]);
            }
            for (int i = 0; i < 200; i++) {         // plus many short numbered lines
                if (f == 2) {
                    break;
                }
                String line = "file " + f + " line " + i + " " + "#".repeat(i % 13);
                sb.append(line).append(f == 3 ? "\r\n" : "\n");
                expectedLines.add(line);
            }
            Path p = dir.resolve("text-" + f + ".txt");
            Files.writeString(p, sb, StandardCharsets.UTF_8);
            textFiles.add(p);
        }
        // .npy shards of INT64 [rows, 2] holding (global row, -global row); one empty, one big-endian (read, not mapped)
        shardFiles = new ArrayList<>();
        expectedRows = new ArrayList<>();
        long[] sizes = {3, 0, 7, 1, 10};
        long next = 0;
        for (int s = 0; s < sizes.length; s++) {
            long[] values = new long[(int) sizes[s] * 2];
            for (int r = 0; r < sizes[s]; r++) {
                values[2 * r] = next;
                values[2 * r + 1] = -next;
                expectedRows.add(next++);
            }
            Path p = dir.resolve(String.format("shard-%02d.npy", s));
            if (s == 3) {
                writeBigEndian(p, values, sizes[s]);
            } else {
                try (Tensor t = Tensor.of(values, sizes[s], 2)) {
                    Npy.write(p, t);
                }
            }
            shardFiles.add(p);
        }
    }

    private static void writeBigEndian(Path p, long[] values, long rows) throws IOException {
        String dict = "{'descr': '>i8', 'fortran_order': False, 'shape': (" + rows + ", 2), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] text = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + values.length * 8);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) text.length).put(text).order(ByteOrder.BIG_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        Files.write(p, b.array());
    }

    private static <T> List<T> drain(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest(name = "worldSize {0} x workers {1}")
    @MethodSource("grid")
    void everyLineExactlyOnceAndInOrderOverRanksAndWorkers(int worldSize, int workers) {
        List<String> all = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            LineDataset lines = new LineDataset(textFiles, new Partition(rank, worldSize));
            for (int w = 0; w < workers; w++) {
                all.addAll(drain(lines.iterator(new WorkerInfo(w, workers, 99, 0))));
            }
        }
        // consumers own consecutive byte ranges in (rank, worker) order, so their shares concatenate to the input
        assertEquals(expectedLines.size(), all.size());
        assertEquals(expectedLines, all);
    }

    @ParameterizedTest(name = "worldSize {0} x workers {1}")
    @MethodSource("grid")
    void everyRowExactlyOnceOverRanksAndWorkers(int worldSize, int workers) {
        for (ShardSplit split : ShardSplit.values()) {
            for (boolean shuffle : new boolean[] {false, true}) {
                List<Tensor> rows = new ArrayList<>();
                for (int rank = 0; rank < worldSize; rank++) {
                    NpyShardsDataset shards = NpyShardsDataset.builder(dir).partition(new Partition(rank, worldSize))
                            .shuffleShards(shuffle).seed(5).split(split).build();
                    for (int w = 0; w < workers; w++) {
                        rows.addAll(drain(shards.iterator(new WorkerInfo(w, workers, 1, 3))));
                    }
                }
                System.gc();   // rows keep their shard's memory alive while reachable
                List<Long> seen = new ArrayList<>();
                for (Tensor row : rows) {
                    assertEquals(Shape.of(2), row.shape());
                    assertEquals(-row.getLong(0), row.getLong(1));
                    seen.add(row.getLong(0));
                }
                seen.sort(null);
                assertEquals(expectedRows, seen, "shuffle=" + shuffle + ", split=" + split);
            }
        }
    }

    @Test
    void shardDatasetReportsItsShardsAndRefusesMismatches() throws IOException {
        NpyShardsDataset shards = NpyShardsDataset.builder(dir).build();
        assertEquals(shardFiles, shards.shards());
        assertEquals(Partition.SINGLE, shards.partition());
        assertEquals(21, shards.totalRows());
        assertEquals(DType.INT64, shards.dtype());
        assertEquals(Shape.of(2), shards.rowShape());
        Path odd = dir.resolve("odd");
        Files.createDirectories(odd);
        try (Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3); Tensor b = Tensor.zeros(DType.FLOAT32, 2, 4)) {
            Npy.write(odd.resolve("a.npy"), a);
            Npy.write(odd.resolve("b.npy"), b);
        }
        String m = assertThrows(IllegalArgumentException.class, () -> NpyShardsDataset.builder(odd).build())
                .getMessage();
        assertTrue(m.contains("b.npy") && m.contains("[4]") && m.contains("[3]"), m);
        Path none = dir.resolve("none");
        Files.createDirectories(none);
        m = assertThrows(IllegalArgumentException.class, () -> NpyShardsDataset.builder(none).build()).getMessage();
        assertTrue(m.contains("no .npy file"), m);

    }

    @Test
    void withoutShardShufflingEveryEpochReadsTheShardsInFileOrder() {
        NpyShardsDataset shards = NpyShardsDataset.builder(dir).shuffleShards(false).build();
        List<Long> fileOrder = new ArrayList<>();
        for (Path shard : shardFiles) {
            try (Tensor t = Npy.read(shard)) {
                for (long r = 0; r < t.shape().dim(0); r++) {
                    fileOrder.add(t.getLong(r, 0));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (long epoch = 0; epoch < 3; epoch++) {
            assertEquals(fileOrder, drain(shards.iterator(new WorkerInfo(0, 1, 0, epoch))).stream()
                    .map(r -> r.getLong(0)).toList(), "epoch " + epoch);
        }
    }

    @Test
    void shardOrderChangesWithTheEpochWhenShuffled() {
        NpyShardsDataset shards = NpyShardsDataset.builder(shardFiles).seed(11).build();
        List<List<Long>> orders = new ArrayList<>();
        for (int epoch = 0; epoch < 6; epoch++) {
            List<Long> firstColumn = new ArrayList<>();
            for (Tensor row : drain(shards.iterator(new WorkerInfo(0, 1, 0, epoch)))) {
                firstColumn.add(row.getLong(0));
            }
            orders.add(firstColumn);
        }
        assertEquals(orders.get(2), drain(shards.iterator(new WorkerInfo(0, 1, 0, 2))).stream()
                .map(r -> r.getLong(0)).toList(), "same epoch, same order");
        assertTrue(orders.stream().distinct().count() > 1, "shard orders should differ between epochs");
    }
}
