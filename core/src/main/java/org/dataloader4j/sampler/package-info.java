/**
 * The order in which a {@code DataLoader} visits a dataset: PyTorch's samplers, with the epoch as an
 * explicit argument. {@link org.dataloader4j.sampler.SequentialSampler}, {@link
 * org.dataloader4j.sampler.RandomSampler}, {@link org.dataloader4j.sampler.SubsetRandomSampler}, {@link
 * org.dataloader4j.sampler.WeightedRandomSampler} and {@link org.dataloader4j.sampler.DistributedSampler}
 * yield indices; {@link org.dataloader4j.sampler.BatchSampler} groups them into batches. Every random
 * order is reproducible from (seed, epoch) alone.
 *
 * <pre>{@code
 * BatchSampler batches = BatchSampler.of(RandomSampler.builder(dataset.size()).seed(42).build(), 64);
 * for (Iterator<long[]> it = batches.batches(epoch); it.hasNext(); ) load(it.next());
 * }</pre>
 */
package org.dataloader4j.sampler;
