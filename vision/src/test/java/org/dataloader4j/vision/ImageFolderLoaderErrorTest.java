package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.dataloader4j.collate.Batch;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.DataLoaderException;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A broken JPEG in an ImageFolder read through the fused decode: the loader names the sample, the file and why. */
@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ImageFolderLoaderErrorTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void aTruncatedJpegIsReportedWithItsIndexAndPathForTrainAndEvalPipelines(int workers, @TempDir Path root)
            throws IOException {
        Path cats = Files.createDirectories(root.resolve("cat"));
        for (int i = 0; i < 6; i++) {
            Fixtures.photo(cats, "c" + i + ".jpg", 120, 90, false, i);
        }
        Path broken = cats.resolve("c3.jpg");
        byte[] bytes = Files.readAllBytes(broken);
        Files.write(broken, Arrays.copyOf(bytes, bytes.length / 3));
        for (Compose<?, Tensor> pipeline : java.util.List.<Compose<?, Tensor>>of(
                Compose.of(new RandomResizedCrop(48)).then(new RandomHorizontalFlip()).then(new ToTensor()),
                Compose.of(new Resize(64)).then(new CenterCrop(48)).then(new ToTensor()))) {
            @SuppressWarnings("unchecked")
            DatasetFolder<Tensor> ds = ImageFolder.builder(root).transform((Compose<Image, Tensor>) pipeline)
                    .build();
            long index = ds.samples().stream().map(DatasetFolder.Entry::path).toList().indexOf(broken);
            var builder = DataLoader.builder(ds).batchSize(2);
            if (workers > 0) {
                builder.numWorkers(workers);
            }
            try (var loader = builder.build()) {
                DataLoaderException e = assertThrows(DataLoaderException.class, () -> {
                    for (Batch batch : loader.epoch(0)) {
                        batch.close();
                    }
                });
                assertEquals(index, e.sampleIndex().orElseThrow(), e.getMessage());
                assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
                assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt"), e.getMessage());
            }
        }
    }
}
