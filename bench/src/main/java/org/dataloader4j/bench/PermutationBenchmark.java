package org.dataloader4j.bench;

import java.util.PrimitiveIterator;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.data.Partition;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.random.KeyedPermutation;
import org.dataloader4j.random.RandomStreams;
import org.dataloader4j.sampler.DistributedSampler;
import org.dataloader4j.sampler.RandomSampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Shuffled indices per second on one thread: the constant-memory {@link KeyedPermutation} called directly, one
 * position at a time ({@code indexAt}) and 256 consecutive positions at a time ({@code fill}), and through the
 * iterators of a {@link RandomSampler} and of rank 3 of 8 of a {@link DistributedSampler} (what a
 * {@code DataLoader} pays), at sizes from the threshold {@code 2^24} (where samplers switch to it) to
 * {@code 2^63 - 1}. {@code 4294967297 = 2^32 + 1} is the worst case of cycle walking: the Feistel domain
 * {@code 2^33} is almost twice the size, so about two network passes per index. One operation is one index.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar Permutation
 * java -jar bench/target/benchmarks.jar Permutation.keyedIndexAt -p size=4294967297
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
@State(Scope.Thread)
public class PermutationBenchmark {
    static final int BLOCK = 1 << 20;

    @Param({"16777216", "4294967297", "5000000000", "9223372036854775807"})
    long size;

    private KeyedPermutation permutation;
    private RandomSampler sampler;
    private long start;
    private long epoch;
    private PrimitiveIterator.OfLong indices;
    private DistributedSampler rank3of8;
    private PrimitiveIterator.OfLong rankIndices;
    private final long[] buffer = new long[256];

    @Setup
    public void setUp() {
        permutation = KeyedPermutation.of(size, CounterRandom.key(BenchData.SEED, 0, 0, RandomStreams.SHUFFLE));
        sampler = RandomSampler.builder(size).seed(BenchData.SEED).build();
        if (!sampler.keyed()) {
            throw new IllegalStateException(sampler + " does not use the keyed permutation");
        }
        indices = sampler.indices(epoch);
        rank3of8 = DistributedSampler.builder(size).partition(new Partition(3, 8)).seed(BenchData.SEED).build();
        rankIndices = rank3of8.indices(epoch);
    }

    /** {@code BLOCK} consecutive positions of one permutation, continuing where the last invocation stopped. */
    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public long keyedIndexAt() {
        long sum = 0;
        long from = start;
        for (int i = 0; i < BLOCK; i++) {
            sum += permutation.indexAt(from + i);
        }
        start = from + BLOCK > size - BLOCK ? 0 : from + BLOCK;
        return sum;
    }

    /** The same positions as {@link #keyedIndexAt}, 256 at a time with {@link KeyedPermutation#fill}. */
    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public long keyedFill() {
        long sum = 0;
        long from = start;
        for (int i = 0; i < BLOCK; i += buffer.length) {
            permutation.fill(from + i, buffer, buffer.length);
            for (long index : buffer) {
                sum += index;
            }
        }
        start = from + BLOCK > size - BLOCK ? 0 : from + BLOCK;
        return sum;
    }

    /** {@code BLOCK} indices from a {@link RandomSampler}'s iterator, a new epoch when one runs out. */
    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public long samplerIterator() {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            if (!indices.hasNext()) {
                indices = sampler.indices(++epoch);
            }
            sum += indices.nextLong();
        }
        return sum;
    }

    /** {@code BLOCK} indices from rank 3 of 8 of a {@link DistributedSampler} (every 8th position of the order). */
    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public long distributedIterator() {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            if (!rankIndices.hasNext()) {
                rankIndices = rank3of8.indices(++epoch);
            }
            sum += rankIndices.nextLong();
        }
        return sum;
    }
}
