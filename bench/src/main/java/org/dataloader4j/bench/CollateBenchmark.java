package org.dataloader4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.TensorDataset;
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
 * The default collate on one batch of B samples read from a {@link TensorDataset} (feature rows of
 * [features] FLOAT32 views plus INT64 label views, at random indices): allocating the [B, features]
 * and [B] tensors, copying every row, and closing the batch. {@code rows} collates the feature views
 * alone, {@code samples} the (features, label) lists a TensorDataset returns. *
 * <pre>{@code
 * java --sun-misc-unsafe-memory-access=allow -jar bench/target/benchmarks.jar Collate
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class CollateBenchmark {

    @Param("256")
    int batchSize;

    @Param("256")
    int features;

    private Tensor x;
    private Tensor y;
    private List<List<Tensor>> samples;
    private List<Tensor> rows;
    private final Collate<Object, Batch> collate = Collate.defaultCollate();

    @Setup
    public void setUp() {
        long size = 16_384;
        x = BenchData.uniformRows(size, features);
        y = BenchData.labels(size, 10);
        TensorDataset dataset = new TensorDataset(x, y);
        samples = new ArrayList<>();
        rows = new ArrayList<>();
        for (long index : BenchData.randomIndices(batchSize, size)) {
            List<Tensor> sample = dataset.get(index);
            samples.add(sample);
            rows.add(sample.get(0));
        }
    }

    @TearDown
    public void tearDown() {
        x.close();
        y.close();
    }

    /** Feature rows only: one [B, features] FLOAT32 tensor. */
    @Benchmark
    public long rows() {
        try (Batch batch = collate.collate(List.copyOf(rows))) {
            return batch.tensor().byteSize();
        }
    }

    /** (features, label) samples as a TensorDataset returns them: [B, features] FLOAT32 and [B] INT64. */
    @Benchmark
    public long samples() {
        try (Batch batch = collate.collate(List.copyOf(samples))) {
            return batch.tensor(0).byteSize() + batch.tensor(1).byteSize();
        }
    }
}
