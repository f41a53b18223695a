package org.dataloader4j.collate;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.dataloader4j.tensor.Tensor;

/**
 * One collated batch: its content (the structure the collate built, e.g. a {@link Tensor}, a
 * {@code List}, a {@code Map} or a record whose leaves are batched tensors), the number of samples in
 * it, and the resources it owns (the tensors the collate allocated). {@link #close()} releases those
 * resources exactly once; closing again does nothing.
 *
 * <p>After {@code close()} the structure can still be inspected ({@link #content()}, shapes and dtypes,
 * {@link #toString()}), but the batch's tensors are freed: reading or writing their data throws
 * {@link IllegalStateException}. Copy a tensor ({@link Tensor#copy()}) to keep it past the batch.
 *
 * <p>The accessors look inside the content and say what the batch actually holds when it has
 * another structure: {@link #tensor()} for a tensor; {@link #get(int)} and {@link #tensor(int)} for a
 * list; {@link #get(String)} and {@link #tensor(String)} for a map (by key) or a record (by component
 * name). Because the {@linkplain DefaultCollate default collate} turns some records into maps from
 * component name to value, {@code tensor("label")} works for both.
 *
 * <pre>{@code
 * record Sample(Tensor image, int label) {}
 * try (Batch batch = Collate.<Sample>defaultCollate().collate(samples)) {
 *     Tensor images = batch.tensor("image");   // FLOAT32 [B, 3, 32, 32]
 *     Tensor labels = batch.tensor("label");   // INT32 [B]
 *     train(images, labels);
 * }                                            // both tensors are freed here
 * }</pre>
 */
public final class Batch implements AutoCloseable {
    private final Object content;
    private final int size;
    private final List<AutoCloseable> resources;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Batch(Object content, int size, List<AutoCloseable> resources) {
        this.content = content;
        this.size = size;
        this.resources = resources;
    }

    /**
     * {@return a batch of {@code size} samples holding {@code content}, which owns {@code resources}: they are closed,
     * in order, by {@link #close()}} For custom collates.
     *
     * <pre>{@code
     * Tensor padded = ...;
     * Tensor lengths = ...;
     * Batch batch = Batch.of(Map.of("tokens", padded, "lengths", lengths), samples.size(), List.of(padded, lengths));
     * }</pre>
     *
     * @param content the collated structure: a tensor, or lists, maps and records of them
     * @param size the number of samples collated into it
     * @param resources what the batch owns and closes, in this order
     * @throws NullPointerException if {@code content}, {@code resources} or one of them is null
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public static Batch of(Object content, int size, List<? extends AutoCloseable> resources) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(resources, "resources");
        if (size < 0) {
            throw new IllegalArgumentException("a batch size must be >= 0, but got size=" + size);
        }
        return new Batch(content, size, List.copyOf(resources));
    }

    /** {@return the collated structure} */
    public Object content() {
        return content;
    }

    /**
     * {@return the content as {@code type}}
     *
     * @param <T> the expected type of the content
     * @param type the expected class of the content
     * @throws IllegalStateException if the content is not a {@code type}, saying what it is
     */
    public <T> T content(Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (type.isInstance(content)) {
            return type.cast(content);
        }
        String hint = type.isRecord() && content instanceof Map
                ? " (the default collate turns a record into a Map from component name to batched value when a"
                        + " component's declared type, such as int or String, cannot hold its batch; read it with"
                        + " get(name) or tensor(name))"
                : "";
        throw new IllegalStateException("the batch is not " + Structure.article(Structure.className(type))
                + Structure.className(type) + "; it holds " + Structure.summary(content) + hint);
    }

    /** {@return number of samples in the batch} */
    public int size() {
        return size;
    }

    /**
     * {@return the content, when it is a single tensor}
     *
     * @throws IllegalStateException if the content is something else, saying what
     */
    public Tensor tensor() {
        if (content instanceof Tensor t) {
            return t;
        }
        throw new IllegalStateException("the batch is not a single Tensor; it holds " + Structure.summary(content));
    }

