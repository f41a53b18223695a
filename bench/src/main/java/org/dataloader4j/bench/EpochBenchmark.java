package org.dataloader4j.bench;

import java.util.concurrent.TimeUnit;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.Tensor;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole shuffled epoch of a {@link DataLoader} over a {@link TensorDataset} of 100,000 × 256
 * FLOAT32 rows with INT64 labels, batch 256, default collate, every batch closed by the consumer.
 * One operation is one sample, so the score is samples per second. Each invocation loads the next
 * epoch (a new order); worker threads start per epoch, as with PyTorch's default
 * {@code persistent_workers=False}. *
 * <pre>{@code
 * java --sun-misc-unsafe-memory-access=allow -jar bench/target/benchmarks.jar Epoch -p numWorkers=2
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class EpochBenchmark {
    static final int ROWS = 100_000;

    @Param({"0", "2"})
    int numWorkers;

    @Param("256")
    int batchSize;

    private Tensor x;
    private Tensor y;
    private DataLoader<Batch> loader;
    private long epoch;

    @Setup
    public void setUp() {
        x = BenchData.uniformRows(ROWS, 256);
        y = BenchData.labels(ROWS, 10);
        loader = DataLoader.builder(new TensorDataset(x, y))
                .batchSize(batchSize).shuffle(true).seed(BenchData.SEED).numWorkers(numWorkers).build();
    }

    @TearDown
    public void tearDown() {
        loader.close();
        x.close();
        y.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long epoch() {
        long samples = 0;
        for (Batch batch : loader.epoch(epoch++)) {
            try (batch) {
                samples += batch.size();
            }
        }
        if (samples != ROWS) {
            throw new IllegalStateException("an epoch delivered " + samples + " samples instead of " + ROWS);
        }
        return samples;
    }
}
