package org.dataloader4j.loader;

import java.util.function.Consumer;
import org.dataloader4j.data.WorkerInfo;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.RandomStreams;

/** Helpers shared by the engines. */
final class Workers {
    private Workers() {
    }

    /**
     * On worker thread {@code id} of {@code pool}: runs the loader's {@code workerInit}, once per thread,
     * turning a failure into a {@link DataLoaderException} naming the worker.
     */
    static void initialize(LoaderConfig<?, ?> config, WorkerPool pool, long epoch, int id) {
        Consumer<WorkerInfo> init = config.workerInit();
        if (init == null) {
            return;
        }
        pool.initializeOnce(id, () -> {
            WorkerInfo info = config.worker(id, pool.size(), epoch);
            try {
                init.accept(info);
            } catch (Throwable e) {
                throw DataLoaderException.workerInit(epoch, id, e);
            }
        });
    }

    /** The seed handed to worker {@code id} in {@code epoch}: derived, never drawn from a shared source. */
    static long workerSeed(long seed, long epoch, int id) {
        return CounterRandom.key(seed, epoch, id, RandomStreams.WORKER);
    }
}
