package org.dataloader4j.collate;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dataloader4j.tensor.Tensor;

/**
 * Words for the shape of collated values, used by messages and {@code toString}: type names
 * ({@code List<String>}), one-level summaries and full structures with dtypes and shapes, never values.
 */
final class Structure {
    private static final int MAX_SHOWN = 8;

    private Structure() {
    }

    /** A short type name: {@code Tensor}, {@code List<String>}, {@code Map}, {@code Sample}, {@code float[]}. */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "null";
            case Tensor _ -> "Tensor";
            case List<?> l -> "List" + elementType(l);
            case Set<?> s -> "Set" + elementType(s);
            case Collection<?> c -> "Collection" + elementType(c);
            case Map<?, ?> _ -> "Map";
            default -> className(v.getClass());
        };
    }

    /** The simple name of a class (the full name where the simple one is empty, as for anonymous classes). */
    static String className(Class<?> c) {
        String simple = c.getSimpleName();
        return simple.isEmpty() ? c.getName() : simple;
    }

    /** {@code "a "} or {@code "an "} before a type name. */
    static String article(String name) {
        return !name.isEmpty() && "AEIOUaeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ";
    }

    /** {@link #typeName} with its article: {@code "a List<String>"}, {@code "an Integer"}. */
    static String aTypeName(Object v) {
        String name = typeName(v);
        return v == null ? name : article(name) + name;
    }

    private static String elementType(Collection<?> c) {
        String common = null;
        for (Object e : c) {
            String name = e == null ? "null" : shallowName(e);
            if (common == null) {
                common = name;
            } else if (!common.equals(name)) {
                return "";
            }
        }
        return common == null ? "" : "<" + common + ">";
    }

    private static String shallowName(Object v) {
        return switch (v) {
            case Tensor _ -> "Tensor";
            case List<?> _ -> "List";
            case Set<?> _ -> "Set";
            case Collection<?> _ -> "Collection";
            case Map<?, ?> _ -> "Map";
            case CharSequence _ -> "String";
            default -> className(v.getClass());
        };
    }

    /**
     * One level of structure with an article, for "the batch holds ..." messages: {@code a record
     * Sample(image: Tensor, label: List<String>)}, {@code a Map {image: Tensor, label: Tensor}}.
     */
    static String summary(Object v) {
        return switch (v) {
            case Tensor t -> "a " + tensor(t);
            case List<?> l -> {
                StringBuilder sb = new StringBuilder("a List of ").append(l.size())
                        .append(l.size() == 1 ? " element [" : " elements [");
                int i = 0;
                for (Object e : l) {
                    if (i == MAX_SHOWN) {
                        sb.append(", ...");
                        break;
                    }
                    sb.append(i++ == 0 ? "" : ", ").append(typeName(e));
                }
                yield sb.append(']').toString();
            }
            case Map<?, ?> m -> {
                StringBuilder sb = new StringBuilder("a Map {");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (i == MAX_SHOWN) {
                        sb.append(", ...");
                        break;
                    }
                    sb.append(i++ == 0 ? "" : ", ").append(e.getKey()).append(": ").append(typeName(e.getValue()));
                }
                yield sb.append('}').toString();
            }
            case Record r when RecordInfo.of(r.getClass()).accessible() -> {
                RecordInfo info = RecordInfo.of(r.getClass());
                StringBuilder sb = new StringBuilder("a record ").append(className(r.getClass())).append('(');
                for (int i = 0; i < info.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(info.name(i)).append(": ").append(typeName(info.get(r, i)));
                }
                yield sb.append(')').toString();
            }
            case null -> "null";
            default -> aTypeName(v);
        };
    }

    /** The whole structure with dtypes and shapes, without values, for {@code toString}. */
    static String deep(Object v) {
        StringBuilder sb = new StringBuilder();
        deep(v, sb);
        return sb.toString();
    }

    private static void deep(Object v, StringBuilder sb) {
        switch (v) {
            case null -> sb.append("null");
            case Tensor t -> sb.append(tensor(t));
            case Collection<?> c when !c.isEmpty() && allText(c) -> sb.append(typeName(c)).append('(').append(c.size()).append(')');
            case Collection<?> c -> {
                sb.append('[');
                Iterator<?> it = c.iterator();
                for (int i = 0; it.hasNext(); i++) {
                    if (i == MAX_SHOWN) {
                        sb.append(", ... (").append(c.size() - MAX_SHOWN).append(" more)");
                        break;
                    }
                    deep(it.next(), sb.append(i == 0 ? "" : ", "));
                }
                sb.append(']');
            }
            case Map<?, ?> m -> {
                sb.append('{');
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (i == MAX_SHOWN) {
                        sb.append(", ... (").append(m.size() - MAX_SHOWN).append(" more)");
                        break;
                    }
                    sb.append(i++ == 0 ? "" : ", ").append(e.getKey()).append(": ");
                    deep(e.getValue(), sb);
                }
                sb.append('}');
            }
            case Record r when RecordInfo.of(r.getClass()).accessible() -> {
                RecordInfo info = RecordInfo.of(r.getClass());
                sb.append(className(r.getClass())).append('(');
                for (int i = 0; i < info.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(info.name(i)).append(": ");
                    deep(info.get(r, i), sb);
                }
                sb.append(')');
            }
            default -> sb.append(typeName(v));
        }
    }

    private static boolean allText(Collection<?> c) {
        for (Object e : c) {
            if (!(e instanceof CharSequence)) {
                return false;
            }
        }
        return true;
    }

    /** {@code Tensor(FLOAT32, [4, 3, 32, 32])}: dtype and shape, no values. */
    static String tensor(Tensor t) {
        return "Tensor(" + t.dtype() + ", " + t.shape() + ")";
    }
}
