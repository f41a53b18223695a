package org.dataloader4j.loader;

import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;

/** Helpers shared by the engines. */
final class Workers {
    private Workers() {
    }

    /** The seed handed to worker {@code id} in {@code epoch}: derived, never drawn from a shared source. */
    static long workerSeed(long seed, long epoch, int id) {
        return CounterRandom.key(seed, epoch, id, RandomStreams.WORKER);
    }
}
