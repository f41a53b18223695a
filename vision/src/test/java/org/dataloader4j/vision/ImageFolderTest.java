package org.dataloader4j.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.dataloader4j.collate.Batch;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.vision.transforms.CenterCrop;
import org.dataloader4j.vision.transforms.Compose;
import org.dataloader4j.vision.transforms.RandomHorizontalFlip;
import org.dataloader4j.vision.transforms.RandomResizedCrop;
import org.dataloader4j.vision.transforms.Resize;
import org.dataloader4j.vision.transforms.ToTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class ImageFolderTest {

    /** Recreates the tree of folder_tree.txt under {@code tmp}; returns the expected classes and samples. */
    private static Map<String, Object> buildTree(Path tmp) throws IOException {
        List<String> classes = new ArrayList<>();
        Map<String, Integer> classToIdx = new LinkedHashMap<>();
        List<String> samples = new ArrayList<>();
        for (String line : Fixtures.lines(Fixtures.dir("").resolve("folder_tree.txt"))) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "dir" -> Files.createDirectories(tmp.resolve(f[1]));
                case "file" -> Files.createFile(tmp.resolve(f[1]));
                case "link" -> Files.createSymbolicLink(tmp.resolve(f[1]), Path.of(f[2]));
                case "class" -> {
                    classes.add(f[1]);
                    classToIdx.put(f[1], Integer.parseInt(f[2]));
                }
                case "sample" -> samples.add(f[1] + " " + f[2]);
                default -> throw new IllegalStateException(line);
            }
        }
        return Map.of("classes", classes, "classToIdx", classToIdx, "samples", samples);
    }

    @Test
    void matchesTorchvisionOnATrickyTree(@TempDir Path tmp) throws IOException {
        Map<String, Object> expected = buildTree(tmp);
        Path root = tmp.resolve("root");
        DatasetFolder<Image> ds = ImageFolder.of(root);
        assertEquals(expected.get("classes"), ds.classes());
        assertEquals(expected.get("classToIdx"), ds.classToIdx());
        List<String> got = ds.samples().stream()
                .map(e -> e.target() + " " + root.relativize(e.path()).toString().replace('\\', '/')).toList();
        assertEquals(expected.get("samples"), got);
        assertEquals(ds.samples().stream().map(DatasetFolder.Entry::target).toList(), ds.targets());
        assertEquals(got.size(), ds.size());
        assertEquals(ds.samples().get(3).path().toString(), ds.source(3).orElseThrow());
    }

    @Test
    void extensionsAndPredicate(@TempDir Path tmp) throws IOException {
        buildTree(tmp);
        Path root = tmp.resolve("root");
        DatasetFolder<Path> png = DatasetFolder.builder(root, p -> p).extensions(".png").allowEmpty(true).build();
        assertTrue(png.samples().stream().allMatch(e -> e.path().toString().toLowerCase().endsWith(".png")));
        assertEquals(6, png.size(), png.samples().toString());   // h, .hidden, x, y.PnG, zlink, s1
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> DatasetFolder.builder(root, p -> p).extensions(".png").build());
        assertTrue(empty.getMessage().contains("10_z, Cat") && empty.getMessage().contains(".png"),
                empty.getMessage());
        DatasetFolder<Path> all = DatasetFolder.builder(root, p -> p).isValidFile(p -> true).build();
        assertTrue(all.samples().stream().anyMatch(e -> e.path().endsWith("noext")));
        DatasetFolder<Image> pred = ImageFolder.builder(root).isValidFile(p -> p.toString().endsWith(".txt"))
                .allowEmpty(true).build();
        assertEquals(1, pred.size());
        assertThrows(IllegalArgumentException.class,
                () -> DatasetFolder.builder(root, p -> p).extensions(".png").isValidFile(p -> true).build());
        assertThrows(IllegalArgumentException.class, () -> DatasetFolder.builder(root, p -> p).build());
    }

    @Test
    void errorsNameTheRoot(@TempDir Path tmp) throws IOException {
        Files.createFile(tmp.resolve("a.jpg"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(tmp));
        assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("class folder"), e.getMessage());
        Path missing = tmp.resolve("nope");
        e = assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(missing));
        assertTrue(e.getMessage().contains(missing.toString()));
        Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> ImageFolder.of(tmp));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains(".webp"), e.getMessage());
    }

    @Test
    void symlinkLoopsAreNotFollowedForever(@TempDir Path tmp) throws IOException {
        Path cls = Files.createDirectories(tmp.resolve("a"));
        Files.createFile(cls.resolve("x.png"));
        Files.createSymbolicLink(cls.resolve("loop"), Path.of(".."));
        DatasetFolder<Path> ds = DatasetFolder.builder(tmp, p -> p).extensions(".png").build();
        assertTrue(ds.size() >= 1);
    }

    private static Path imageTree(Path tmp) throws IOException {
        Path decode = Fixtures.dir("decode");
        Files.createDirectories(tmp.resolve("cat"));
        Files.createDirectories(tmp.resolve("dog"));
        Files.copy(decode.resolve("rgb.png"), tmp.resolve("cat/1.png"));
        Files.copy(decode.resolve("gray.jpg"), tmp.resolve("cat/2.jpg"));
        Files.copy(decode.resolve("rgba.png"), tmp.resolve("dog/1.png"));
        Files.copy(decode.resolve("maxval15.pgm"), tmp.resolve("dog/2.pgm"));
        return tmp;
    }

    /** A sample with a transformed target. */
    record Named(Tensor input, String target) {
    }

    @Test
    void loadsRgbImagesAndAppliesTransforms(@TempDir Path tmp) throws IOException {
        Path root = imageTree(tmp);
        DatasetFolder<Image> raw = ImageFolder.of(root);
        for (long i = 0; i < raw.size(); i++) {
            try (Image img = raw.get(i).input()) {
                assertEquals(Image.Mode.RGB, img.mode());
                assertEquals(23, img.width());
            }
            assertEquals(i < 2 ? 0L : 1L, raw.get(i).target());
        }
        List<Image> seen = new ArrayList<>();
        Dataset<Named> ds = ImageFolder.builder(root)
                .transform((Image img, java.util.random.RandomGenerator rng) -> {
                    seen.add(img);
                    return new ToTensor().apply(img, rng);
                })
                .build()
                .map((sample, rng) -> new Named(sample.input(), "class-" + sample.target()));   // a target transform
        Named s = ds.get(3);
        assertEquals("class-1", s.target());
        assertEquals(DType.FLOAT32, s.input().dtype());
        assertTrue(seen.getFirst().isClosed(), "the decoded image is freed after the transform");
    }

    @Test
    void collatesThroughTheDataLoader(@TempDir Path tmp) throws IOException {
        Path root = imageTree(tmp);
        Dataset<Sample<Tensor>> ds = ImageFolder.builder(root).transform(new ToTensor()).build();
        try (DataLoader<Batch> loader = DataLoader.builder(ds).batchSize(4).numWorkers(2).seed(1).build()) {
            for (Batch batch : loader) {
                try (batch) {
                    Tensor images = batch.tensor(0);
                    Tensor targets = batch.tensor(1);
                    assertEquals(List.of("input", "target"), List.copyOf(batch.content(Map.class).keySet()));
                    assertEquals("[4, 3, 17, 23]", images.shape().toString());
                    assertEquals(DType.INT64, targets.dtype());
                    assertEquals(List.of(0L, 0L, 1L, 1L), java.util.Arrays.stream(targets.toLongArray()).boxed().toList());
                }
            }
        }
    }

    @Test
    void planSaysWhetherTheTransformStartsFromTheFileAndWhyNot(@TempDir Path tmp) throws IOException {
        Path root = imageTree(tmp);
        Compose<Image, Tensor> train = Compose.of(new RandomResizedCrop(8)).then(new RandomHorizontalFlip())
                .then(new ToTensor());
        assertEquals("fused: decode region of RandomResizedCrop, RandomHorizontalFlip+ToTensor into the batch row",
                ImageFolder.builder(root).transform(train).build().plan().toString());
        assertEquals("fused: decode whole image", ImageFolder.of(root).plan().toString());

        SampleTransform<Image, Tensor> lambda = (img, rng) -> new ToTensor().apply(img, rng);
        FusionPlan notDecoding = ImageFolder.builder(root).transform(lambda).build().plan();
        assertFalse(notDecoding.fused());
        assertTrue(notDecoding.toString().startsWith("unfused: the transform (" + lambda.getClass().getName()
                + ") is not a DecodingTransform"), notDecoding.toString());

        Function<Path, Image> ownLoader = path -> Decoders.standard().decode(path, Image.Mode.RGB);
        FusionPlan notDecodingLoader = DatasetFolder.builder(root, ownLoader).extensions(".png").transform(train)
                .build().plan();
        assertTrue(notDecodingLoader.toString().startsWith("unfused: the loader (" + ownLoader.getClass().getName()
                + ") is not a DecodingLoader"), notDecodingLoader.toString());

        DecodingLoader declared = Decoders::standard;
        assertTrue(DatasetFolder.builder(root, declared).extensions(".png").transform(train).build().plan().fused());
    }

    @Test
    void buildingAPipelineThatAStageKeepsUnfusedLogsThePlanOnce(@TempDir Path tmp) throws IOException {
        Path root = imageTree(tmp);
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(DatasetFolder.class.getName());
        List<String> logged = new ArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            SampleTransform<Image, Image> undeclared = (img, rng) -> img.copy();
            ImageFolder.builder(root).transform(Compose.of(new Resize(12)).then(undeclared).then(new CenterCrop(8))
                    .then(new ToTensor())).build();
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.getFirst().startsWith("DatasetFolder " + root + ": unfused: stage 2 ("
                    + undeclared.getClass().getName() + ") does not declare PixelwiseTransform"), logged.getFirst());
            ImageFolder.builder(root).transform(Compose.of(new Resize(12)).then(new CenterCrop(8))).build();
            assertEquals(1, logged.size(), "a fused pipeline logs nothing: " + logged);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void loaderErrorsNameTheFile(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("c"));
        Files.writeString(tmp.resolve("c/broken.jpg"), "not a jpeg");
        DatasetFolder<Image> ds = ImageFolder.of(tmp);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ds.get(0));
        assertTrue(e.getMessage().contains("broken.jpg"));
    }
}
