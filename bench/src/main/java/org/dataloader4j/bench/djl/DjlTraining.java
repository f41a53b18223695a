package org.dataloader4j.bench.djl;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import java.util.List;

/**
 * What the DJL benchmarks share: a timed training loop over a DJL {@link Dataset} and the median of their rounds.
 *
 * <pre>{@code
 * double perSecond = DjlTraining.samplesPerSecond(net, config, new Shape(1, 3, 224, 224), dataset, 1);
 * }</pre>
 */
public final class DjlTraining {
    private DjlTraining() {
    }

    /**
     * {@return the samples per second of {@code epochs} passes of forward, backward and optimizer step over
     * {@code dataset}} A new model named "bench" holds {@code net}; its trainer is initialised for {@code input}
     * before the clock starts, and every batch is closed after its step.
     *
     * @param net    the network to train
     * @param config the training configuration (loss, optimizer, executor)
     * @param input  the input shape the trainer is initialised with
     * @param dataset the batches, iterated through the trainer
     * @param epochs how many passes over {@code dataset} are timed
     * @throws Exception whatever DJL or the dataset throws
     */
    public static double samplesPerSecond(Block net, TrainingConfig config, Shape input, Dataset dataset, int epochs)
            throws Exception {
        try (Model model = Model.newInstance("bench")) {
            model.setBlock(net);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(input);
                long samples = 0;
                long start = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    for (Batch b : trainer.iterateDataset(dataset)) {
                        samples += b.getSize();
                        EasyTrain.trainBatch(trainer, b);
                        trainer.step();
                        b.close();
                    }
                }
                return samples / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    /**
     * {@return the median of column {@code column} over {@code runs} (the upper one of an even count)}
     *
     * @param runs   one row of measurements per round
     * @param column which measurement
     */
    public static double median(List<double[]> runs, int column) {
        double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }
}
