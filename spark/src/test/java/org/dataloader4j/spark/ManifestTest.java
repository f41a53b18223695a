package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.dataloader4j.io.internal.Json;
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

    @Test
    void checksumsRoundTripAndManifestsWithoutThemStillParse() {
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        Manifest m = new Manifest(1, List.of(new Manifest.Shard("a.tar", 1, 10, sha), new Manifest.Shard("b.tar", 2, 20,
                sha)), List.of("x"), new double[0], new double[0], 0, 0, 0, List.of());
        Manifest back = Manifest.parse(m.toJson(), "m");
        assertEquals(m, back);
        assertEquals(sha, back.shards().get(1).sha256());
        assertTrue(back.checksummed());

        String old = sample().toJson();   // no "sha256": as written before checksums were recorded
        assertTrue(!old.contains("sha256"), old);
        Manifest read = Manifest.parse(old, "old");
        assertEquals(null, read.shards().get(0).sha256());
        assertTrue(!read.checksummed());
    }

    @Test
    void aMalformedChecksumIsRefusedNamingTheShard() {
        String json = new Manifest(1, List.of(new Manifest.Shard("a.tar", 1, 10,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")), List.of("x"), new double[0],
                new double[0], 0, 0, 0, List.of()).toJson();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Manifest.parse(json.replace("\"9f86d0", "\"XX86d0"), "/m.json"));
        assertTrue(e.getMessage().contains("/m.json") && e.getMessage().contains("shard a.tar has sha256"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Manifest.parse(json.replaceAll("\"9f86d0[0-9a-f]*\"", "7"), "/m.json"));
        assertTrue(e.getMessage().contains("\"sha256\" of shard a.tar is not a string"), e.getMessage());
    }
}
