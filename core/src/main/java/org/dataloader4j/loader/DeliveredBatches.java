package org.dataloader4j.loader;

import java.util.TreeSet;

/**
 * Which batches of an epoch the consumer has received: every number below {@code prefix}, plus the
 * numbers in {@code extra} (only non-empty when {@code inOrder(false)} lets a batch overtake another).
 * Used on the consumer thread only.
 */
final class DeliveredBatches {
    private long prefix;
    private final TreeSet<Long> extra = new TreeSet<>();

    DeliveredBatches() {
    }

    DeliveredBatches(long prefix, long[] extra) {
        this.prefix = prefix;
        for (long n : extra) {
            add(n);
        }
    }

    void add(long batchNumber) {
        if (batchNumber < prefix) {
            return;
        }
        extra.add(batchNumber);
        while (extra.remove(prefix)) {
            prefix++;
        }
    }

    boolean contains(long batchNumber) {
        return batchNumber < prefix || extra.contains(batchNumber);
    }

    long prefix() {
        return prefix;
    }

    long[] extra() {
        return extra.stream().mapToLong(Long::longValue).toArray();
    }

    long count() {
        return prefix + extra.size();
    }
}
