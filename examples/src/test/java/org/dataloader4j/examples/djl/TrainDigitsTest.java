package org.dataloader4j.examples.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TrainDigitsTest {

    @Test
    void theBundledDigitsAreScikitLearns() {
        try (Digits digits = Digits.load()) {
            assertEquals(List.of(1797L, 64L), LongStream.of(digits.images().shape().toArray()).boxed().toList());
            long[] counts = new long[10];
            for (long y : digits.labels().toLongArray()) {
                counts[(int) y]++;
            }
            // load_digits' class sizes
            assertArrayEquals(new long[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, counts);
            float[] first = digits.images().select(0).toFloatArray();
            assertEquals(5 / 16f, first[2]);    // 0,0,5,13,9,1,0,0,...
            assertEquals(13 / 16f, first[3]);
        }
    }

    @Test
    void anMlpFedByOurLoaderThroughEasyTrainReaches95PercentOnHeldOutDigits() {
        List<TrainDigits.Epoch> seen = new ArrayList<>();
        TrainDigits.Result result = TrainDigits.train(TrainDigits.Options.defaults(), seen::add);
        System.out.printf("held-out accuracy %.2f%% (%d of %d) after %d epochs in %.2f s%n", 100 * result.accuracy(),
                result.correct(), result.heldOut(), seen.size(), result.seconds());
        assertEquals(1438, result.trainSize());
        assertEquals(359, result.heldOut());
        assertEquals(20, seen.size());
        assertTrue(result.accuracy() >= 0.95, () -> "held-out accuracy " + result.accuracy() + ", epochs " + seen);
        // DJL's own evaluator, run by EasyTrain on the held-out loader, agrees with our count
        assertEquals(result.accuracy(), seen.getLast().heldOutAccuracy(), 1e-6);
        assertTrue(seen.getLast().trainLoss() < seen.getFirst().trainLoss() / 4, seen::toString);
    }

    @Test
    void trainingIsTheSameWithZeroAndTwoWorkers() {
        TrainDigits.Options two = new TrainDigits.Options(3, 32, 2, 7, 0.005f);
        TrainDigits.Options zero = new TrainDigits.Options(3, 32, 0, 7, 0.005f);
        List<TrainDigits.Epoch> a = new ArrayList<>();
        List<TrainDigits.Epoch> b = new ArrayList<>();
        TrainDigits.Result ra = TrainDigits.train(two, a::add);
        TrainDigits.Result rb = TrainDigits.train(zero, b::add);
        assertEquals(ra.correct(), rb.correct());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), "epoch " + i);
            assertEquals(a.get(i).heldOutLoss(), b.get(i).heldOutLoss(), "epoch " + i);
        }
    }
}
