package org.dataloader4j.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.Partition;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.loader.Epoch;
import org.dataloader4j.loader.LoaderState;
import org.dataloader4j.spark.ShardedDataset;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.ToTensor;

/**
 * One rank of a multi-node job, as {@code torchrun} starts one process per GPU: it reads its part of a shard set in the
 * elastic order, trains for a number of steps, and saves its loader state in a checkpoint folder. A job of another
 * size (more or fewer ranks) started on the checkpoint folders of all old ranks merges their states and goes on with
 * exactly the samples the old job did not deliver. Each process takes {@code RANK} and {@code WORLD_SIZE} from the
 * environment, as PyTorch's launchers set them.
 *
 * <pre>
 * RANK=0 WORLD_SIZE=4 java -cp ... org.dataloader4j.examples.MultiNodeTraining /data/shards ckpt-step-100 ckpt-step-50 100
 *                                                                              shards      save to        resume from  steps
 * </pre>
 */
public final class MultiNodeTraining {
    /** Samples per batch on each rank. */
    public static final int BATCH_SIZE = 4;

    private MultiNodeTraining() {
    }

    /**
     * What one rank did.
     *
     * @param keys    the keys of the samples it trained on, in order
     * @param batches the batches it trained on
     * @param resumed whether it resumed the merged states of an earlier job
     */
    public record Result(List<String> keys, long batches, boolean resumed) {
    }

    /** A training sample that keeps its key, so that a test can tell which samples each rank saw. */
    public record Example(Tensor image, long target, String key) {
    }

    /**
     * Runs rank {@code rank} of {@code worldSize} for at most {@code steps} batches (or to the end of the epoch).
     *
     * @param shards     the shard set (a folder with {@code manifest.json})
     * @param saveTo     the folder where this rank writes {@code loader-RANK.json}
     * @param resumeFrom the folder with every old rank's {@code loader-*.json}, or null to start the epoch
     * @param rank       this process's rank
     * @param worldSize  the number of ranks
     * @param steps      the most batches to train on; a negative number means the whole epoch
     * @return what the rank did
     */
    public static Result run(Path shards, Path saveTo, Path resumeFrom, int rank, int worldSize, int steps) {
        List<String> keys = new ArrayList<>();
        long batches = 0;
        // README:begin multinode
        var augment = Compose.of(new RandomResizedCrop(64)).then(new RandomHorizontalFlip()).then(new ToTensor());
        ShardedDataset shardSet = ShardedDataset.builder(shards)
                .elastic(48)                                  // one order for any world size: keep it for the job's life
                .seed(42)
                .partition(new Partition(rank, worldSize))
                .build();
        IterableDataset<Example> train = shardSet.map((stored, rng) -> {          // decode, augment, keep the key
            Sample<Image> image = stored.decode();
            return new Example(augment.apply(image.input(), rng), image.target(), stored.key());
        });

        try (DataLoader<Batch> loader = DataLoader.builder(train).batchSize(BATCH_SIZE).numWorkers(2).seed(7).build()) {
            Epoch<Batch> epoch = resumeFrom == null ? loader.epoch(0)
                    : loader.resume(LoaderState.merge(savedStates(resumeFrom)));   // the old job's ranks, any number
            for (Batch batch : epoch) {
                try (batch) {
                    Tensor images = batch.tensor("image");             // FLOAT32 [4, 3, 64, 64]
                    @SuppressWarnings("unchecked")
                    List<String> names = (List<String>) batch.get("key");
                    keys.addAll(names);                                 // a model's step would go here
                    if (++batches == steps) {
                        break;
                    }
                }
            }
            write(saveTo.resolve("loader-" + rank + ".json"), loader.state().toJson());   // next to the checkpoint
        }
        // README:end multinode
        return new Result(List.copyOf(keys), batches, resumeFrom != null);
    }

    /** The states every rank of an earlier job saved in {@code folder}. */
    static List<LoaderState> savedStates(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<LoaderState> states = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().matches("loader-\\d+\\.json")).toList()) {
                states.add(LoaderState.fromJson(Files.readString(file)));
            }
            return states;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the saved loader states in " + folder + ": " + e, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the loader state to " + file + ": " + e, e);
        }
    }

    /**
     * Runs one rank: {@code RANK} and {@code WORLD_SIZE} from the environment; arguments: the shard set, the folder to
     * save the loader state to, the folder of an earlier job's states (or {@code -} to start the epoch) and the number
     * of steps (negative: the whole epoch). Prints the keys it trained on, one per line, after a header line.
     *
     * @param args shards, save-to, resume-from or {@code -}, steps
     */
    public static void main(String[] args) {
        if (args.length != 4 || System.getenv("RANK") == null || System.getenv("WORLD_SIZE") == null) {
            System.err.println("usage: RANK=r WORLD_SIZE=n MultiNodeTraining <shards> <save-to> <resume-from|-> <steps>");
            System.exit(2);
        }
        int rank = Integer.parseInt(System.getenv("RANK"));
        int worldSize = Integer.parseInt(System.getenv("WORLD_SIZE"));
        Result r = run(Path.of(args[0]), Path.of(args[1]), args[2].equals("-") ? null : Path.of(args[2]), rank,
                worldSize, Integer.parseInt(args[3]));
        System.out.printf(Locale.ROOT, "rank %d of %d: %d batches, %d samples%s%n", rank, worldSize, r.batches(),
                r.keys().size(), r.resumed() ? " (resumed)" : "");
        r.keys().forEach(System.out::println);
    }
}
