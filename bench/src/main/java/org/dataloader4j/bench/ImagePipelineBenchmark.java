package org.dataloader4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One image through a standard torchvision pipeline, from its file to the normalised float tensor, on one thread:
 * {@code train} = RandomResizedCrop(224) + RandomHorizontalFlip + ToTensor + Normalize, {@code eval} = Resize(256) +
 * CenterCrop(224) + ToTensor + Normalize, each fused with decoding as {@code ImageFolder} applies it (byte-identical
 * to decoding the whole image first). The images cycle through the JPEGs under {@code -Ddataloader4j.bench.images}
 * (default {@code /tmp/bench-imagenet}, made by {@code ../shared/bench/make-bench-data.sh}); every image draws its own
 * crop from (seed, image). The score is images per second; {@code ./dataloader4j bench --pipeline image-train,image-eval
 * --compare-pytorch} runs the same pipelines in a DataLoader beside PyTorch's.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar ImagePipeline -p pipeline=train
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class ImagePipelineBenchmark {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @Param({"train", "eval"})
    String pipeline;

    private List<Path> files;
    private SampleTransform<Path, Tensor> transform;
    private long next;

    @Setup
    public void setUp() throws IOException {
        files = BenchData.imageFiles(".*\\.jpe?g", Long.MAX_VALUE, "JPEG");
        Compose<?, Tensor> compose = switch (pipeline) {
            case "train" -> Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip())
                    .then(new ToTensor()).then(new Normalize(MEAN, STD));
            case "eval" -> Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor())
                    .then(new Normalize(MEAN, STD));
            default -> throw new IllegalArgumentException("pipeline is train or eval, not " + pipeline);
        };
        transform = compose.decoding(Decoders.standard());
    }

    @Benchmark
    public long image() {
        long i = next++;
        try (Tensor t = transform.apply(files.get((int) (i % files.size())), CounterRandom.of(BenchData.SEED, 0, i, 0))) {
            return t.shape().numel();
        }
    }
}
