package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.IterableDataset;
import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.random.CounterRandom;
import org.dataloader4j.spark.internal.ImageCodec;
import org.dataloader4j.spark.internal.TarWriter;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.vision.Decoders;
import org.dataloader4j.vision.FusionPlan;
import org.dataloader4j.vision.Image;
import org.dataloader4j.vision.ImageDecodeException;
import org.dataloader4j.vision.Sample;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.Normalize;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShardTransform} runs a pipeline over shard samples with the fused region decode, bitwise the whole decode
 * followed by the stages one by one, on both JPEG decoders, sample by sample and through a {@code DataLoader}; a
 * stage that breaks a fusion falls back, with the same bits; errors name the shard and the key.
 */
class ShardTransformTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** A user's stage that declares nothing: a brightness change drawn from the generator. */
    static final class Brightness implements SampleTransform<Image, Image> {
        @Override
        public Image apply(Image image, RandomGenerator rng) {
            double factor = 0.6 + 0.8 * rng.nextDouble();
            byte[] bytes = image.toByteArray();
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) Math.min(255, (int) Math.round((bytes[i] & 0xFF) * factor));
            }
            return Image.of(image.mode(), image.width(), image.height(), bytes);
        }
    }

    private static Compose<Image, Tensor> train() {
        return Compose.of(new RandomResizedCrop(56)).then(new RandomHorizontalFlip()).then(new ToTensor())
                .then(new Normalize(MEAN, STD));
    }

    /** A smooth picture with texture, as JPEG compresses photographs. */
    private static Image picture(Image.Mode mode, int w, int h, long seed) {
        RandomGenerator rnd = CounterRandom.fromKey(seed);
        byte[] px = new byte[w * h * mode.channels()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < mode.channels(); c++) {
                    double v = 128 + 90 * Math.sin(x / (7.0 + c) + y / (11.0 - c)) + rnd.nextInt(24) - 12;
                    px[(y * w + x) * mode.channels() + c] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return Image.of(mode, w, h, px);
    }

    /** JPEGs (colour and gray, as the shard job writes them) and a PNG, with the shard and key they come from. */
    private static List<ShardSample> samples() {
        List<ShardSample> out = new ArrayList<>();
        int[][] sizes = {{256, 171}, {171, 256}, {200, 200}, {97, 61}};
        for (int i = 0; i < sizes.length; i++) {
            try (Image img = picture(Image.Mode.RGB, sizes[i][0], sizes[i][1], i)) {
                out.add(new ShardSample("k" + i, "jpg", ImageCodec.encodeJpeg(img, 90), i % 3, "shard-00001.tar"));
            }
        }
        try (Image gray = picture(Image.Mode.L, 150, 110, 9)) {
            out.add(new ShardSample("gray", "jpg", ImageCodec.encodeJpeg(gray, 90), 1, "shard-00002.tar"));
        }
        try (Image rgb = picture(Image.Mode.RGB, 120, 90, 10)) {
            out.add(new ShardSample("lossless", "png", ImageCodec.encodePng(rgb), 2, "shard-00002.tar"));
        }
        return out;
    }

    /** The unfused path: the whole image decoded, then the pipeline, with the generator the fused path gets. */
    private static <R> Sample<R> stageByStage(Compose<Image, R> pipeline, Decoders decoders, ShardSample s,
                                              RandomGenerator rng) {
        try (Image whole = decoders.decode(s.image(), s.source(), Image.Mode.RGB)) {
            return new Sample<>(pipeline.apply(whole, rng), (int) s.label());
        }
    }

    private static Object values(Object result) {
        return result instanceof Tensor t ? t.toFloatArray() : ((Image) result).toByteArray();
    }

    private static <R> void assertBitwiseStageByStage(Compose<Image, R> pipeline) throws Exception {
        int compared = 0;
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            ShardTransform<R> fused = ShardTransform.of(pipeline, decoders);
            for (ShardSample s : samples()) {
                for (int i = 0; i < 6; i++) {
                    String what = s.source() + " sample " + i + " " + pipeline
                            + (decoders.usesNativeJpeg() ? " (native JPEG)" : " (Java)");
                    RandomGenerator expectedRng = CounterRandom.of(3, 2, i, 0);
                    RandomGenerator gotRng = CounterRandom.of(3, 2, i, 0);
                    Sample<R> expected = stageByStage(pipeline, decoders, s, expectedRng);
                    Sample<R> got = fused.apply(s, gotRng);
                    try {
                        assertEquals(expected.target(), got.target(), what);
                        Object e = values(expected.input());
                        Object g = values(got.input());
                        if (e instanceof float[] f) {
                            assertArrayEquals(f, (float[]) g, what);
                        } else {
                            assertArrayEquals((byte[]) e, (byte[]) g, what);
                        }
                        assertEquals(expectedRng.nextLong(), gotRng.nextLong(), what + ": the same draws");
                        compared++;
                    } finally {
                        ((AutoCloseable) expected.input()).close();
                        ((AutoCloseable) got.input()).close();
                    }
                }
            }
        }
        assertEquals(2 * 6 * 6, compared);
    }

    @Test
    void fusedTrainPipelineIsBitwiseTheWholeDecodeAndTheStagesOnBothDecoders() throws Exception {
        Compose<Image, Tensor> train = train();
        assertEquals("fused: decode region of RandomResizedCrop, RandomHorizontalFlip+ToTensor+Normalize into the"
                + " batch row", ShardTransform.of(train).plan().toString());
        assertBitwiseStageByStage(train);
    }

    @Test
    void fusedEvalPipelineDecodesTheWindowBitwise() throws Exception {
        Compose<Image, Tensor> eval = Compose.of(new Resize(64)).then(new CenterCrop(56)).then(new ToTensor())
                .then(new Normalize(MEAN, STD));
        FusionPlan plan = ShardTransform.of(eval).plan();
        assertEquals("fused: decode region of Resize+CenterCrop, ToTensor+Normalize into the batch row",
                plan.toString());
        assertEquals(eval.plan(Decoders.standard()), plan, "the plan ImageFolder reports for the same pipeline");
        assertBitwiseStageByStage(eval);
    }

    @Test
    void aStageThatBreaksAFusionFallsBackWithTheSameBitsAndThePlanNamesIt() throws Exception {
        Compose<Image, Tensor> betweenFlip = Compose.of(new RandomResizedCrop(48)).then(new RandomHorizontalFlip())
                .then(new Brightness()).then(new ToTensor());
        FusionPlan plan = ShardTransform.of(betweenFlip).plan();
        assertFalse(plan.fused());
        assertEquals("unfused: stage 3 (" + Brightness.class.getName() + ") does not declare PixelwiseTransform, so"
                + " RandomHorizontalFlip and stage 4 (ToTensor) run apart (runs: decode region of RandomResizedCrop,"
                + " RandomHorizontalFlip, " + Brightness.class.getName() + ", ToTensor)", plan.toString());
        assertBitwiseStageByStage(betweenFlip);

        Compose<Image, Tensor> first = Compose.of((SampleTransform<Image, Image>) new Brightness())
                .then(new RandomResizedCrop(48)).then(new ToTensor());
        FusionPlan whole = ShardTransform.of(first).plan();
        assertEquals("decode whole image", whole.steps().getFirst());
        assertEquals(List.of("stage 1 (" + Brightness.class.getName() + ") runs before stage 2 (RandomResizedCrop)"
                + " chooses its region, so the whole image is decoded"), whole.unfused());
        assertBitwiseStageByStage(first);
    }

    @Test
    void aSingleStageRunsAsAOneStagePipeline() throws Exception {
        ShardTransform<Image> crop = ShardTransform.of(new RandomResizedCrop(40));
        assertEquals("fused: decode region of RandomResizedCrop", crop.plan().toString());
        assertEquals("ShardTransform(fused: decode region of RandomResizedCrop)", crop.toString());
        assertBitwiseStageByStage(Compose.of(new RandomResizedCrop(40)));
    }

    @Test
    void aCorruptImageFailsNamingTheShardAndTheKey() {
        byte[] jpeg = samples().getFirst().image();
        ShardSample truncated = new ShardSample("cat_017", "jpg", Arrays.copyOf(jpeg, jpeg.length / 2), 0,
                "shard-00042.tar");
        ShardSample garbage = new ShardSample("dog_003", "jpg", "not an image".getBytes(StandardCharsets.US_ASCII),
                1, "shard-00007.tar");
        for (Decoders decoders : List.of(Decoders.standard(), Decoders.standard().withNativeJpeg(false))) {
            ShardTransform<Tensor> fused = ShardTransform.of(train(), decoders);
            ImageDecodeException e = assertThrows(ImageDecodeException.class,
                    () -> fused.apply(truncated, CounterRandom.of(1, 0, 0, 0)));
            assertEquals("shard-00042.tar:cat_017.jpg", e.name(), e.getMessage());
            assertTrue(e.getMessage().contains("shard-00042.tar:cat_017.jpg"), e.getMessage());
            ImageDecodeException g = assertThrows(ImageDecodeException.class,
                    () -> fused.apply(garbage, CounterRandom.of(1, 0, 0, 0)));
            assertTrue(g.getMessage().contains("shard-00007.tar:dog_003.jpg"), g.getMessage());
        }
    }

    @Test
    void aLabelThatDoesNotFitAnIntIsRefusedNamingTheSample() {
        ShardSample big = new ShardSample("cat_001", "jpg", samples().getFirst().image(), 1L << 33, "shard-00003.tar");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ShardTransform.of(train()).apply(big, CounterRandom.of(1, 0, 0, 0)));
        assertTrue(e.getMessage().contains("shard-00003.tar:cat_001.jpg") && e.getMessage().contains("8589934592"),
                e.getMessage());
    }

    /** Writes the samples as two shards with a manifest, as the shard job lays them out. */
    private static ShardedDataset shards(Path dir, List<ShardSample> samples) throws IOException {
        List<Manifest.Shard> shards = new ArrayList<>();
        int perShard = (samples.size() + 1) / 2;
        for (int s = 0; s * perShard < samples.size(); s++) {
            String file = String.format("shard-%05d.tar", s);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter tar = new TarWriter(out);
            List<ShardSample> part = samples.subList(s * perShard, Math.min(samples.size(), (s + 1) * perShard));
            for (ShardSample x : part) {
                tar.add(x.key() + "." + x.extension(), x.image());
                tar.add(x.key() + ".cls", Long.toString(x.label()).getBytes(StandardCharsets.US_ASCII));
            }
            tar.finish();
            Files.write(dir.resolve(file), out.toByteArray());
            shards.add(new Manifest.Shard(file, part.size(), out.size()));
        }
        Manifest m = new Manifest(0, shards, List.of("a", "b", "c"), new double[0], new double[0], 0, 0, 0, List.of());
        Files.writeString(dir.resolve(Manifest.FILE_NAME), m.toJson());
        return ShardedDataset.builder(dir).seed(1).shuffleBuffer(3).build();
    }

    /** The batches' inputs, and their targets into {@code targets}. */
    private static List<float[]> inputs(IterableDataset<Sample<Tensor>> data, int workers, List<long[]> targets) {
        List<float[]> out = new ArrayList<>();
        try (DataLoader<Batch> loader = DataLoader.builder(data).batchSize(4).numWorkers(workers).seed(5).build()) {
            for (Batch batch : loader.epoch(1)) {
                try (batch) {
                    out.add(batch.tensor("input").toFloatArray());
                    targets.add(batch.tensor("target").toLongArray());
                }
            }
        }
        return out;
    }

    @Test
    void throughADataLoaderTheFusedMapGivesTheBatchesOfTheUnfusedMap(@TempDir Path dir) throws IOException {
        List<ShardSample> all = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            for (ShardSample s : samples()) {
                if (s.extension().equals("jpg")) {
                    all.add(new ShardSample(s.key() + "_" + copy, s.extension(), s.image(), s.label(), s.shard()));
                }
            }
        }
        ShardedDataset ds = shards(dir, all);
        Compose<Image, Tensor> train = Compose.of(new RandomResizedCrop(32)).then(new RandomHorizontalFlip())
                .then(new ToTensor()).then(new Normalize(MEAN, STD));
        IterableDataset<Sample<Tensor>> fused = ds.map(ShardTransform.of(train));
        IterableDataset<Sample<Tensor>> unfused = ds.map((s, rng) -> {
            try (Image whole = s.decode().input()) {
                return new Sample<>(train.apply(whole, rng), (int) s.label());
            }
        });
        for (int workers : new int[] {0, 2}) {
            List<long[]> ta = new ArrayList<>();
            List<long[]> tb = new ArrayList<>();
            List<float[]> a = inputs(fused, workers, ta);
            List<float[]> b = inputs(unfused, workers, tb);
            assertEquals(b.size(), a.size());
            assertTrue(a.size() >= 4, "batches: " + a.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(b.get(i), a.get(i), "workers=" + workers + " batch " + i);
                assertArrayEquals(tb.get(i), ta.get(i), "workers=" + workers + " batch " + i + " targets");
            }
        }
    }

    @Test
    void throughADataLoaderACorruptImageIsReportedWithItsShardAndKey(@TempDir Path dir) throws IOException {
        List<ShardSample> all = new ArrayList<>(samples().subList(0, 3));
        byte[] jpeg = all.getFirst().image();
        all.add(new ShardSample("broken_9", "jpg", Arrays.copyOf(jpeg, jpeg.length / 3), 0, "ignored"));
        ShardedDataset ds = shards(dir, all);
        IterableDataset<Sample<Tensor>> fused = ds.map(ShardTransform.of(train()));
        RuntimeException e = assertThrows(RuntimeException.class, () -> inputs(fused, 0, new ArrayList<>()));
        Throwable cause = e;
        while (cause != null && !(cause instanceof ImageDecodeException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(ImageDecodeException.class, cause, String.valueOf(e));
        assertEquals("shard-00001.tar:broken_9.jpg", ((ImageDecodeException) cause).name(), cause.getMessage());
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(NullPointerException.class, () -> ShardTransform.of(null));
        assertThrows(NullPointerException.class, () -> ShardTransform.of(train(), null));
    }
}
