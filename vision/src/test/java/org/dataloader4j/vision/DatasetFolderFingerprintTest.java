package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.LoaderState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ImageFolder's fingerprint follows its file list, so a checkpoint cannot be resumed over other files. */
class DatasetFolderFingerprintTest {

    private static String fingerprint(Path root) {
        return ImageFolder.builder(root).build().fingerprint().orElseThrow();
    }

    @Test
    void theFingerprintChangesWhenAFileIsAddedRemovedRenamedOrMoved(@TempDir Path root) throws Exception {
        for (String c : List.of("cat", "dog")) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < 3; i++) {
                Fixtures.photo(root.resolve(c), c + i + ".jpg", 20, 16, false, i);
            }
        }
        String original = fingerprint(root);
        assertEquals(original, fingerprint(root), "the same listing gives the same fingerprint");
        assertTrue(original.contains("6 samples, 2 classes"), original);

        Files.move(root.resolve("cat/cat2.jpg"), root.resolve("dog/cat2.jpg"));   // same files, other labels
        String moved = fingerprint(root);
        assertNotEquals(original, moved);
        Files.move(root.resolve("dog/cat2.jpg"), root.resolve("dog/renamed.jpg"));
        String renamed = fingerprint(root);
        assertNotEquals(moved, renamed);
        Files.delete(root.resolve("dog/renamed.jpg"));
        assertNotEquals(renamed, fingerprint(root));
    }

    @Test
    void aCheckpointOfOneFolderIsRefusedOverAnother(@TempDir Path a, @TempDir Path b) throws Exception {
        for (Path root : List.of(a, b)) {
            Files.createDirectories(root.resolve("x"));
            for (int i = 0; i < 4; i++) {
                Fixtures.photo(root.resolve("x"), (root == a ? "a" : "b") + i + ".jpg", 20, 16, false, i);
            }
        }
        LoaderState saved;
        try (var loader = DataLoader.builder(ImageFolder.builder(a).build()).batchSize(2).seed(1)
                .collate(List::copyOf).build()) {
            loader.epoch(0).iterator().next().forEach(s -> s.input().close());
            saved = loader.state();
        }
        try (var other = DataLoader.builder(ImageFolder.builder(b).build()).batchSize(2).seed(1)
                .collate(List::copyOf).build()) {
            var e = assertThrows(IllegalArgumentException.class, () -> other.resume(saved));
            assertTrue(e.getMessage().contains("dataset: saved DatasetFolder(4 samples, 1 classes,"), e.getMessage());
        }
    }
}
