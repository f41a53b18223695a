package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;

/**
 * The {@code image-train} and {@code image-eval} pipelines: an ImageFolder of photographs (by default the one
 * {@code ../shared/bench/make-bench-data.sh} makes) loaded shuffled with the default collate through the standard
 * torchvision transforms, every batch closed by the consumer as a training loop would:
 * <ul>
 *   <li>train: RandomResizedCrop(224) + RandomHorizontalFlip + ToTensor + Normalize(ImageNet mean/std);</li>
 *   <li>eval: Resize(256) + CenterCrop(224) + ToTensor + Normalize.</li>
 * </ul>
 * Both on {@link ImageFolder}, written as a torchvision user writes them; ImageFolder fuses each pipeline with
 * decoding ({@link org.dataloader4j.vision.DecodingTransform}): on the native JPEG path only the crop's rows and
 * columns are decoded, byte-identical to decoding the whole image first.
 * PyTorch's side is {@code bench/pytorch/image_pipeline.py}: torchvision's {@code ImageFolder} with the same
 * transforms on PIL images.
 */
final class ImagePipeline implements BenchPipeline {
    /** Where {@code make-bench-data.sh} puts its folder when given no argument. */
    static final Path DEFAULT_DATA = Path.of("/tmp/bench-imagenet");

    private final boolean train;
    private final Path root;
    private final int batchSize;
    private final long seed;
    private final DatasetFolder<Tensor> dataset;
    private final String transforms;
    private final LoaderTuning tuning;

    /**
     * @param train true for {@code image-train}, false for {@code image-eval}
     * @throws IllegalArgumentException if {@code root} is not an ImageFolder (see {@link DatasetFolder})
     */
    ImagePipeline(boolean train, Path root, int batchSize, long seed) {
        this(train, root, batchSize, seed, LoaderTuning.DEFAULTS);
    }

    /** As {@link #ImagePipeline(boolean, Path, int, long)}, our loader with {@code tuning}'s in-flight limits. */
    ImagePipeline(boolean train, Path root, int batchSize, long seed, LoaderTuning tuning) {
        this.tuning = java.util.Objects.requireNonNull(tuning, "tuning");
        this.train = train;
        this.root = root;
        this.batchSize = batchSize;
        this.seed = seed;
        Compose<Image, Tensor> t = train ? trainTransform() : evalTransform();
        this.dataset = ImageFolder.builder(root).transform(t).build();
        this.transforms = t.toString();
    }

    /** The train pipeline: RandomResizedCrop(224), RandomHorizontalFlip, ToTensor, Normalize (ImageNet). */
    static Compose<Image, Tensor> trainTransform() {
        return Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip()).then(new ToTensor())
                .then(new Normalize(DemoCommand.MEAN, DemoCommand.STD));
    }

    /** The eval pipeline: Resize(256), CenterCrop(224), ToTensor, Normalize (ImageNet). */
    static Compose<Image, Tensor> evalTransform() {
        return Compose.of(new Resize(256)).then(new CenterCrop(224)).then(new ToTensor())
                .then(new Normalize(DemoCommand.MEAN, DemoCommand.STD));
    }

    @Override
    public String name() {
        return train ? "image-train" : "image-eval";
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "ImageFolder %s (%,d images, %d classes), %s, batch %d, shuffled, default"
                        + " collate; JPEG decoder: %s%s", root, dataset.size(), dataset.classes().size(), transforms,
                batchSize, Decoders.standard().usesNativeJpeg() ? "native (libjpeg-turbo)"
                        : Decoders.describe(), tuning.describe());
    }

    @Override
    public BenchRun run(int workers, int epochs, PrintWriter progress) {
        return BenchRun.measure(dataset, batchSize, seed, workers, epochs, tuning, progress);
    }

    @Override
    public BenchRun.FirstBatch firstBatch(int workers) {
        return BenchRun.firstBatch(dataset, batchSize, seed, workers, tuning);
    }

    @Override
    public void warmPageCache() {
        PageCache.warm(root);
    }

    @Override
    public Map<String, Object> details() {
        return Map.of("pageCache", "the folder's files read just before each side's run, so both start with them"
                + " cached");
    }

    @Override
    public String pytorchScript() {
        return "image_pipeline.py";
    }

    @Override
    public List<String> pytorchArguments() {
        return List.of("--data", root.toString(), "--transform", train ? "train" : "eval",
                "--batch-size", Integer.toString(batchSize), "--seed", Long.toString(seed));
    }

    @Override
    public void close() {
        // nothing held: images are decoded per sample and freed by the transforms and the batches
    }
}
