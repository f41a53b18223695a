package org.dataloader4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.collate.Collate;
import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.data.TensorDataset;
import org.dataloader4j.loader.DataLoader;
import org.dataloader4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@org.junit.jupiter.api.extension.ExtendWith(org.dataloader4j.testing.NoLeftoversExtension.class)
class LoaderDatasetTest {
    private static final int N = 50;
    private static NDManager manager;
    private static Tensor features;
    private static Tensor labels;

    @BeforeAll
    static void data() {
        manager = NDManager.newBaseManager();
        float[] x = new float[N * 3];
        long[] y = new long[N];
        for (int i = 0; i < N; i++) {
            x[3 * i] = i;                 // column 0 is the sample index, so the order can be read back
            x[3 * i + 1] = -i;
            x[3 * i + 2] = 0.5f;
            y[i] = i % 7;
        }
        features = Tensor.of(x, N, 3);
        labels = Tensor.of(y);
    }

    @AfterAll
    static void close() {
        manager.close();
        features.close();
        labels.close();
    }

    private static DataLoader<Batch> loader(int workers) {
        return DataLoader.builder(new TensorDataset(features, labels)).batchSize(8).shuffle(true).seed(3)
                .numWorkers(workers).build();
    }

    /** The sample indices of one pass, in order, read from column 0 of the data. */
    private static List<Long> order(Iterable<ai.djl.training.dataset.Batch> pass) {
        List<Long> seen = new ArrayList<>();
        for (ai.djl.training.dataset.Batch b : pass) {
            try (b) {
                NDArray x = b.getData().singletonOrThrow();
                NDArray y = b.getLabels().singletonOrThrow();
                assertEquals(DataType.FLOAT32, x.getDataType());
                assertEquals(DataType.INT64, y.getDataType());
                assertEquals(b.getSize(), x.getShape().get(0));
                float[] values = x.toFloatArray();
                long[] ys = y.toLongArray();
                for (int i = 0; i < b.getSize(); i++) {
                    long index = (long) values[3 * i];
                    assertEquals(-index, (long) values[3 * i + 1]);
                    assertEquals(index % 7, ys[i]);
                    seen.add(index);
                }
            }
        }
        return seen;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void everyIterationIsTheNextEpochReshuffledLikeTheLoader(int workers) {
        try (DataLoader<Batch> loader = loader(workers); DataLoader<Batch> reference = loader(0)) {
            LoaderDataset dataset = LoaderDataset.builder(loader).build();   // default: data = [0], labels = 1
            var data = dataset.getData(manager);
            List<Long> epoch0 = order(data);
            List<Long> epoch1 = order(data);
            assertEquals(2, dataset.nextEpoch());
            for (List<Long> epoch : List.of(epoch0, epoch1)) {
                assertEquals(LongStream.range(0, N).boxed().toList(), epoch.stream().sorted().toList());
            }
            assertNotEquals(epoch0, epoch1);
            assertEquals(expectedOrder(reference, 0), epoch0);
            assertEquals(expectedOrder(reference, 1), epoch1);
            assertEquals(epoch1, order(dataset.getData(manager, 1)));          // a given epoch, again
            assertEquals(2, dataset.nextEpoch());
            LoaderDataset resumed = LoaderDataset.builder(loader).firstEpoch(1).build();
            assertEquals(epoch1, order(resumed.getData(manager)));
            assertEquals(2, resumed.nextEpoch());
        }
    }

    private static List<Long> expectedOrder(DataLoader<Batch> loader, long epoch) {
        List<Long> out = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) {
            try (b) {
                float[] x = b.tensor(0).toFloatArray();
                for (int i = 0; i < b.size(); i++) {
                    out.add((long) x[3 * i]);
                }
            }
        }
        return out;
    }

    /** The default collate, adding every batch it makes to {@code made}. */
    private static Collate<List<Tensor>, Batch> recordingInto(List<Batch> made) {
        return samples -> {
            Batch b = Collate.<List<Tensor>>defaultCollate().collate(samples);
            made.add(b);
            return b;
        };
    }

    @Test
    void closingTheDjlBatchClosesItsArraysThenOurBatch() {
        List<Batch> made = new CopyOnWriteArrayList<>();
        Collate<List<Tensor>, Batch> recording = recordingInto(made);
        try (DataLoader<Batch> loader = DataLoader.builder(new TensorDataset(features, labels)).batchSize(16)
                .collate(recording).build()) {
            LoaderDataset dataset = LoaderDataset.builder(loader).data(0).labels(1).build();
            var it = dataset.getData(manager).iterator();
            ai.djl.training.dataset.Batch first = it.next();
            assertEquals(0, first.getProgress());
            assertEquals(4, first.getProgressTotal());               // ceil(50 / 16)
            NDArray x = first.getData().head();
            assertEquals("0", x.getName());
            assertEquals("1", first.getLabels().head().getName());
            assertFalse(made.getFirst().isClosed());
            // zero copy: the NDArray is the batch's tensor
            made.getFirst().tensor(0).setFloat(123f, 0, 2);
            assertEquals(123f, x.getFloat(0, 2));
            first.close();
            assertTrue(x.isReleased());
            assertTrue(made.getFirst().isClosed());
            int count = 1;
            while (it.hasNext()) {
                try (var b = it.next()) {
                    assertEquals(count++, b.getProgress());
                }
            }
            assertEquals(4, count);
            assertTrue(made.stream().allMatch(Batch::isClosed));
        }
    }

