package org.dataloader4j.examples.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.data.Subset;
import org.dataloader4j.djl.LoaderDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.Tensor;

/**
 * Trains a small multi-layer perceptron on scikit-learn's handwritten {@link Digits} with DJL's training loop
 * ({@code EasyTrain.fit}) fed by our {@link DataLoader} through {@link LoaderDataset}: an 80/20 random split
 * with a fixed seed, a shuffled training loader on worker threads, and the held-out accuracy at the end. Runs
 * offline on the PyTorch engine's CPU build from Maven Central.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp ... org.dataloader4j.examples.djl.TrainDigits [--epochs 20] [--workers 2] [--batch 32] [--seed 42]
 * </pre>
 */
public final class TrainDigits {
    /** Fraction of the digits used for training; the rest is held out. */
    public static final double TRAIN_FRACTION = 0.8;

    private TrainDigits() {
    }

    /**
     * What to train with.
     *
     * @param epochs       passes over the training split
     * @param batchSize    samples per batch
     * @param numWorkers   worker threads of the training loader
     * @param seed         seed of the split, the shuffle and the weight initialisation
     * @param learningRate Adam's learning rate
     */
    public record Options(int epochs, int batchSize, int numWorkers, long seed, float learningRate) {
        /** 20 epochs of 32 samples, 2 workers, seed 42, learning rate 0.005. */
        public static Options defaults() {
            return new Options(20, 32, 2, 42, 0.005f);
        }
    }

