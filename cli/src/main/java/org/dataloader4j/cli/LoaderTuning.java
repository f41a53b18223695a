package org.dataloader4j.cli;

import org.dataloader4j.loader.DataLoader;

/**
 * The in-flight limits {@code bench} may set on our loader to measure throughput against batch memory: PyTorch's
 * {@code prefetchFactor} rule and a byte budget. Both apply only with worker threads (the loader refuses them at 0
 * workers, where one batch is loaded at a time); PyTorch's side always runs with its defaults.
 *
 * @param prefetchFactor   batches per worker in flight, or 0 for the loader's default window
 * @param maxInflightBytes the loader's byte budget, or 0 for none
 */
record LoaderTuning(int prefetchFactor, long maxInflightBytes) {
    /** The loader's defaults. */
    static final LoaderTuning DEFAULTS = new LoaderTuning(0, 0);

    LoaderTuning {
        if (prefetchFactor < 0) {
            throw new IllegalArgumentException("prefetchFactor should be 0 (default) or positive, but got "
                    + prefetchFactor);
        }
        if (maxInflightBytes < 0) {
            throw new IllegalArgumentException("maxInflightBytes should be 0 (none) or positive, but got "
                    + maxInflightBytes);
        }
    }

    /** {@code builder} with these limits when {@code workers > 0}; unchanged at 0 workers. */
    <T, B> DataLoader.Builder<T, B> apply(DataLoader.Builder<T, B> builder, int workers) {
        if (workers > 0 && prefetchFactor > 0) {
            builder.prefetchFactor(prefetchFactor);
        }
        if (workers > 0 && maxInflightBytes > 0) {
            builder.maxInflightBytes(maxInflightBytes);
        }
        return builder;
    }

    /** How the limits read in a pipeline's description: empty for the defaults. */
    String describe() {
        if (equals(DEFAULTS)) {
            return "";
        }
        return "; ours with workers: " + (prefetchFactor > 0 ? "prefetchFactor " + prefetchFactor
                : "the default batch window") + (maxInflightBytes > 0 ? ", maxInflightBytes " + maxInflightBytes : "");
    }
}
