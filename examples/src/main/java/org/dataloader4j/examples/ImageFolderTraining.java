package org.dataloader4j.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.DatasetFolder;
import org.dataloader4j.vision.ImageFolder;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.ToTensor;

/**
 * The README's {@code ImageFolder} training loop: torchvision's standard training augmentation
 * ({@code RandomResizedCrop}, {@code RandomHorizontalFlip}, {@code ToTensor}, {@code Normalize}) over a folder with
 * one sub-folder of images per class, a shuffled {@link DataLoader} on two worker threads, several epochs. The
 * training step here checks what a model would receive (dtypes, shapes, finite values, class indices) and records
 * the targets of every epoch, so that a test can tell that each image came exactly once per epoch.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... org.dataloader4j.examples.ImageFolderTraining /data/train [epochs]
 * </pre>
 */
public final class ImageFolderTraining {
    /** Images per batch. */
    public static final int BATCH_SIZE = 16;
    /** Side of the square crops. */
    public static final int SIZE = 224;

    private final List<List<Long>> targetsPerEpoch = new ArrayList<>();
    private long batches;

    private ImageFolderTraining() {
    }

    /**
     * What the loop saw.
     *
     * @param classes         the dataset's class names, in index order
     * @param datasetSize     images in the folder
     * @param batches         batches received over all epochs
     * @param targetsPerEpoch the class index of every image received, per epoch, in the order received
     */
    public record Result(List<String> classes, long datasetSize, long batches, List<List<Long>> targetsPerEpoch) {
    }

    /**
     * Trains for {@code epochs} epochs on the image folder {@code root}.
     *
     * @param root   a folder with one sub-folder of images per class
     * @param epochs passes over the folder
     * @return what the loop saw
     * @throws IllegalStateException if a batch is not what the pipeline promises
     */
    public static Result run(Path root, int epochs) {
        return new ImageFolderTraining().loop(root, epochs);
    }

    private Result loop(Path root, int epochs) {
        // README:begin imagefolder
        var augment = Compose.of(new RandomResizedCrop(224))
                .then(new RandomHorizontalFlip())
                .then(new ToTensor())
                .then(new Normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}));
        DatasetFolder<Tensor> images = ImageFolder.builder(root).transform(augment).build();

        try (DataLoader<Batch> loader = DataLoader.builder(images)
                .batchSize(16).shuffle(true).numWorkers(2).seed(42).build()) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    try (batch) {                                 // gives the batch's memory back to the loader
                        Tensor input = batch.tensor(0);           // FLOAT32 [16, 3, 224, 224], normalised
                        Tensor target = batch.tensor(1);          // INT64 [16], class indices
                        trainStep(epoch, input, target);
                    }
                }
            }
        }
        // README:end imagefolder
        return new Result(images.classes(), images.size(), batches, List.copyOf(targetsPerEpoch));
    }

    /** Stands in for a model's step: checks the batch and records its targets. */
    private void trainStep(int epoch, Tensor input, Tensor target) {
        long[] shape = input.shape().toArray();
        long n = shape[0];
        if (input.dtype() != DType.FLOAT32 || shape.length != 4 || n < 1 || n > BATCH_SIZE || shape[1] != 3
                || shape[2] != SIZE || shape[3] != SIZE) {
            throw new IllegalStateException("batch " + batches + ": expected input FLOAT32 [<=" + BATCH_SIZE + ", 3, "
                    + SIZE + ", " + SIZE + "], but got " + input.dtype() + " " + Arrays.toString(shape));
        }
        if (target.dtype() != DType.INT64 || !Arrays.equals(target.shape().toArray(), new long[] {n})) {
            throw new IllegalStateException("batch " + batches + ": expected target INT64 [" + n + "], but got "
                    + target.dtype() + " " + Arrays.toString(target.shape().toArray()));
        }
        for (float v : input.toFloatArray()) {
            if (!Float.isFinite(v) || Math.abs(v) > 3) {   // (x - mean) / std of x in [0, 1] stays within ±2.7
                throw new IllegalStateException("batch " + batches + ": a normalised pixel is " + v);
            }
        }
        while (targetsPerEpoch.size() <= epoch) {
            targetsPerEpoch.add(new ArrayList<>());
        }
        for (long t : target.toLongArray()) {
            targetsPerEpoch.get(epoch).add(t);
        }
        batches++;
    }

    /**
     * Runs the loop on the folder named by the first argument, for the number of epochs in the second (default 2),
     * and prints what it saw.
     *
     * @param args the image folder, optionally the number of epochs
     */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ImageFolderTraining <image-folder> [epochs]");
            System.exit(2);
        }
        Result r = run(Path.of(args[0]), args.length == 2 ? Integer.parseInt(args[1]) : 2);
        System.out.printf(Locale.ROOT, "%d images in %d classes %s; %d epochs, %d batches of at most %d%n",
                r.datasetSize(), r.classes().size(), r.classes(), r.targetsPerEpoch().size(), r.batches(),
                BATCH_SIZE);
    }
}
