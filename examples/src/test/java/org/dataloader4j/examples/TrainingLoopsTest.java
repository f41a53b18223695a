package org.dataloader4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopsTest {

    @Test
    void imageFolderLoopSeesEveryDemoPhotographOncePerEpochInFullSizeBatches(@TempDir Path dir) throws IOException {
        List<String> classes = Repository.layOutDemoPhotos(dir, 3);
        assertEquals(7, classes.size(), "the demo ships seven photographs");

        ImageFolderTraining.Result result = ImageFolderTraining.run(dir, 2);

        assertEquals(classes.stream().sorted().toList(), result.classes());
        assertEquals(21, result.datasetSize());
        assertEquals(2 * 2, result.batches(), "21 images in batches of 16 make 2 batches per epoch");
        List<Long> expected = LongStream.range(0, 7).flatMap(c -> LongStream.of(c, c, c)).boxed().toList();
        assertEquals(2, result.targetsPerEpoch().size());
        for (List<Long> epoch : result.targetsPerEpoch()) {
            List<Long> sorted = new ArrayList<>(epoch);
            Collections.sort(sorted);
            assertEquals(expected, sorted, "each image exactly once per epoch");
        }
        assertNotEquals(result.targetsPerEpoch().get(0), result.targetsPerEpoch().get(1),
                "the loader reshuffles every epoch");
    }

    @Test
    void tensorDatasetLoopLearnsToSeparateTheTwoClouds() {
        TensorDatasetTraining.Result result = TensorDatasetTraining.run(5);

        assertEquals(5 * 16, result.batches(), "1000 points in batches of 64 make 16 batches per epoch");
        assertEquals(5 * 1000, result.samples());
        assertTrue(result.accuracy() > 0.95, () -> "accuracy " + result.accuracy());
    }

    @Test
    void mainsExitNormallyOnTheDemoPhotographs(@TempDir Path dir) throws IOException {
        Repository.layOutDemoPhotos(dir, 1);
        ImageFolderTraining.main(new String[] {dir.toString(), "1"});
        TensorDatasetTraining.main(new String[] {"1"});
    }
}
