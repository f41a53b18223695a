package org.dataloader4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dataloader4j.collate.Batch;
import org.dataloader4j.tensor.Tensor;

/**
 * Turns a collated {@link Batch} into a DJL {@link NDList}, following the batch's structure: the leaves (tensors)
 * in order, depth first, each converted with {@link DjlTensors#toNDArray} (so without copying where it can share)
 * and named after its place in the structure.
 *
 * <table>
 *   <caption>Structure and the names of the NDArrays</caption>
 *   <tr><th>batch content</th><th>NDList</th></tr>
 *   <tr><td>a {@code Tensor}</td><td>one NDArray, no name</td></tr>
 *   <tr><td>a {@code List} (what {@code TensorDataset} gives)</td><td>the elements in list order, named
 *       {@code "0"}, {@code "1"}, ...</td></tr>
 *   <tr><td>a {@code Map} (and records the default collate turned into maps)</td><td>the values in the map's
 *       order, named by key</td></tr>
 *   <tr><td>a record</td><td>the components in declaration order, named by component</td></tr>
 *   <tr><td>nested structures</td><td>flattened depth first, names joined with dots ({@code "meta.size"},
 *       {@code "pair.1"})</td></tr>
 * </table>
 * A leaf that is not a tensor (the {@code List<String>} a collate makes of strings) has no NDArray form and is
 * refused with its name and type; pick the tensors you need with {@link #toNDList(NDManager, Tensor...)} then.
 *
 * <pre>{@code
 * try (Batch batch = it.next(); NDManager step = manager.newSubManager()) {
 *     NDList inputs = DjlBatches.toNDList(batch, step);   // e.g. [images FLOAT32 (64, 3, 32, 32), labels INT64 (64)]
 *     NDArray labels = inputs.get("label");               // by name for map and record batches
 *     ...
 * }   // the sub-manager closes first (try-with-resources closes in reverse order), then the batch
 * }</pre>
 */
public final class DjlBatches {
    private DjlBatches() {
    }

    /**
     * {@return the tensors of {@code batch}, in structure order, as NDArrays of {@code manager}} They share the batch's
     * memory where {@link DjlTensors#canShare} allows: close them (or their manager) before the batch.
     *
     * @param batch the batch to convert
     * @param manager the manager of the NDArrays
     * @throws IllegalArgumentException if a leaf of the batch is not a tensor, naming its place and type
     * @throws IllegalStateException    if the batch is closed
     */
    public static NDList toNDList(Batch batch, NDManager manager) {
        Objects.requireNonNull(batch, "batch");
        if (batch.isClosed()) {
            throw new IllegalStateException("cannot convert " + batch + " to an NDList: it is closed");
        }
        return toNDList(batch.content(), manager);
    }

    /**
     * {@return the tensors of a structure made of tensors, lists, maps and records (for example a {@link
     * Batch#content()} or one element of it), flattened as the class comment says}
     *
     * @param content a structure of tensors, lists, maps and records
     * @param manager the manager of the NDArrays
     * @throws IllegalArgumentException if a leaf is not a tensor, naming its place and type
     */
    public static NDList toNDList(Object content, NDManager manager) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(manager, "manager");
        NDList out = new NDList();
        try {
            flatten(content, null, manager, out);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * {@return the given tensors, in order, as NDArrays of {@code manager} (shared where possible, unnamed)}
     *
     * @param manager the manager of the NDArrays
     * @param tensors the tensors to convert
     */
    public static NDList toNDList(NDManager manager, Tensor... tensors) {
        Objects.requireNonNull(manager, "manager");
        NDList out = new NDList(tensors.length);
        for (Tensor tensor : tensors) {
            out.add(DjlTensors.toNDArray(tensor, manager));
        }
        return out;
    }

    private static void flatten(Object node, String path, NDManager manager, NDList out) {
        switch (node) {
            case Tensor tensor -> {
                NDArray array = DjlTensors.toNDArray(tensor, manager);
                if (path != null) {
                    array.setName(path);
                }
                out.add(array);
            }
            case List<?> list -> {
                if (!list.isEmpty() && list.stream().noneMatch(DjlBatches::isStructure)) {
                    Object first = list.getFirst();
                    throw new IllegalArgumentException("batch element " + name(path) + " is a List of "
                            + (first == null ? "nulls" : first.getClass().getName()) + ", which has no NDArray form;"
                            + " only tensors (in lists, maps and records) convert: pass the tensors you need to"
                            + " toNDList(manager, tensors...)");
                }
                for (int i = 0; i < list.size(); i++) {
                    flatten(list.get(i), join(path, Integer.toString(i)), manager, out);
                }
            }
            case Map<?, ?> map -> {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    flatten(entry.getValue(), join(path, String.valueOf(entry.getKey())), manager, out);
                }
            }
            case Record record -> {
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    flatten(read(record, component), join(path, component.getName()), manager, out);
                }
            }
            case null -> throw new IllegalArgumentException("batch element " + name(path)
                    + " is null and has no NDArray form");
            default -> throw new IllegalArgumentException("batch element " + name(path) + " is a "
                    + node.getClass().getName() + ", which has no NDArray form; only tensors (in lists, maps and"
                    + " records) convert: pass the tensors you need to toNDList(manager, tensors...)");
        }
    }

    private static boolean isStructure(Object node) {
        return node instanceof Tensor || node instanceof List<?> || node instanceof Map<?, ?> || node instanceof Record;
    }

    private static Object read(Record record, RecordComponent component) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read component '" + component.getName() + "' of "
                    + record.getClass().getName() + ": " + e, e);
        }
    }

    private static String join(String path, String child) {
        return path == null ? child : path + "." + child;
    }

    private static String name(String path) {
        return path == null ? "(the whole batch)" : "'" + path + "'";
    }
}
