package org.dataloader4j.collate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.function.Predicate;

import org.dataloader4j.tensor.Tensor;

/**
 * What the collate needs to know about one record class, computed once per class (reflection runs
 * only here) and cached in a {@link ClassValue}: component names, accessor and canonical-constructor
 * handles, and whether a batch of the record can be rebuilt as the same record type (see
 * {@link DefaultCollate}).
 */
final class RecordInfo {
    private static final ClassValue<RecordInfo> CACHE = new ClassValue<>() {
        @Override
        protected RecordInfo computeValue(Class<?> type) {
            return new RecordInfo(type);
        }
    };
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final Predicate<Class<?>> NO_LEAVES = c -> false;

    private final Class<?> type;
    private final String[] names;
    private final boolean[] asInt64;          // an @AsInt64 int component: batched as INT64
    private final String misplacedAsInt64;    // why an @AsInt64 is on a component that is not an int, or null
    private final MethodHandle[] accessors;   // each (Object)Object
    private final MethodHandle constructor;   // (Object[])Object, null when not rebuildable or inaccessible
    private final boolean rebuildable;
    private final String inaccessible;        // why the handles could not be made, or null

    private RecordInfo(Class<?> type) {
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        int n = components.length;
        this.names = new String[n];
        this.accessors = new MethodHandle[n];
        this.asInt64 = new boolean[n];
        String misplaced = null;
        Class<?>[] erased = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            names[i] = components[i].getName();
            erased[i] = components[i].getType();
            asInt64[i] = components[i].isAnnotationPresent(AsInt64.class);
            if (asInt64[i] && erased[i] != int.class && misplaced == null) {
                misplaced = "component " + names[i] + " of record " + type.getName() + " is marked @AsInt64 but"
                        + " declared " + erased[i].getName() + ": @AsInt64 is for int components";
            }
        }
        this.rebuildable = canRebuild(type, Map.of(), new HashSet<>(), NO_LEAVES);
        MethodHandle ctor = null;
        String problem = null;
        try {
            for (int i = 0; i < n; i++) {
                Method accessor = components[i].getAccessor();
                accessor.trySetAccessible();
                accessors[i] = LOOKUP.unreflect(accessor).asType(GETTER);
            }
            if (rebuildable) {
                Constructor<?> c = type.getDeclaredConstructor(erased);
                c.trySetAccessible();
                ctor = LOOKUP.unreflectConstructor(c)
                        .asType(MethodType.genericMethodType(n))
                        .asSpreader(Object[].class, n);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = "cannot read the components of record " + type.getName() + " (" + e + "); make the record"
                    + " public or open its package to dataloader4j, or pass a custom Collate";
        }
        this.constructor = ctor;
        this.inaccessible = problem;
        this.misplacedAsInt64 = misplaced;
    }

    /** The cached information for {@code recordClass}, which must be a record class. */
    static RecordInfo of(Class<?> recordClass) {
        return CACHE.get(recordClass);
    }

    Class<?> type() {
        return type;
    }

    int size() {
        return names.length;
    }

    String name(int i) {
        return names[i];
    }

    /**
     * Whether component {@code i} is an {@code int} marked {@link AsInt64}.
     *
     * @throws IllegalArgumentException if a component that is not an {@code int} is marked, naming it
     */
    boolean asInt64(int i) {
        if (misplacedAsInt64 != null) {
            throw new IllegalArgumentException(misplacedAsInt64);
        }
        return asInt64[i];
    }

    /** Index of the component called {@code name}, or -1. */
    int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** True if the batch of this record is the same record type (see {@link DefaultCollate}). */
    boolean rebuildable() {
        return rebuildable;
    }

    /**
     * True if the batch of this record is the same record type for a default collate with custom leaves:
     * as {@link #rebuildable()}, and no component's declared type (at any depth of its type arguments) other
     * than {@code Object} is one whose values {@code leafMayTake} (a leaf may return anything).
     */
    boolean rebuildableWith(Predicate<Class<?>> leafMayTake) {
        return rebuildable && canRebuild(type, Map.of(), new HashSet<>(), leafMayTake);
    }

    /** True if the component values can be read. */
    boolean accessible() {
        return inaccessible == null;
    }

