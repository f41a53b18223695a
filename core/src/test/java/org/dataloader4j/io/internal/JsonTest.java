package org.dataloader4j.io.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void integralNumbersReadAsLongSoSeedsSurvive() {
        Map<?, ?> m = (Map<?, ?>) Json.parse(Json.write(Map.of("seed", Long.MIN_VALUE + 1, "x", 0.1)));
        assertEquals(Long.MIN_VALUE + 1, m.get("seed"));
        assertEquals(0.1, m.get("x"));
    }

    @Test
    void writesWhatItReadsBackWithStructureAndOrder() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "a \"quoted\"\nline\t\u0001 é");
        value.put("doubles", new double[] {0.5, -2.5e-8});
        value.put("longs", new long[] {1, -2});
        value.put("ints", new int[] {3});
        value.put("nested", List.of(Map.of("k", true), List.of()));
        value.put("none", null);
        Map<?, ?> back = (Map<?, ?>) Json.parse(Json.write(value));
        assertEquals(List.of("text", "doubles", "longs", "ints", "nested", "none"), List.copyOf(back.keySet()));
        assertEquals("a \"quoted\"\nline\t\u0001 é", back.get("text"));
        assertEquals(List.of(0.5, -2.5e-8), back.get("doubles"));
        assertEquals(List.of(1L, -2L), back.get("longs"));
        assertEquals(List.of(3L), back.get("ints"));
        assertEquals(List.of(Map.of("k", true), List.of()), back.get("nested"));
        assertTrue(back.containsKey("none") && back.get("none") == null);
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertEquals(Arrays.asList(null, null, 1.5), Json.parse(Json.write(List.of(Double.NaN, Float.POSITIVE_INFINITY, 1.5))));
    }

    @Test
    void standardSyntaxIncludingEscapes() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\\/\"], \"b\": {}} ");
        assertEquals(Map.of("a", Arrays.asList(1L, -2500.0, true, false, null, "é/"), "b", Map.of()), v);
    }

    @Test
    void badTextIsRefusedNamingTheOffset() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": [1,}"));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1 2]"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"unterminated"));
        var type = assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertTrue(type.getMessage().contains("java.lang.Object"), type.getMessage());
    }
}
