package org.dataloader4j.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link TensorDataset#get} at random indices of a 100,000 × 256 FLOAT32 + INT64 dataset: the cost of
 * making one sample's views (no data is copied), the per-sample overhead of every TensorDataset epoch. *
 * <pre>{@code
 * java --sun-misc-unsafe-memory-access=allow -jar bench/target/benchmarks.jar TensorDatasetGet
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class TensorDatasetGetBenchmark {
    private static final int ROWS = 100_000;

    private Tensor x;
    private Tensor y;
    private TensorDataset dataset;
    private long[] indices;
    private int next;

    @Setup
    public void setUp() {
        x = BenchData.uniformRows(ROWS, 256);
        y = BenchData.labels(ROWS, 10);
        dataset = new TensorDataset(x, y);
        indices = BenchData.randomIndices(1 << 16, ROWS);
    }

    @TearDown
    public void tearDown() {
        x.close();
        y.close();
    }

    @Benchmark
    public void get(Blackhole bh) {
        List<Tensor> sample = dataset.get(indices[next++ & (indices.length - 1)]);
        bh.consume(sample.get(0));
        bh.consume(sample.get(1));
    }
}
