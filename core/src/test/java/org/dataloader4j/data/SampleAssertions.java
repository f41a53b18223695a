package org.dataloader4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.dataloader4j.tensor.Tensor;

/** Assertions shared by the dataset tests. */
final class SampleAssertions {
    private SampleAssertions() {
    }

    /** Deep equality of samples: tensors by dtype, shape and bytes; lists and maps element by element (maps in order). */
    static void assertSameSample(Object expected, Object actual) {
        if (expected instanceof Tensor e) {
            Tensor a = assertInstanceOf(Tensor.class, actual);
            assertTrue(e.contentEquals(a), () -> "expected " + e + " but got " + a);
        } else if (expected instanceof List<?> e) {
            List<?> a = assertInstanceOf(List.class, actual);
            assertEquals(e.size(), a.size(), "list sizes");
            for (int i = 0; i < e.size(); i++) {
                assertSameSample(e.get(i), a.get(i));
            }
        } else if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = assertInstanceOf(Map.class, actual);
            assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), "map keys in order");
            for (Object key : e.keySet()) {
                assertSameSample(e.get(key), a.get(key));
            }
        } else {
            assertEquals(expected, actual);
        }
    }

    /** How often {@code n} occurs in {@code text} as a whole number (not part of a longer number). */
    static int occurrences(String text, long n) {
        Matcher m = Pattern.compile("(?<![\\d-])" + Pattern.quote(Long.toString(n)) + "(?!\\d)").matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
        }
        return count;
    }

    /** Asserts that {@code message} mentions both numbers (twice, when they are equal). */
    static void assertMentions(String message, long first, long second) {
        if (first == second) {
            assertTrue(occurrences(message, first) >= 2, () -> "expected " + first + " twice in: " + message);
        } else {
            assertTrue(occurrences(message, first) >= 1, () -> "expected " + first + " in: " + message);
            assertTrue(occurrences(message, second) >= 1, () -> "expected " + second + " in: " + message);
        }
    }

    /** All samples of a dataset, in order. */
    static <T> List<T> samples(Dataset<T> dataset) {
        List<T> out = new ArrayList<>();
        for (long i = 0; i < dataset.size(); i++) {
            out.add(dataset.get(i));
        }
        return out;
    }

    /** All elements an iterator yields. */
    static <T> List<T> drain(Iterator<T> iterator) {
        List<T> out = new ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }

    /** The dataset {@code 0, 1, .., n - 1}. */
    static Dataset<Long> range(long n) {
        return Datasets.of(LongStream.range(0, n).boxed().toList());
    }
}
