package org.dataloader4j.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How close the order in which a {@link ShardedDataset} delivers its samples comes to a full random permutation,
 * in three numbers, each next to what a uniformly random permutation of the same samples gives:
 * <ul>
 *   <li>{@code displacement}: how far samples move from their place in storage order (shard by shard), as the
 *       mean of |load position − storage position| / n; a random permutation gives about 1/3, no shuffle 0;</li>
 *   <li>{@code sameShardPairs}: the fraction of consecutive samples that come from the same shard; a random
 *       permutation gives Σ c(c−1) / n(n−1) over the shards' counts c, reading shards one after another about 1;</li>
 *   <li>{@code shardsPerWindow}: the mean number of distinct shards among {@code window} consecutive samples (a
 *       batch), which says how mixed each batch is.</li>
 * </ul>
 *
 * <pre>{@code
 * List<ShardSample> stored = new ArrayList<>(), loaded = new ArrayList<>();
 * unshuffled.iterator(WorkerInfo.single(0, 0)).forEachRemaining(stored::add);   // shuffleShards(false), no buffer
 * shuffled.iterator(WorkerInfo.single(0, 0)).forEachRemaining(loaded::add);
 * ShuffleQuality q = ShuffleQuality.of(stored, loaded, 64);
 * System.out.println(q + " vs " + ShuffleQuality.randomPermutation(stored, 64, 1));
 * }</pre>
 *
 * @param samples         samples in the order measured
 * @param displacement    mean |load position − storage position| / n
 * @param sameShardPairs  fraction of consecutive pairs from one shard
 * @param shardsPerWindow mean distinct shards per window of {@code window} consecutive samples
 * @param window          the window (batch) size
 */
public record ShuffleQuality(long samples, double displacement, double sameShardPairs, double shardsPerWindow,
                             int window) {

    /**
     * {@return the quality of {@code loaded}, a load order of the samples in {@code stored} (the storage order)}
     *
     * @param stored the samples in storage order
     * @param loaded the same samples in load order
     * @param window the number of consecutive samples looked at together
     * @throws IllegalArgumentException if the two lists do not hold the same samples (by shard and key), naming one
     *                                  that differs, or {@code window < 1}
     */
    public static ShuffleQuality of(List<ShardSample> stored, List<ShardSample> loaded, int window) {
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(loaded, "loaded");
        if (window < 1) {
            throw new IllegalArgumentException("window should be a positive number of samples, but got window=" + window);
        }
        if (stored.size() != loaded.size()) {
            throw new IllegalArgumentException("the load order has " + loaded.size() + " samples but storage has "
                    + stored.size() + ": they must be the same samples");
        }
        Map<String, Integer> storagePosition = new HashMap<>(stored.size() * 2);
        for (int i = 0; i < stored.size(); i++) {
            storagePosition.put(id(stored.get(i)), i);
        }
        int n = loaded.size();
        String[] shards = new String[n];
        double moved = 0;
        for (int p = 0; p < n; p++) {
            ShardSample s = loaded.get(p);
            Integer o = storagePosition.remove(id(s));
            if (o == null) {
                throw new IllegalArgumentException("sample " + s.key() + " of shard " + s.shard() + " at load position "
                        + p + " is not in the storage order (or is there twice)");
            }
            moved += Math.abs(p - o);
            shards[p] = s.shard();
        }
        return measure(shards, n == 0 ? 0 : moved / ((double) n * n), window);
    }

    /**
     * {@return what a uniformly random permutation of {@code stored} gives (one draw from {@code seed}), to compare
     * with}
     *
     * @param stored the samples in storage order
     * @param window the number of consecutive samples looked at together
     * @param seed the seed of the permutation
     */
    public static ShuffleQuality randomPermutation(List<ShardSample> stored, int window, long seed) {
        List<ShardSample> shuffled = new ArrayList<>(stored);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            ShardSample t = shuffled.get(i);
            shuffled.set(i, shuffled.get(j));
            shuffled.set(j, t);
        }
        return of(stored, shuffled, window);
    }

    private static ShuffleQuality measure(String[] shards, double displacement, int window) {
        int n = shards.length;
        long same = 0;
        for (int p = 1; p < n; p++) {
            if (shards[p].equals(shards[p - 1])) {
                same++;
            }
        }
        double windows = 0;
        int counted = 0;
        for (int start = 0; start + window <= n; start += window) {
            Set<String> distinct = new HashSet<>();
            for (int p = start; p < start + window; p++) {
                distinct.add(shards[p]);
            }
            windows += distinct.size();
            counted++;
        }
        return new ShuffleQuality(n, displacement, n < 2 ? 0 : (double) same / (n - 1),
                counted == 0 ? 0 : windows / counted, window);
    }

    private static String id(ShardSample s) {
        return s.shard() + '\u0000' + s.key();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "ShuffleQuality(%d samples: displacement %.3f, same-shard pairs"
                + " %.3f, %.1f shards per %d samples)", samples, displacement, sameShardPairs, shardsPerWindow, window);
    }
}
