package org.dataloader4j.examples;

import java.util.Locale;
import java.util.SplittableRandom;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;

/**
 * The README's {@code TensorDataset} loop: features and labels in two off-heap tensors, a shuffled
 * {@link DataLoader} on two worker threads, several epochs. The training step is real: logistic regression by
 * stochastic gradient descent on two clouds of 2-d points, so the final accuracy shows that every batch's labels
 * belong to its features (a mix-up between workers or batches would leave the model guessing).
 *
 * <pre>
 * java -cp ... org.dataloader4j.examples.TensorDatasetTraining [epochs]
 * </pre>
 */
public final class TensorDatasetTraining {
    /** Points in the data set. */
    public static final int POINTS = 1000;
    private static final float LEARNING_RATE = 0.5f;

    private final float[] weights = new float[2];
    private float bias;
    private long batches;

    private TensorDatasetTraining() {
    }

    /**
     * What the loop learnt.
     *
     * @param batches  batches received over all epochs
     * @param samples  samples received over all epochs
     * @param accuracy the fraction of all points the trained model classifies correctly
     */
    public record Result(long batches, long samples, double accuracy) {
    }

    /**
     * Trains for {@code epochs} epochs on {@link #POINTS} points: class 0 around (-1, -1), class 1 around (1, 1).
     *
     * @param epochs passes over the data
     * @return what the loop learnt
     * @throws IllegalStateException if a batch is not what the loader promises
     */
    public static Result run(int epochs) {
        return new TensorDatasetTraining().loop(POINTS, epochs);
    }

    private Result loop(int n, int epochs) {
        float[] points = new float[n * 2];
        long[] classes = new long[n];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            classes[i] = i % 2;
            float centre = classes[i] == 0 ? -1 : 1;
            points[2 * i] = centre + (float) (0.6 * gaussian(random));
            points[2 * i + 1] = centre + (float) (0.6 * gaussian(random));
        }
        long samples = 0;
        // README:begin tensordataset
        try (Tensor features = Tensor.of(points, n, 2);          // FLOAT32 [n, 2], off-heap
             Tensor labels = Tensor.of(classes);                 // INT64 [n]
             DataLoader<Batch> loader = DataLoader.builder(new TensorDataset(features, labels))
                     .batchSize(64).shuffle(true).numWorkers(2).seed(42).build()) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    try (batch) {
                        trainStep(batch.tensor(0), batch.tensor(1));   // FLOAT32 [64, 2], INT64 [64]
                        samples += batch.size();
                    }
                }
            }
        }
        // README:end tensordataset
        return new Result(batches, samples, accuracy(points, classes));
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** One step of gradient descent on the mean logistic loss of the batch. */
    private void trainStep(Tensor input, Tensor target) {
        long[] shape = input.shape().toArray();
        if (input.dtype() != DType.FLOAT32 || shape.length != 2 || shape[1] != 2 || target.dtype() != DType.INT64
                || target.shape().toArray().length != 1 || target.shape().toArray()[0] != shape[0]) {
            throw new IllegalStateException("batch " + batches + ": expected FLOAT32 [B, 2] and INT64 [B], but got "
                    + input + " and " + target);
        }
        float[] x = input.toFloatArray();
        long[] y = target.toLongArray();
        float g0 = 0;
        float g1 = 0;
        float gb = 0;
        for (int i = 0; i < y.length; i++) {
            float error = sigmoid(weights[0] * x[2 * i] + weights[1] * x[2 * i + 1] + bias) - y[i];
            g0 += error * x[2 * i];
            g1 += error * x[2 * i + 1];
            gb += error;
        }
        weights[0] -= LEARNING_RATE * g0 / y.length;
        weights[1] -= LEARNING_RATE * g1 / y.length;
        bias -= LEARNING_RATE * gb / y.length;
        batches++;
    }

    private double accuracy(float[] points, long[] classes) {
        int correct = 0;
        for (int i = 0; i < classes.length; i++) {
            float p = sigmoid(weights[0] * points[2 * i] + weights[1] * points[2 * i + 1] + bias);
            correct += (p >= 0.5f ? 1 : 0) == classes[i] ? 1 : 0;
        }
        return (double) correct / classes.length;
    }

    private static float sigmoid(float z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }

    /**
     * Trains for the number of epochs in the first argument (default 5) and prints the accuracy.
     *
     * @param args optionally the number of epochs
     */
    public static void main(String[] args) {
        Result r = run(args.length > 0 ? Integer.parseInt(args[0]) : 5);
        System.out.printf(Locale.ROOT, "%d batches, %d samples, accuracy %.1f %%%n", r.batches(), r.samples(),
                100 * r.accuracy());
    }
}
