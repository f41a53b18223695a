package org.dataloader4j.spark;

import org.dataloader4j.io.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {

    static Manifest sample() {
        return new Manifest(42, List.of(new Manifest.Shard("shard-00000.tar", 3, 10240),
                new Manifest.Shard("shard-00001.tar", 0, 1024)), List.of("cat", "dög", "with \"quotes\"\n"),
                new double[] {0.1, 1.0 / 3, 0.5}, new double[] {0.2, 0.25, 1e-17}, 1234, 320, 90,
                List.of(new Manifest.Skipped("/data/a\\b.jpg", "corrupt JPEG data: \t bad")));
    }

    @Test
    void roundTripsExactly() {
        Manifest m = sample();
        Manifest back = Manifest.parse(m.toJson(), "test");
        assertEquals(m, back);
        assertEquals(3, back.samples());
        assertEquals(1.0 / 3, back.mean()[1]);
    }

    @Test
    void jsonParsesStandardSyntax() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\\/\"], \"b\": {}} ");
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, -2500.0, true, false, null, "é/"), "b", Map.of()), v);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": [1,}"));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
    }

    @Test
    void invalidManifestsAreNamed() {
        String json = sample().toJson();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Manifest.parse(json.replaceFirst("\"samples\": 3,", "\"samples\": 4,"), "/x/manifest.json"));
        assertTrue(e.getMessage().contains("/x/manifest.json") && e.getMessage().contains("hold 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Manifest.parse(json.replace("\"version\": 1", "\"version\": 9"), "m"));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse("[]", "m"));
    }

    @Test
    void classesThatAreNotDistinctNamesAreRefused() {
        Manifest twice = new Manifest(1, List.of(new Manifest.Shard("s.tar", 1, 10)), List.of("zebra", "ox", "zebra"),
                new double[0], new double[0], 0, 0, 0, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Manifest.parse(twice.toJson(), "/x/manifest.json"));
        assertTrue(e.getMessage().contains("/x/manifest.json") && e.getMessage().contains("\"zebra\" is listed twice")
                && e.getMessage().contains("class 0 and class 2"), e.getMessage());

        Manifest one = new Manifest(1, List.of(new Manifest.Shard("s.tar", 1, 10)), List.of("ox", "zebra"),
                new double[0], new double[0], 0, 0, 0, List.of());
        String number = one.toJson().replace("\"zebra\"", "7");
        e = assertThrows(IllegalArgumentException.class, () -> Manifest.parse(number, "m"));
        assertTrue(e.getMessage().contains("class 1 is 7, not a string name"), e.getMessage());
        assertEquals(List.of("ox", "zebra"), Manifest.parse(one.toJson(), "m").classes());
    }
}
