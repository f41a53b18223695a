package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch of ImageFolder samples reads as PyTorch's does: element 0 the images, element 1 the targets. */
class ImageFolderBatchTest {
    @Test
    void inputsAndTargetsAreElementsZeroAndOne(@TempDir Path root) throws Exception {
        for (String c : new String[] {"a", "b"}) {
            Files.createDirectories(root.resolve(c));
            Fixtures.photo(root.resolve(c), c + ".jpg", 30, 20, false, c.charAt(0));
        }
        var dataset = ImageFolder.builder(root).transform(Compose.of(new Resize(8, 8, org.dataloader4j.vision.transforms.InterpolationMode.BILINEAR)).then(new ToTensor()))
                .build();
        try (var loader = DataLoader.builder(dataset).batchSize(2).build(); Batch batch = loader.iterator().next()) {
            assertArrayEquals(new long[] {2, 3, 8, 8}, batch.tensor(0).shape().toArray());
            assertArrayEquals(new long[] {0, 1}, batch.tensor(1).toLongArray());
            assertSame(batch.tensor("input"), batch.tensor(0));
        }
    }
}