    /**
     * Element {@code i} of a list content, component {@code i} of a record content (in declaration order), or
     * of the map a batch of records became (see {@link DefaultCollate}: it keeps their declaration order), as
     * PyTorch users read {@code batch[0]} and {@code batch[1]} of a batch of {@code (input, target)} samples.
     *
     * @param i the position in the list, of the component in the record's declaration, or of the key in the map
     * @return the element
     * @throws IllegalStateException if the content is neither a list, a record nor a batch of records
     * @throws IndexOutOfBoundsException if {@code i} is out of range, naming the list's length
     */
    public Object get(int i) {
        if (content instanceof Record record) {
            java.lang.reflect.RecordComponent[] components = record.getClass().getRecordComponents();
            if (i < 0 || i >= components.length) {
                throw new IndexOutOfBoundsException("batch element [" + i + "] does not exist; the batch holds "
                        + Structure.summary(content));
            }
            try {
                java.lang.reflect.Method accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                return accessor.invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot read component " + components[i].getName() + " of "
                        + Structure.summary(content), e);
            }
        }
        if (content instanceof RecordMap map) {
            if (i < 0 || i >= map.size()) {
                throw new IndexOutOfBoundsException("batch element [" + i + "] does not exist; the batch holds "
                        + Structure.summary(content));
            }
            return map.component(i);
        }
        if (!(content instanceof List<?> list)) {
            throw new IllegalStateException("cannot get batch element [" + i + "]: the batch is not a List (nor a"
                    + " record or a batch of records); it holds " + Structure.summary(content));
        }
        if (i < 0 || i >= list.size()) {
            throw new IndexOutOfBoundsException("batch element [" + i + "] does not exist; the batch holds "
                    + Structure.summary(content));
        }
        return list.get(i);
    }

    /**
     * Element {@code i} as {@link #get(int)} reads it, which must be a tensor.
     *
     * @param i the position, as {@link #get(int)} reads it
     * @return the tensor
     * @throws IllegalStateException if the content is neither a list, a record nor a batch of records, or the element
     *                               is not a tensor
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public Tensor tensor(int i) {
        return requireTensor(get(i), "[" + i + "]");
    }

    /**
     * {@return the element called {@code name}: the value of that key of a map content, or of that component of a
     * record content}
     *
     * @param name a key of the map content or a component of the record content
     * @throws IllegalStateException if the content is neither a map nor a record
     * @throws IllegalArgumentException if there is no such key or component, listing those there are
     */
    public Object get(String name) {
        Objects.requireNonNull(name, "name");
        if (content instanceof Map<?, ?> map) {
            Object value = map.get(name);
            if (value == null && !map.containsKey(name)) {
                throw new IllegalArgumentException("the batch has no element '" + name + "'; it holds "
                        + Structure.summary(content));
            }
            return value;
        }
        if (content instanceof Record record) {
            RecordInfo info = RecordInfo.of(record.getClass());
            int index = info.indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("the batch has no element '" + name + "'; it holds "
                        + Structure.summary(content));
            }
            return info.get(record, index);
        }
        throw new IllegalStateException("cannot get batch element '" + name + "': the batch is neither a Map nor a"
                + " record; it holds " + Structure.summary(content));
    }

    /**
     * {@return the element called {@code name} (see {@link #get(String)}), which must be a tensor}
     *
     * @param name a key of the map content or a component of the record content
     * @throws IllegalStateException if the content is neither a map nor a record, or the element is not a tensor
     * @throws IllegalArgumentException if there is no such element
     */
    public Tensor tensor(String name) {
        return requireTensor(get(name), "'" + name + "'");
    }

    private Tensor requireTensor(Object element, String where) {
        if (element instanceof Tensor t) {
            return t;
        }
        throw new IllegalStateException("batch element " + where + " is " + Structure.aTypeName(element)
                + ", not a Tensor; the batch holds " + Structure.summary(content));
    }

    /** {@return off-heap bytes of the tensors this batch owns (0 once closed): what it costs to keep it in memory} */
    public long byteSize() {
        if (closed.get()) {
            return 0;
        }
        long bytes = 0;
        for (AutoCloseable resource : resources) {
            if (resource instanceof Tensor t) {
                bytes += t.byteSize();
            }
        }
        return bytes;
    }

    /** {@return true once {@link #close()} has been called} */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Releases the resources this batch owns (frees its tensors), once; later calls do nothing. Every
     * resource is closed even if an earlier one fails; the first failure is then thrown with the others
     * suppressed (a checked exception wrapped in an {@link IllegalStateException}).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Throwable failure = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        switch (failure) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException("closing a resource of the batch failed", failure);
        }
    }

    /**
     * The structure with dtypes and shapes, no values, e.g.
     * {@code Batch(size=4, Sample(image: Tensor(FLOAT32, [4, 3, 32, 32]), label: Tensor(INT64, [4])))}.
     */
    @Override
    public String toString() {
        return "Batch(size=" + size + (closed.get() ? ", closed, " : ", ") + Structure.deep(content) + ")";
    }
}
