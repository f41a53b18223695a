package org.dataloader4j.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Iterator;
import java.util.PrimitiveIterator;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.sampler.RandomSampler;
import org.dataloader4j.testing.IndexDataset;
import org.junit.jupiter.api.Test;

/** {@code shuffle(true)} over datasets too large for a permutation held in memory. */
class ShuffleBeyondIntRangeTest {
    private static final long SIZE = 3_000_000_000L;

    private static final Collate<Long, long[]> AS_ARRAY =
            samples -> samples.stream().mapToLong(Long::longValue).toArray();

    private static long[] firstBatches(DataLoader<long[]> loader, long epoch, int batches) {
        Iterator<long[]> it = loader.epoch(epoch).iterator();
        long[] out = new long[0];
        for (int b = 0; b < batches; b++) {
            long[] batch = it.next();
            int at = out.length;
            out = Arrays.copyOf(out, at + batch.length);
            System.arraycopy(batch, 0, out, at, batch.length);
        }
        return out;
    }

    @Test
    void shuffleTrueOverThreeBillionSamplesUsesTheKeyedPermutation() {
        try (var loader = DataLoader.builder(IndexDataset.numbers(SIZE)).batchSize(64).shuffle(true).seed(5)
                .collate(AS_ARRAY).build()) {
            long[] epoch0 = firstBatches(loader, 0, 3);
            PrimitiveIterator.OfLong expected = RandomSampler.builder(SIZE).seed(5).build().indices(0);
            for (int i = 0; i < epoch0.length; i++) {
                assertEquals(expected.nextLong(), epoch0[i], "sample " + i + " of epoch 0");
            }
            assertEquals(epoch0.length, Arrays.stream(epoch0).distinct().count());
            assertTrue(Arrays.stream(epoch0).anyMatch(i -> i > Integer.MAX_VALUE), "indices beyond int range");
            assertFalse(Arrays.equals(epoch0, firstBatches(loader, 1, 3)), "epoch 1 is another order");
            assertArrayEquals(epoch0, firstBatches(loader, 0, 3), "epoch 0 again");
            String sampler = loader.state().fingerprint().get("batch sampler");
            assertTrue(sampler.contains("permutation=keyed-feistel"), sampler);
        }
    }
}