    record Sample(Tensor image, Tensor label, Tensor weight) {
    }

    @Test
    void recordAndMapBatchesAreSelectedByName() {
        Dataset<Sample> records = Datasets.of(List.of(
                new Sample(Tensor.of(new float[] {1, 2}), Tensor.of(new long[] {1}, new long[0]),
                        Tensor.of(new double[] {0.5}, new long[0])),
                new Sample(Tensor.of(new float[] {3, 4}), Tensor.of(new long[] {0}, new long[0]),
                        Tensor.of(new double[] {1.5}, new long[0]))));
        try (DataLoader<Batch> loader = DataLoader.builder(records).batchSize(2).build()) {
            var withoutChoice = LoaderDataset.builder(loader).build().getData(manager).iterator();
            var e = assertThrows(IllegalStateException.class, withoutChoice::next);
            assertTrue(e.getMessage().contains("data(...) and labels(...)"), e.getMessage());
            assertTrue(e.getMessage().contains("image"), e.getMessage());

            LoaderDataset dataset = LoaderDataset.builder(loader).data("image").labels("label", "weight").build();
            for (var b : dataset.getData(manager)) {
                try (b) {
                    assertEquals(List.of("image"), names(b.getData()));
                    assertEquals(List.of("label", "weight"), names(b.getLabels()));
                    assertArrayEquals(new float[] {1, 2, 3, 4}, b.getData().head().toFloatArray());
                    assertArrayEquals(new long[] {1, 0}, b.getLabels().get("label").toLongArray());
                    assertArrayEquals(new double[] {0.5, 1.5}, b.getLabels().get("weight").toDoubleArray());
                }
            }
        }
    }

    @Test
    void singleTensorBatchesHaveNoLabelsByDefault() {
        try (DataLoader<Batch> loader = DataLoader.builder(Datasets.of(List.of(Tensor.of(new int[] {1, 2}),
                Tensor.of(new int[] {3, 4})))).batchSize(2).build()) {
            for (var b : LoaderDataset.builder(loader).build().getData(manager)) {
                try (b) {
                    assertArrayEquals(new int[] {1, 2, 3, 4}, b.getData().singletonOrThrow().toIntArray());
                    assertTrue(b.getLabels().isEmpty());
                }
            }
        }
    }

    @Test
    void aMissingNameOrPositionIsNamedInTheErrorAndNothingLeaks() {
        List<Batch> made = new CopyOnWriteArrayList<>();
        Collate<List<Tensor>, Batch> recording = recordingInto(made);
        try (DataLoader<Batch> loader = DataLoader.builder(new TensorDataset(features, labels)).batchSize(10)
                .collate(recording).build()) {
            var it = LoaderDataset.builder(loader).data(0).labels(2).build().getData(manager).iterator();
            var e = assertThrows(IndexOutOfBoundsException.class, it::next);
            assertTrue(e.getMessage().contains("[2]"), e.getMessage());
            assertTrue(made.getFirst().isClosed());
        }
        var bad = assertThrows(IllegalArgumentException.class,
                () -> LoaderDataset.builder(loader(0)).data(-1));
        assertTrue(bad.getMessage().contains("[-1]"), bad.getMessage());
    }

    @Test
    void mapBatchesFlattenWithDottedNames() {
        Dataset<Map<String, Object>> maps = Datasets.of(List.of(
                Map.of("x", Tensor.of(new float[] {1}), "pair", List.of(Tensor.of(new long[] {5}),
                        Tensor.of(new boolean[] {true})))));
        try (DataLoader<Batch> loader = DataLoader.builder(maps).batchSize(1).build()) {
            for (var b : LoaderDataset.builder(loader).data("pair").noLabels().build().getData(manager)) {
                try (b) {
                    assertEquals(List.of("pair.0", "pair.1"), names(b.getData()));
                    assertEquals(DataType.BOOLEAN, b.getData().get(1).getDataType());
                    assertTrue(b.getLabels().isEmpty());
                }
            }
        }
    }

    private static List<String> names(ai.djl.ndarray.NDList list) {
        return list.stream().map(NDArray::getName).toList();
    }

    @Test
    void toStringSaysWhatIsSelected() {
        try (DataLoader<Batch> loader = loader(0)) {
            String s = LoaderDataset.builder(loader).data(0).labels("y").build().toString();
            assertTrue(s.contains("data=[0]") && s.contains("labels=[y]"), s);
            assertTrue(Arrays.asList(s.split(", ")).contains("nextEpoch=0)"), s);
        }
    }
}
