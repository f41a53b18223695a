package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code spark-submit}'s command line parsed into {@link ShardJob.Invocation} and {@link ShardJob.Options}, without
 * Spark: the same values as the programmatic API, and every bad value refused with its option and value.
 */
class ShardJobArgsTest {

    @Test
    void everyOptionLandsInTheOptionsTheApiBuilds() {
        ShardJob.Invocation parsed = ShardJob.Invocation.parse("/data/train", "/data/shards", "--shards", "64",
                "--max-side", "320", "--quality", "85", "--seed", "-7", "--on-corrupt", "SKIP", "--overwrite",
                "--master", "local[3]");
        ShardJob.Options expected = ShardJob.options(64).maxSide(320).quality(85).seed(-7)
                .onCorrupt(ShardJob.OnCorrupt.SKIP).overwrite(true);
        assertEquals(new ShardJob.Invocation(Path.of("/data/train"), Path.of("/data/shards"), "local[3]", expected),
                parsed);
        assertEquals(expected, ShardJob.Options.builder().shards(64).maxSide(320).quality(85).seed(-7)
                .onCorrupt(ShardJob.OnCorrupt.SKIP).overwrite(true).build());
    }

    @Test
    void optionsLeftOutTakeTheDefaultsOfTheApi() {
        ShardJob.Invocation parsed = ShardJob.Invocation.parse("--shards", "2", "src", "out");
        assertEquals(ShardJob.options(2), parsed.options());
        assertEquals(new ShardJob.Options(2, 0, 0, 0, ShardJob.OnCorrupt.FAIL, false), parsed.options());
        assertNull(parsed.master(), "no --master: spark-submit's master");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--shards     | 0      | shards must be in [1, 999999], but got --shards=0",
        "--shards     | 1000000| but got --shards=1000000",
        "--shards     | x      | --shards needs an integer, but got x",
        "--max-side   | -1     | but got --max-side=-1",
        "--max-side   | 2.5    | --max-side needs an integer, but got 2.5",
        "--quality    | 101    | quality must be in [1, 100], or 0 to keep encodings, but got --quality=101",
        "--quality    | -3     | but got --quality=-3",
        "--seed       | abc    | --seed needs an integer, but got abc",
        "--on-corrupt | ignore | --on-corrupt takes fail or skip, but got ignore",
    })
    void aBadValueIsRefusedNamingItsOptionAndValue(String option, String value, String message) {
        List<String> args = new java.util.ArrayList<>(List.of("src", "out", option, value));
        if (!option.equals("--shards")) {
            args.addAll(List.of("--shards", "2"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.Invocation.parse(args.toArray(String[]::new)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void badValuesAreReportedTogether() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardJob.Invocation.parse(
                "src", "out", "--shards", "0", "--max-side", "-1", "--quality", "101"));
        assertTrue(e.getMessage().contains("--shards=0") && e.getMessage().contains("--max-side=-1")
                && e.getMessage().contains("--quality=101"), e.getMessage());
        IllegalArgumentException api = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.Options.builder().shards(0).quality(101).build());
        assertTrue(api.getMessage().contains("--shards=0") && api.getMessage().contains("--quality=101"),
                api.getMessage());
    }

    @Test
    void aMissingOrUnknownArgumentIsNamed() {
        assertMessage("--shards is required", "src", "out");
        assertMessage("--shards needs a value", "src", "out", "--shards");
        assertMessage("--master needs a value", "src", "out", "--shards", "1", "--master");
        assertMessage("--seed is given more than once", "src", "out", "--shards", "1", "--seed", "1", "--seed", "2");
        assertMessage("unknown option --bogus", "src", "out", "--shards", "1", "--bogus");
        assertMessage("expected SRC and OUT, but got [src]", "src", "--shards", "1");
        assertMessage("expected SRC and OUT, but got [a, b, c]", "a", "b", "c", "--shards", "1");
    }

    @Test
    void helpIsAskedForOnlyWhereAnOptionMayStand() {
        assertTrue(ShardJobArgs.asksForHelp("--help"));
        assertTrue(ShardJobArgs.asksForHelp("src", "-h"));
        assertFalse(ShardJobArgs.asksForHelp("src", "out", "--master", "--help"), "the value of --master");
        assertFalse(ShardJobArgs.asksForHelp("src", "out", "--shards", "2"));
        assertEquals(0, ShardJob.run("--help"));
    }

    @Test
    void theUsageDescribesEveryOption() {
        for (String option : List.of("SRC", "OUT", "--shards N", "--max-side S", "--quality Q", "--seed N",
                "--on-corrupt fail|skip", "--overwrite", "--master URL", "-h, --help")) {
            assertTrue(ShardJob.Invocation.USAGE.contains("\n  " + option), option + " in\n" + ShardJob.Invocation.USAGE);
        }
    }

    @Test
    void onCorruptIsReadInAnyCase() {
        assertEquals(ShardJob.OnCorrupt.SKIP, ShardJob.OnCorrupt.parse("Skip"));
        assertEquals(ShardJob.OnCorrupt.FAIL, ShardJob.OnCorrupt.parse("FAIL"));
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.Invocation.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
