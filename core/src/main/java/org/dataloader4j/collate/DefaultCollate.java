package org.dataloader4j.collate;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.StringJoiner;

import org.dataloader4j.collate.internal.BatchMemory;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;
import org.dataloader4j.tensor.TensorAllocator;

/**
 * The default {@link Collate}: batches samples of any nesting of tensors, numbers, arrays, strings,
 * lists, maps and records, keeping their structure and stacking the leaves along a new first
 * dimension. The first sample decides what each part of the structure is; every other sample is
 * checked against it, and a mismatch is reported with the path inside the sample (such as
 * {@code image} or {@code [1].label}), both batch positions and what differs.
 *
 * <table>
 *   <caption>What each kind of value becomes in a batch of B samples</caption>
 *   <tr><th>sample value</th><th>batched value</th></tr>
 *   <tr><td>{@link Tensor} of shape S</td><td>a new tensor of shape [B, S...], same dtype (dtypes and shapes
 *       must match)</td></tr>
 *   <tr><td>{@code Double}, {@code Float}, {@code Long}, {@code Integer}, {@code Short}, {@code Byte},
 *       {@code Boolean}</td><td>a 1-D tensor [B] of FLOAT64, FLOAT32, INT64, INT32, INT16, UINT8 (the byte's
 *       bits) or BOOL; every sample must have the same boxed type</td></tr>
 *   <tr><td>{@code float[]}, {@code double[]}, {@code long[]}, {@code int[]}, {@code short[]},
 *       {@code byte[]}, {@code boolean[]} of length L</td><td>a 2-D tensor [B, L] of the matching dtype
 *       (lengths must match)</td></tr>
 *   <tr><td>{@link CharSequence}</td><td>an unmodifiable {@code List<String>} of B strings</td></tr>
 *   <tr><td>{@code List} (any {@link Collection}, in iteration order) of N elements</td><td>an unmodifiable
 *       {@code List} of N batched elements: element j batches the j-th elements of all samples (lengths must
 *       match)</td></tr>
 *   <tr><td>{@code Map}</td><td>an unmodifiable {@code Map} in the first sample's key order, each key mapped
 *       to its batched values (every sample must have the same keys)</td></tr>
 *   <tr><td>record</td><td>the same record type, or an unmodifiable {@code Map<String, Object>} from component
 *       name to batched value: see below</td></tr>
 * </table>
 *
 * <h2>Records</h2>
 * A batch of records is again a record of the same type, built through its canonical constructor, when
 * every component's <em>declared</em> type can hold its batched value whatever the data: {@code Object},
 * {@link Tensor}, {@code List}/{@code Collection}/{@code Iterable} or {@code Map} whose element (value)
 * type can in turn hold its batch (raw ones too), a record type that is itself rebuilt, and type
 * variables (by their bound). Otherwise, for example for {@code record Sample(Tensor image, int label)}
 * (an {@code int} cannot hold a tensor of B labels) or a {@code String} or {@code List<Integer>}
 * component, the batch is an unmodifiable, ordered {@code Map<String, Object>} from component name to
 * batched value. The decision depends only on the record class, never on the data, so a dataset's
 * batches always have the same structure; {@link Batch#tensor(String)} and {@link Batch#get(String)}
 * read both forms by component name, {@link Batch#tensor(int)} and {@link Batch#get(int)} by position.
 * An {@code int} component marked {@link AsInt64} batches to INT64 {@code [B]} (PyTorch's dtype for class
 * indices) instead of INT32.
 *
 * <h2>Custom leaf types</h2>
 * PyTorch's {@code collate_fn_map}: {@link #builder()} registers a {@link LeafCollator} for a type, and the
 * collate it builds hands that collator every column of values of the type, wherever they sit in the
 * sample (inside records, lists and maps, at any depth), and batches everything else as above. A value's
 * collator is the one registered for its exact class, else for its nearest registered superclass or
 * interface (fewest steps up the type hierarchy); two registered types equally near are an error naming
 * both. Registered leaves are consulted before the built-in rules, so they may also replace one (register
 * {@code String} to batch strings otherwise); registering {@code Collection} or {@code Map} stops the
 * recursion into those. Every value of a column must be an instance of the type its first value's
 * collator was registered for; a collator's failure is reported with the path and batch positions.
 *
 * <p>A leaf may return any value, so a record is rebuilt only when, beyond the rule above, no component
 * is declared of a type (or with a type argument) whose values a leaf may batch, other than
 * {@code Object}: {@code record Sample(Tensor image, Point p)} with a leaf for {@code Point} (or for a
 * supertype or subtype of it) batches to a map.
 *
 * <pre>{@code
 * record Point(double x, double y) {}
 * record Sample(Tensor image, List<Point> keypoints) {}
 * DefaultCollate collate = DefaultCollate.builder()
 *         .leaf(Point.class, (List<Point> points, TensorAllocator allocator) -> toTensor(points, allocator))
 *         .build();
 * DataLoader<Batch> loader = DataLoader.builder(samples).batchSize(32).collate(collate).build();
 * // batch.get("keypoints"): a List with one batched value per keypoint position
 * // toTensor(points, allocator): fills a FLOAT64 [B, 2] tensor from the allocator, as on LeafCollator
 * }</pre>
 *
 * <p>Inside a {@code DataLoader}, a default collate with custom leaves runs on the general path: the
 * {@code TensorDataset} gather still applies when no leaf covers {@code Tensor} or its samples' list, but
 * batch tensors are not allocated ahead of the samples (a custom value may hold a tensor written into a
 * preallocated batch row, which the built-in stacking would then overwrite).
 *
 * <h2>Resources and failures</h2>
 * Every tensor the collate allocates belongs to the returned {@link Batch}: {@link Batch#close()} frees
 * them all. If collating fails part way (a mismatch, a {@code null}, an unsupported type), the tensors
 * already allocated are freed before the exception is thrown. Errors are
 * {@link IllegalArgumentException}s naming the path, the batch positions and what differs; an unsupported
 * type suggests a registered leaf or a custom {@link Collate}. Sample tensors are only read, never closed.
 *
 * <pre>{@code
 * record Sample(Tensor image, long label) {}
 * List<Sample> samples = List.of(new Sample(img0, 3), new Sample(img1, 7));
 * try (Batch batch = Collate.<Sample>defaultCollate().collate(samples)) {
 *     batch.tensor("image");   // FLOAT32 [2, 3, 32, 32]
 *     batch.tensor("label");   // INT64 [2]: 3, 7
 * }
 * }</pre>
 */
