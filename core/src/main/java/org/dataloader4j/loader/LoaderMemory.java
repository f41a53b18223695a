package org.dataloader4j.loader;

/**
 * What a {@link DataLoader} holds in memory right now, for the "know what is in memory" part of
 * working with data larger than RAM. Bytes are off-heap bytes of batches (their tensors).
 *
 * <pre>{@code
 * LoaderMemory m = loader.memory();
 * log.info("{} batches in flight, {} MiB ready, peak {} MiB", m.batchesInFlight(),
 *          m.bytesReady() >> 20, m.peakBytesReady() >> 20);
 * }</pre>
 *
 * @param batchesInFlight batches handed to workers and not yet delivered (loading, or ready and waiting)
 * @param bytesReady      bytes of batches that are loaded and wait for the consumer
 * @param peakBytesReady  the largest {@code bytesReady} since the loader was built
 * @param budgetBytes     the {@code maxInflightBytes} budget, 0 when there is none
 * @param pooledBytes     free batch memory kept for reuse by the loader's buffer pool
 * @param pinnedBytes     page-locked bytes (with {@code pinMemory(true)}), free or in batches
 * @param pinFailure      why page-locking was given up, or null when it was not asked for or works
 */
public record LoaderMemory(int batchesInFlight, long bytesReady, long peakBytesReady, long budgetBytes,
                           long pooledBytes, long pinnedBytes, String pinFailure) {
}