    /** The value of component {@code i} of {@code record}. */
    Object get(Object record, int i) {
        requireAccessible();
        try {
            return (Object) accessors[i].invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("accessor " + type.getSimpleName() + "." + names[i] + "() failed", t);
        }
    }

    /** A new record from component values, which the caller has checked with {@link #rebuildable()}. */
    Object construct(Object[] values) throws Throwable {
        requireAccessible();
        return (Object) constructor.invokeExact(values);
    }

    private void requireAccessible() {
        if (inaccessible != null) {
            throw new IllegalStateException(inaccessible);
        }
    }

    // ------------------------------------------------------------------ can a component hold its batch?

    /** A type argument bound to a type variable, with the bindings in force where it was written. */
    private record Binding(Type type, Map<TypeVariable<?>, Binding> env) {
    }

    /**
     * True if every component of {@code record} can hold its batched value whatever the data (a
     * static decision, so a record type never becomes a map in one batch and a record in the next).
     */
    private static boolean canRebuild(Class<?> record, Map<TypeVariable<?>, Binding> env, Set<Class<?>> visiting,
                                      Predicate<Class<?>> leaf) {
        if (!visiting.add(record)) {
            return true; // a recursive record: decided by the outer occurrence
        }
        try {
            for (RecordComponent c : record.getRecordComponents()) {
                if (!canHold(c.getGenericType(), env, visiting, leaf)) {
                    return false;
                }
            }
            return true;
        } finally {
            visiting.remove(record);
        }
    }

    /** True if a variable of type {@code t} can hold what the default collate makes of values of type {@code t}. */
    private static boolean canHold(Type t, Map<TypeVariable<?>, Binding> env, Set<Class<?>> visiting,
                                   Predicate<Class<?>> leaf) {
        return switch (t) {
            case Class<?> c -> holdsRaw(c, visiting, leaf);
            case ParameterizedType p -> {
                Class<?> raw = (Class<?>) p.getRawType();
                Type[] args = p.getActualTypeArguments();
                if (leaf.test(raw)) {
                    yield false;
                }
                if (raw.isAssignableFrom(List.class) && args.length == 1) {
                    yield canHold(args[0], env, visiting, leaf); // List<E>, Collection<E>, Iterable<E>, ...
                }
                if (raw.isAssignableFrom(SequencedMap.class) && args.length == 2) {
                    yield canHold(args[1], env, visiting, leaf); // Map<K, V>: keys are kept as they are
                }
                if (raw.isRecord()) {
                    TypeVariable<?>[] params = raw.getTypeParameters();
                    Map<TypeVariable<?>, Binding> inner = new HashMap<>();
                    for (int i = 0; i < params.length && i < args.length; i++) {
                        inner.put(params[i], new Binding(args[i], env));
                    }
                    yield canRebuild(raw, inner, visiting, leaf);
                }
                yield false;
            }
            case WildcardType w -> canHold(w.getUpperBounds()[0], env, visiting, leaf);
            case TypeVariable<?> v -> {
                Binding b = env.get(v);
                yield b != null ? canHold(b.type(), b.env(), visiting, leaf) : holdsRaw(erasure(v), visiting, leaf);
            }
            default -> false; // generic arrays
        };
    }

    private static boolean holdsRaw(Class<?> c, Set<Class<?>> visiting, Predicate<Class<?>> leaf) {
        if (c == Object.class) {
            return true; // holds whatever a leaf returns, too
        }
        if (leaf.test(c)) {
            return false;
        }
        if (c.isAssignableFrom(Tensor.class) || c.isAssignableFrom(List.class) || c.isAssignableFrom(SequencedMap.class)) {
            return true; // Object, Tensor, raw List/Collection/Iterable, raw Map/SequencedMap
        }
        return c.isRecord() && canRebuild(c, Map.of(), visiting, leaf);
    }

    private static Class<?> erasure(Type t) {
        return switch (t) {
            case Class<?> c -> c;
            case ParameterizedType p -> (Class<?>) p.getRawType();
            case TypeVariable<?> v -> erasure(v.getBounds()[0]);
            case WildcardType w -> erasure(w.getUpperBounds()[0]);
            default -> Object.class;
        };
    }
}
