package org.dataloader4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Tensor#stack} of B row views [features] FLOAT32 at random rows of a larger tensor: the copy
 * underneath every collate, without the collate's structure handling. The result is closed each time. *
 * <pre>{@code
 * java --sun-misc-unsafe-memory-access=allow -jar bench/target/benchmarks.jar Stack
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class StackBenchmark {

    @Param("256")
    int batchSize;

    @Param("256")
    int features;

    private Tensor source;
    private List<Tensor> rows;

    @Setup
    public void setUp() {
        long size = 16_384;
        source = BenchData.uniformRows(size, features);
        rows = new ArrayList<>();
        for (long index : BenchData.randomIndices(batchSize, size)) {
            rows.add(source.select(index));
        }
    }

    @TearDown
    public void tearDown() {
        source.close();
    }

    @Benchmark
    public long stack() {
        try (Tensor stacked = Tensor.stack(rows)) {
            return stacked.byteSize();
        }
    }
}