public final class DefaultCollate implements Collate<Object, Batch> {

    /** The instance without custom leaves; it holds no state and is safe to share between threads. */
    public static final DefaultCollate INSTANCE = new DefaultCollate(Map.of());

    /** What a value's class resolves to among the registered leaves: none, one, or an ambiguity. */
    private record Lookup(Class<?> type, LeafCollator<?> collator, List<Class<?>> ambiguous) {
        static final Lookup NONE = new Lookup(null, null, List.of());
    }

    private final Map<Class<?>, LeafCollator<?>> leaves;
    private final ClassValue<Lookup> lookups = new ClassValue<>() {
        @Override
        protected Lookup computeValue(Class<?> type) {
            return resolve(type);
        }
    };

    /** Whether a record class is rebuilt by this collate, its leaves considered. */
    private final ClassValue<Boolean> rebuilt = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            RecordInfo info = RecordInfo.of(type);
            return leaves.isEmpty() ? info.rebuildable() : info.rebuildableWith(DefaultCollate.this::leafMayTake);
        }
    };

    private DefaultCollate(Map<Class<?>, LeafCollator<?>> leaves) {
        this.leaves = Collections.unmodifiableMap(new LinkedHashMap<>(leaves));
    }

    /** Whether some values of declared type {@code declared} (not Object) may be batched by a registered leaf. */
    private boolean leafMayTake(Class<?> declared) {
        for (Class<?> type : leaves.keySet()) {
            if (type.isAssignableFrom(declared) || declared.isAssignableFrom(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@return a builder of a default collate with custom leaf types; with none registered, it builds {@link
     * #INSTANCE}}
     *
     * <pre>{@code
     * DefaultCollate collate = DefaultCollate.builder()
     *         .leaf(Point.class, (List<Point> points, TensorAllocator allocator) -> toTensor(points, allocator))
     *         .build();
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Registers {@link LeafCollator}s for {@link DefaultCollate}: see "Custom leaf types" there. */
    public static final class Builder {
        private final Map<Class<?>, LeafCollator<?>> leaves = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Batches values of {@code type} and its subtypes (unless a nearer type is registered) with
         * {@code collator}, wherever they sit in a sample.
         *
         * @param <T> the leaf type
         * @param type the class of the values the leaf batches
         * @param collator batches one column of such values into a tensor
         * @return this builder
         * @throws IllegalArgumentException if {@code type} is {@code Object} (it would match every value), a
         *         primitive type (sample values are boxed), or already registered
         */
        public <T> Builder leaf(Class<T> type, LeafCollator<? super T> collator) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(collator, "collator");
            if (type == Object.class) {
                throw new IllegalArgumentException("cannot register a leaf for Object: it would match every value"
                        + " and replace the whole default collate; register the specific type, or pass a custom"
                        + " Collate");
            }
            if (type.isPrimitive()) {
                throw new IllegalArgumentException("cannot register a leaf for the primitive type " + type
                        + ": sample values are objects, so register its box (for example Integer for int)");
            }
            if (leaves.containsKey(type)) {
                throw new IllegalArgumentException("a leaf for " + type.getTypeName() + " is already registered");
            }
            leaves.put(type, collator);
            return this;
        }

        /** {@return the default collate with the registered leaves ({@link #INSTANCE} when there are none)} */
        public DefaultCollate build() {
            return leaves.isEmpty() ? INSTANCE : new DefaultCollate(leaves);
        }
    }

    /** {@return the types with a registered leaf, in registration order (empty for {@link #INSTANCE})} */
    public Set<Class<?>> leafTypes() {
        return leaves.keySet();
    }

    /**
     * {@return the registered type whose leaf batches values of class {@code type} (that class, or its nearest
     * registered supertype), or empty when the built-in rules batch them}
     *
     * @param type the class of a value in a sample
     * @throws IllegalArgumentException if two registered supertypes are equally near, naming both
     */
    public Optional<Class<?>> leafTypeFor(Class<?> type) {
        Lookup found = lookups.get(Objects.requireNonNull(type, "type"));
        if (!found.ambiguous().isEmpty()) {
            throw ambiguity(null, type, found);
        }
        return Optional.ofNullable(found.type());
    }

    /**
     * {@return this collate typed for samples of any type, as {@link Collate#defaultCollate()} is: the same instance
     * (it reads the samples and never stores into the list)}
     *
     * @param <T> the sample type the result is typed for
     */
    @SuppressWarnings("unchecked")
    public <T> Collate<T, Batch> typed() {
        return (Collate<T, Batch>) (Collate<?, Batch>) this;
    }

    @Override
    public String toString() {
        if (leaves.isEmpty()) {
            return "DefaultCollate";
        }
        StringJoiner names = new StringJoiner(", ", "DefaultCollate(leaves: ", ")");
        leaves.keySet().forEach(t -> names.add(t.getTypeName()));
        return names.toString();
    }

    /**
     * Collates {@code samples} (in batch order) into a batch that owns every tensor it allocated.
     *
     * @throws IllegalArgumentException if the list is empty, a value is null, samples do not match the
     *         first one, or a value's type is not supported; the message names the path and positions
     */
    @Override
    public Batch collate(List<Object> samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch: there must be at least one sample");
        }
        Object[] column = samples.toArray();
        List<Tensor> allocated = new ArrayList<>();
        try {
            Object content = collate(column, null, allocated);
            return Batch.of(content, column.length, allocated);
        } catch (Throwable failure) {
            for (Tensor t : allocated) {
                try {
                    t.close();
                } catch (Throwable t2) {
                    failure.addSuppressed(t2);
                }
            }
            throw failure;
        }
    }

    // ------------------------------------------------------------------ paths

    /** Where a value sits inside a sample: a chain of keys (map keys, component names) and list indices. */
    private record Path(Path parent, Object key, int index) {
        static Path key(Path parent, Object key) {
            return new Path(parent, key, -1);
        }

        static Path index(Path parent, int index) {
            return new Path(parent, null, index);
        }

        private void render(StringBuilder sb) {
            if (parent != null) {
                parent.render(sb);
            }
            if (index >= 0) {
                sb.append('[').append(index).append(']');
            } else {
                if (parent != null) {
                    sb.append('.');
                }
                sb.append(key);
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            render(sb);
            return sb.toString();
        }
    }

    /** {@code 'image'}, or {@code the samples} at the top level. */
    private static String where(Path path) {
        return path == null ? "the samples" : "'" + path + "'";
    }

    private static IllegalArgumentException mismatch(Path path, String detail) {
        return new IllegalArgumentException("cannot collate " + where(path) + ": " + detail);
    }

    private static IllegalArgumentException mismatch(Path path, String detail, Throwable cause) {
        return new IllegalArgumentException("cannot collate " + where(path) + ": " + detail, cause);
    }

    // ------------------------------------------------------------------ dispatch

    /** Collates one column: the values at {@code path} of every sample, in batch order. */
    private Object collate(Object[] column, Path path, List<Tensor> allocated) {
        for (int i = 0; i < column.length; i++) {
            if (column[i] == null) {
                throw new IllegalArgumentException("sample at batch position " + i + " is null"
                        + (path == null ? "" : " at '" + path + "'")
                        + "; the default collate cannot batch nulls: replace them in the dataset or a transform,"
                        + " or pass a custom Collate");
            }
        }
        Object first = column[0];
        if (!leaves.isEmpty()) {
            Lookup found = lookups.get(first.getClass());
            if (found.type() != null) {
                return leaf(column, path, found, allocated);
            }
            if (!found.ambiguous().isEmpty()) {
                throw ambiguity(path, first.getClass(), found);
            }
        }
        return switch (first) {
            case Tensor _ -> stackTensors(column, path, allocated);
            case Double _ -> scalars(column, path, DType.FLOAT64, allocated);
            case Float _ -> scalars(column, path, DType.FLOAT32, allocated);
            case Long _ -> scalars(column, path, DType.INT64, allocated);
            case Integer _ -> scalars(column, path, DType.INT32, allocated);
            case Short _ -> scalars(column, path, DType.INT16, allocated);
            case Byte _ -> scalars(column, path, DType.UINT8, allocated);
            case Boolean _ -> scalars(column, path, DType.BOOL, allocated);
            case float[] _ -> arrays(column, path, DType.FLOAT32, allocated);
            case double[] _ -> arrays(column, path, DType.FLOAT64, allocated);
            case long[] _ -> arrays(column, path, DType.INT64, allocated);
            case int[] _ -> arrays(column, path, DType.INT32, allocated);
            case short[] _ -> arrays(column, path, DType.INT16, allocated);
            case byte[] _ -> arrays(column, path, DType.UINT8, allocated);
            case boolean[] _ -> arrays(column, path, DType.BOOL, allocated);
            case CharSequence _ -> strings(column, path);
            case Collection<?> _ -> sequences(column, path, allocated);
            case Map<?, ?> _ -> maps(column, path, allocated);
            case Record _ -> records(column, path, allocated);
            default -> throw new IllegalArgumentException("cannot collate " + where(path) + ": "
                    + first.getClass().getTypeName() + " is not supported by the default collate (batch position 0"
                    + " is one), which batches Tensor, boxed numbers and Boolean, primitive arrays, strings,"
                    + " collections, maps and records" + registeredLeaves()
                    + (first.getClass().isArray() ? " (for an array of objects, use a List)" : "")
                    + "; register a leaf for it with DefaultCollate.builder().leaf("
                    + Structure.className(first.getClass()) + ".class, ...), convert it in a transform or pass a"
                    + " custom Collate");
        };
    }

    /** {@code " and the registered leaves Point, Box"}, or nothing without leaves. */
    private String registeredLeaves() {
        if (leaves.isEmpty()) {
            return "";
        }
        StringJoiner names = new StringJoiner(", ", " and the registered leaf types ", "");
        leaves.keySet().forEach(t -> names.add(t.getTypeName()));
        return names.toString();
    }

    // ------------------------------------------------------------------ custom leaves

    /** The leaf of {@code type}'s exact class, else of its nearest registered supertypes (breadth first). */
    private Lookup resolve(Class<?> type) {
        List<Class<?>> level = List.of(type);
        Set<Class<?>> visited = new HashSet<>();
        while (!level.isEmpty()) {
            Set<Class<?>> found = new LinkedHashSet<>();
            List<Class<?>> next = new ArrayList<>();
            for (Class<?> c : level) {
                if (!visited.add(c)) {
                    continue;
                }
                if (leaves.containsKey(c)) {
                    found.add(c);
                }
                if (c.getSuperclass() != null) {
                    next.add(c.getSuperclass());
                }
                next.addAll(List.of(c.getInterfaces()));
            }
            if (found.size() == 1) {
                Class<?> match = found.iterator().next();
                return new Lookup(match, leaves.get(match), List.of());
            }
            if (found.size() > 1) {
                return new Lookup(null, null, List.copyOf(found));
            }
            level = next;
        }
        return Lookup.NONE;
    }

    private static IllegalArgumentException ambiguity(Path path, Class<?> type, Lookup found) {
        StringJoiner names = new StringJoiner(" and ");
        found.ambiguous().forEach(t -> names.add(t.getTypeName()));
        return new IllegalArgumentException((path == null ? "cannot collate " : "cannot collate " + where(path)
                + ": ") + "values of type " + type.getTypeName()
                + " match the leaves registered for " + names + " equally closely; register a leaf for "
                + type.getTypeName() + " itself");
    }

    /** Hands the column to the collator found for its first value; its tensors join {@code allocated}. */
    @SuppressWarnings("unchecked")
    private static Object leaf(Object[] column, Path path, Lookup found, List<Tensor> allocated) {
        Class<?> type = found.type();
        String leafName = "the leaf registered for " + type.getTypeName();
        for (int i = 1; i < column.length; i++) {
            if (!type.isInstance(column[i])) {
                throw mismatch(path, "batch position 0 is " + Structure.aTypeName(column[0]) + ", batched by "
                        + leafName + ", but position " + i + " is " + Structure.aTypeName(column[i])
                        + ", which is not a " + Structure.className(type));
            }
        }
        List<Object> values = List.of(column); // a copy: callers reuse the column array
        TensorAllocator owned = new TensorAllocator() {
            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                Tensor t = BatchMemory.allocate(dtype, shape);
                allocated.add(t);
                return t;
            }

            @Override
            public Tensor allocateUninitialized(DType dtype, Shape shape) {
                Tensor t = BatchMemory.allocateUninitialized(dtype, shape);
                allocated.add(t);
                return t;
            }
        };
        Object out;
        try {
            out = ((LeafCollator<Object>) found.collator()).collate(values, owned);
        } catch (RuntimeException e) {
            throw mismatch(path, leafName + " failed on the " + values.size() + " values at batch positions 0 to "
                    + (values.size() - 1) + " (the first " + Structure.aTypeName(column[0]) + "): " + e, e);
        }
        if (out == null) {
            throw mismatch(path, leafName + " returned null for the " + values.size()
                    + " values at batch positions 0 to " + (values.size() - 1) + "; a leaf must return the batched"
                    + " value");
        }
        return out;
    }

    /** Checks that every value of the column has exactly the first value's class. */
    private static void requireSameClass(Object[] column, Path path) {
        Class<?> type = column[0].getClass();
        for (int i = 1; i < column.length; i++) {
            if (column[i].getClass() != type) {
                throw typeMismatch(column, i, path);
            }
        }
    }

    /** Checks that every value of the column is a {@code kind}, as the first value is. */
    private static void requireKind(Object[] column, Path path, Class<?> kind) {
        for (int i = 1; i < column.length; i++) {
            if (!kind.isInstance(column[i])) {
                throw typeMismatch(column, i, path);
            }
        }
    }

    private static IllegalArgumentException typeMismatch(Object[] column, int position, Path path) {
        Class<?> a = column[0].getClass();
        Class<?> b = column[position].getClass();
        String nameA = Structure.typeName(column[0]);
        String nameB = Structure.typeName(column[position]);
        if (nameA.equals(nameB)) { // same simple name, different classes
            return mismatch(path, "batch position 0 is of type " + a.getTypeName() + " but position " + position
                    + " is of type " + b.getTypeName());
        }
        return mismatch(path, "batch position 0 is " + Structure.article(nameA) + nameA + " but position "
                + position + " is " + Structure.article(nameB) + nameB);
    }

    private static Tensor allocate(DType dtype, Shape shape, List<Tensor> allocated) {
        Tensor t = BatchMemory.allocateUninitialized(dtype, shape); // every caller writes every element
        allocated.add(t);
        return t;
    }

    // ------------------------------------------------------------------ leaves

    private static Tensor stackTensors(Object[] column, Path path, List<Tensor> allocated) {
        requireKind(column, path, Tensor.class);
        Tensor first = (Tensor) column[0];
        DType dtype = first.dtype();
        Shape shape = first.shape();
        for (int i = 0; i < column.length; i++) {
            Tensor t = (Tensor) column[i];
            boolean sameType = t.dtype() == dtype;
            boolean sameShape = t.shape().equals(shape);
            if (!sameShape && sameType) {
                throw mismatch(path, "batch position 0 has shape " + shape + " but position " + i + " has shape "
                        + t.shape() + "; make the shapes equal in a transform, or use PaddingCollate for sequences"
                        + " of different lengths");
            }
            if (!sameType) {
                throw mismatch(path, sameShape
                        ? "batch position 0 has dtype " + dtype + " but position " + i + " has dtype " + t.dtype()
                        : "batch position 0 has dtype " + dtype + " and shape " + shape + " but position " + i
                                + " has dtype " + t.dtype() + " and shape " + t.shape());
            }
            if (t.isClosed()) {
                throw new IllegalStateException("cannot collate " + where(path) + ": the tensor at batch position "
                        + i + " (" + dtype + " " + shape + ") is closed");
            }
        }
        List<Tensor> rows = new ArrayList<>(column.length);
        for (Object t : column) {
            rows.add((Tensor) t);
        }
        Tensor out = BatchMemory.allocateStack(dtype, shape.prepend(column.length), rows); // every row is written
        allocated.add(out);
        MemorySegment dst = out.data();
        long step = first.byteSize();
        for (int i = 0; i < column.length; i++) {
            MemorySegment src = ((Tensor) column[i]).data();
            if (!alreadyInPlace(src, dst, i * step)) { // a sample written straight into its batch row
                MemorySegment.copy(src, 0, dst, i * step, step);
            }
        }
        return out;
    }

    private static boolean alreadyInPlace(MemorySegment src, MemorySegment dst, long offset) {
        return src.isNative() && dst.isNative() && src.address() == dst.address() + offset;
    }

    private static Tensor scalars(Object[] column, Path path, DType dtype, List<Tensor> allocated) {
        requireSameClass(column, path);
        int n = column.length;
        Tensor out = allocate(dtype, Shape.of(n), allocated);
        MemorySegment seg = out.data();
        switch (dtype) {
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, (Double) column[i]);
                }
            }
            case FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (Float) column[i]);
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, (Long) column[i]);
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (Integer) column[i]);
                }
            }
            case INT16 -> {
                for (int i = 0; i < n; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (Short) column[i]);
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    seg.set(ValueLayout.JAVA_BYTE, i, (Byte) column[i]);
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    seg.set(ValueLayout.JAVA_BYTE, i, (Boolean) column[i] ? (byte) 1 : (byte) 0);
                }
            }
        }
        return out;
    }

    private static Tensor arrays(Object[] column, Path path, DType dtype, List<Tensor> allocated) {
        requireSameClass(column, path);
        int length = arrayLength(column[0]);
        for (int i = 1; i < column.length; i++) {
            int li = arrayLength(column[i]);
            if (li != length) {
                throw mismatch(path, "batch position 0 has " + Structure.article(Structure.typeName(column[0]))
                        + Structure.typeName(column[0]) + " of length " + length + " but position " + i
                        + " has length " + li + "; make the lengths equal in a transform, or use PaddingCollate");
            }
        }
        Tensor out = allocate(dtype, Shape.of(column.length, length), allocated);
        MemorySegment dst = out.data();
        long rowBytes = (long) length * dtype.byteSize();
        for (int i = 0; i < column.length; i++) {
            if (column[i] instanceof boolean[] flags) {
                long base = i * rowBytes;
                for (int j = 0; j < length; j++) {
                    dst.set(ValueLayout.JAVA_BYTE, base + j, flags[j] ? (byte) 1 : (byte) 0);
                }
            } else {
                MemorySegment.copy(column[i], 0, dst, dtype.layout(), i * rowBytes, length);
            }
        }
        return out;
    }

    /** Length of a primitive array. */
    static int arrayLength(Object array) {
        return switch (array) {
            case float[] a -> a.length;
            case double[] a -> a.length;
            case long[] a -> a.length;
            case int[] a -> a.length;
            case short[] a -> a.length;
            case byte[] a -> a.length;
            case boolean[] a -> a.length;
            default -> throw new IllegalArgumentException("not a primitive array: " + array.getClass().getName());
        };
    }

    private static List<String> strings(Object[] column, Path path) {
        requireKind(column, path, CharSequence.class);
        String[] out = new String[column.length];
        for (int i = 0; i < column.length; i++) {
            out[i] = column[i].toString();
        }
        return List.of(out);
    }

    // ------------------------------------------------------------------ structures

    private List<Object> sequences(Object[] column, Path path, List<Tensor> allocated) {
        requireKind(column, path, Collection.class);
        int n = column.length;
        Object[][] rows = new Object[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = ((Collection<?>) column[i]).toArray();
            if (rows[i].length != rows[0].length) {
                throw mismatch(path, "batch position 0 is " + Structure.aTypeName(column[0]) + " of "
                        + rows[0].length + " elements but position " + i + " has " + rows[i].length + " elements");
            }
        }
        int length = rows[0].length;
        Object[] out = new Object[length];
        Object[] child = new Object[n];
        for (int j = 0; j < length; j++) {
            for (int i = 0; i < n; i++) {
                child[i] = rows[i][j];
            }
            out[j] = collate(child, Path.index(path, j), allocated);
        }
        return List.of(out);
    }

    private Map<Object, Object> maps(Object[] column, Path path, List<Tensor> allocated) {
        requireKind(column, path, Map.class);
        Map<?, ?> first = (Map<?, ?>) column[0];
        Object[] keys = first.keySet().toArray();
        int n = column.length;
        for (int i = 1; i < n; i++) {
            Map<?, ?> m = (Map<?, ?>) column[i];
            for (Object key : keys) {
                if (!m.containsKey(key)) {
                    throw mismatch(path, "batch position " + i + " has no key '" + key + "', which position 0 has");
                }
            }
            if (m.size() != keys.length) {
                for (Object key : m.keySet()) {
                    if (!first.containsKey(key)) {
                        throw mismatch(path, "batch position " + i + " has key '" + key
                                + "', which position 0 does not have");
                    }
                }
            }
        }
        SequencedMap<Object, Object> out = new LinkedHashMap<>(Math.max(4, keys.length * 2));
        Object[] child = new Object[n];
        for (Object key : keys) {
            for (int i = 0; i < n; i++) {
                child[i] = ((Map<?, ?>) column[i]).get(key);
            }
            out.put(key, collate(child, Path.key(path, key), allocated));
        }
        return Collections.unmodifiableSequencedMap(out);
    }

    private Object records(Object[] column, Path path, List<Tensor> allocated) {
        requireSameClass(column, path);
        RecordInfo info = RecordInfo.of(column[0].getClass());
        int n = column.length;
        int components = info.size();
        Object[] values = new Object[components];
        Object[] child = new Object[n];
        for (int c = 0; c < components; c++) {
            boolean widen = info.asInt64(c);
            for (int i = 0; i < n; i++) {
                Object value = info.get(column[i], c);
                child[i] = widen ? (Object) Long.valueOf((Integer) value) : value;
            }
            values[c] = collate(child, Path.key(path, info.name(c)), allocated);
        }
        if (rebuilt.get(info.type())) {
            try {
                return info.construct(values);
            } catch (Throwable t) {
                throw new IllegalArgumentException("cannot collate " + where(path) + ": the canonical constructor of"
                        + " record " + Structure.className(info.type()) + " rejected the batched values ("
                        + t + "); pass a custom Collate", t);
            }
        }
        SequencedMap<String, Object> out = new LinkedHashMap<>(Math.max(4, components * 2));
        for (int c = 0; c < components; c++) {
            out.put(info.name(c), values[c]);
        }
        return new RecordMap(out);
    }
}