    /**
     * One epoch's numbers.
     *
     * @param epoch            0-based
     * @param trainLoss        mean training loss over the epoch
     * @param trainAccuracy    training accuracy over the epoch
     * @param heldOutLoss      loss on the held-out split after the epoch
     * @param heldOutAccuracy  accuracy on the held-out split after the epoch
     * @param seconds          wall time of the epoch (training and evaluation)
     */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double heldOutLoss, double heldOutAccuracy,
                        double seconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "epoch %2d  train loss %.4f  train acc %.2f%%  held-out loss %.4f"
                            + "  held-out acc %.2f%%  (%.2f s)", epoch, trainLoss, 100 * trainAccuracy, heldOutLoss,
                    100 * heldOutAccuracy, seconds);
        }
    }

    /**
     * The outcome.
     *
     * @param epochs     per-epoch numbers, as DJL's evaluators computed them
     * @param correct    held-out digits classified correctly by the final model
     * @param heldOut    held-out digits
     * @param trainSize  training digits
     * @param seconds    wall time of the training loop
     */
    public record Result(List<Epoch> epochs, long correct, long heldOut, long trainSize, double seconds) {
        /** Held-out accuracy of the final model, counted here (not by DJL). */
        public double accuracy() {
            return (double) correct / heldOut;
        }
    }

    /** Trains with {@code options}, passing each epoch's numbers to {@code onEpoch} as they come. */
    public static Result train(Options options, Consumer<Epoch> onEpoch) {
        try (Digits digits = Digits.load()) {
            List<Subset<List<Tensor>>> split = Datasets.randomSplit(digits.dataset(),
                    new double[] {TRAIN_FRACTION, 1 - TRAIN_FRACTION}, options.seed());
            Subset<List<Tensor>> trainSplit = split.get(0);
            Subset<List<Tensor>> testSplit = split.get(1);
            try (DataLoader<Batch> trainLoader = DataLoader.builder(trainSplit).batchSize(options.batchSize())
                         .shuffle(true).numWorkers(options.numWorkers()).seed(options.seed()).build();
                 DataLoader<Batch> testLoader = DataLoader.builder(testSplit).batchSize(256).build()) {
                LoaderDataset train = LoaderDataset.builder(trainLoader).data(0).labels(1).build();
                LoaderDataset test = LoaderDataset.builder(testLoader).data(0).labels(1).build();
                return fit(options, train, test, trainSplit.size(), testSplit.size(), onEpoch);
            }
        }
    }

    private static Result fit(Options options, LoaderDataset train, LoaderDataset test, long trainSize,
                              long testSize, Consumer<Epoch> onEpoch) {
        Engine.getInstance().setRandomSeed((int) options.seed());
        SequentialBlock net = new SequentialBlock()
                .add(Linear.builder().setUnits(128).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(Digits.CLASSES).build());
        List<Epoch> epochs = new ArrayList<>();
        EvaluatorTrainingListener evaluations = new EvaluatorTrainingListener();
        TrainingListenerAdapter report = new TrainingListenerAdapter() {
            private long start = System.nanoTime();

            @Override
            public void onEpoch(Trainer trainer) {
                long now = System.nanoTime();
                Map<String, Float> m = evaluations.getLatestEvaluations();
                Epoch e = new Epoch(epochs.size(), m.getOrDefault("train_loss", Float.NaN),
                        m.getOrDefault("train_Accuracy", Float.NaN), m.getOrDefault("validate_loss", Float.NaN),
                        m.getOrDefault("validate_Accuracy", Float.NaN), (now - start) / 1e9);
                start = now;
                epochs.add(e);
                onEpoch.accept(e);
            }
        };
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate())).build())
                .addEvaluator(new Accuracy())
                .addTrainingListeners(evaluations, report);
        try (Model model = Model.newInstance("digits-mlp")) {
            model.setBlock(net);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, Digits.FEATURES));
                long start = System.nanoTime();
                EasyTrain.fit(trainer, options.epochs(), train, test);
                double seconds = (System.nanoTime() - start) / 1e9;
                long correct = 0;
                for (ai.djl.training.dataset.Batch batch : trainer.iterateDataset(test)) {
                    try (batch) {
                        NDArray scores = trainer.evaluate(batch.getData()).singletonOrThrow();
                        NDArray labels = batch.getLabels().singletonOrThrow();
                        correct += scores.argMax(1).eq(labels).sum().getLong();
                    }
                }
                return new Result(List.copyOf(epochs), correct, testSize, trainSize, seconds);
            }
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("training failed: " + e.getMessage(), e);
        }
    }

    /**
     * Trains and prints per-epoch loss and accuracy, then the held-out accuracy. Unless set on the command line,
     * sets {@code ai.djl.offline=true} (nothing is downloaded) and one libtorch thread (a model this small gains
     * nothing from more, and libtorch's spinning OpenMP threads slow the loader's workers down on a small machine).
     */
    public static void main(String[] args) {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        Options o = Options.defaults();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--epochs" -> o = new Options(Integer.parseInt(value), o.batchSize(), o.numWorkers(), o.seed(),
                        o.learningRate());
                case "--batch" -> o = new Options(o.epochs(), Integer.parseInt(value), o.numWorkers(), o.seed(),
                        o.learningRate());
                case "--workers" -> o = new Options(o.epochs(), o.batchSize(), Integer.parseInt(value), o.seed(),
                        o.learningRate());
                case "--seed" -> o = new Options(o.epochs(), o.batchSize(), o.numWorkers(), Long.parseLong(value),
                        o.learningRate());
                case "--lr" -> o = new Options(o.epochs(), o.batchSize(), o.numWorkers(), o.seed(),
                        Float.parseFloat(value));
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; usage: TrainDigits [--epochs N] [--batch N] [--workers N] [--seed N] [--lr X]");
                    System.exit(2);
                }
            }
            i++;
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "digits: %d images of %d pixels, %d classes; engine %s; %s%n", Digits.SIZE,
                Digits.FEATURES, Digits.CLASSES, Engine.getInstance().getEngineName(), o);
        Result r = train(o, out::println);
        out.printf(Locale.ROOT, "held-out accuracy %.2f%% (%d of %d), trained on %d digits in %.2f s%n",
                100 * r.accuracy(), r.correct(), r.heldOut(), r.trainSize(), r.seconds());
    }

    static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
