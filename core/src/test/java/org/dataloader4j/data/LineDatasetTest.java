package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.dataloader4j.loader.DataLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineDatasetTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void lineRulesFollowTextFileConventions() throws IOException {
        Path a = write("a.txt", "one\r\n\ntwo\nthree");
        Path empty = write("empty.txt", "");
        Path newline = write("nl.txt", "\n");
        List<String> lines = new ArrayList<>();
        new LineDataset(List.of(a, empty, newline)).iterator(WorkerInfo.single(0, 0)).forEachRemaining(lines::add);
        assertEquals(List.of("one", "", "two", "three", ""), lines);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void loadsThroughADataLoader(int workers) throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> want = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sb.append("line ").append(i).append('\n');
            want.add("line " + i);
        }
        Path p = write("many.txt", sb.toString());
        List<String> got = new ArrayList<>();
        try (DataLoader<List<String>> loader = DataLoader.builder(new LineDataset(List.of(p))).batchSize(16)
                .numWorkers(workers).<List<String>>collate(List::copyOf).build()) {
            for (List<String> batch : loader.epoch(0)) {
                got.addAll(batch);
            }
        }
        got.sort(null);
        want.sort(null);
        assertEquals(want, got);
    }

    @Test
    void iteratorClosesItsFileAndStopsWhenClosed() throws IOException {
        Path p = write("x.txt", "a\nb\nc\n");
        Iterator<String> it = new LineDataset(List.of(p)).iterator(WorkerInfo.single(0, 0));
        assertEquals("a", it.next());
        assertTrue(it instanceof AutoCloseable);
        try {
            ((AutoCloseable) it).close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertFalse(it.hasNext());
    }

    @Test
    void badArgumentsAreNamed() throws IOException {
        Path p = write("x.txt", "a\n");
        Path missing = dir.resolve("missing.txt");
        String m = assertThrows(IllegalArgumentException.class, () -> new LineDataset(List.of(p, missing)))
                .getMessage();
        assertTrue(m.contains("file 1") && m.contains("missing.txt"), m);
        assertEquals("partition", assertThrows(NullPointerException.class, () -> new LineDataset(List.of(p), null))
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LineDataset(List.of(p), StandardCharsets.UTF_16, Partition.SINGLE)).getMessage()
                .contains("UTF-16"));
        assertThrows(IllegalArgumentException.class, () -> new LineDataset(List.of()));
    }
}
