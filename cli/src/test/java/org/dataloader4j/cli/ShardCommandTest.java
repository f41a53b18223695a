package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dataloader4j.spark.ShardJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The shard command's own checks; the Spark job itself is tested end to end in the spark module. Spark is not on
 * this module's test class path, which is also how a plain {@code java -jar} run looks.
 */
class ShardCommandTest {

    @Test
    void aMissingSourceIsAUsageError(@TempDir Path tmp) {
        CliRun r = CliRun.of("shard", tmp.resolve("nope").toString(), tmp.resolve("out").toString(), "--shards", "2");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("is not a directory"), r.all());
    }

    @Test
    void badNumbersAreUsageErrorsNamingThem(@TempDir Path tmp) {
        CliRun r = CliRun.of("shard", tmp.toString(), tmp.resolve("out").toString(), "--shards", "0", "--quality", "101");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--shards=0") && r.err().contains("--quality=101"), r.all());
        CliRun corrupt = CliRun.of("shard", tmp.toString(), tmp.resolve("out").toString(), "--shards", "2",
                "--on-corrupt", "ignore");
        assertEquals(2, corrupt.code(), corrupt.all());
        assertTrue(corrupt.err().contains("fail or skip, but got ignore"), corrupt.all());
    }

    @Test
    void withoutSparkOnTheClassPathItSaysHowToRunIt(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/cat"));
        TestImages.png(src.resolve("a.png"), 8, 8, 1);
        CliRun r = CliRun.of("shard", tmp.resolve("src").toString(), tmp.resolve("out").toString(), "--shards", "1");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("needs Apache Spark on the class path") && r.err().contains("./dataloader4j shard"),
                r.all());
        assertEquals(2, r.err().lines().count(), "one line and a hint: " + r.all());
    }

    @Test
    void picocliAndSparkSubmitParseTheSameArgumentsIntoEqualInvocations() {
        List<String[]> commandLines = List.of(
                new String[] {"/data/train", "/data/shards", "--shards", "64", "--max-side", "320", "--quality", "85",
                    "--seed", "-7", "--on-corrupt", "skip", "--overwrite", "--master", "local[3]"},
                new String[] {"--master", "yarn", "--shards", "1", "--on-corrupt", "FAIL", "in", "out"},
                new String[] {"in", "--seed", "3", "out", "--shards", "2", "--master", "spark://host:7077"},
                new String[] {"a", "b", "--shards", "999999", "--max-side", "0", "--quality", "100", "--seed",
                    String.valueOf(Long.MAX_VALUE), "--master", "local[*]"});
        for (String[] args : commandLines) {
            ShardCommand command = parsed(args);
            assertEquals(ShardJob.Invocation.parse(args), command.invocation(command.options(), command.output),
                    String.join(" ", args));
        }
    }

    @Test
    void anS3OutputReachesTheJobAsTheSameLocationFromBothEntryPoints() {
        for (String out : List.of("s3://bucket/train-shards", "s3://bucket/train-shards/", "s3a://bucket/a/b")) {
            String[] args = {"src", out, "--shards", "4", "--master", "local[2]"};
            ShardCommand command = parsed(args);
            ShardJob.Invocation submitted = ShardJob.Invocation.parse(args);
            assertEquals(submitted, command.invocation(command.options(), command.output), out);
            assertEquals(out.replaceAll("/+$", ""), submitted.output(), "picocli's path of it reads "
                    + command.output + "; the job gets the location");
        }
    }

    @Test
    void withoutMasterOnlyTheMasterDiffers() {
        String[] args = {"src", "out", "--shards", "4"};
        ShardCommand command = parsed(args);
        ShardJob.Invocation submitted = ShardJob.Invocation.parse(args);
        assertEquals(submitted.options(), command.options());
        assertEquals(ShardJob.Options.builder().shards(4).build(), command.options());
        assertEquals("local[2]", command.invocation(command.options(), command.output).master(),
                "the command's own default");
        assertEquals(null, submitted.master(), "spark-submit's master");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--shards     | 0      | --shards=0",
        "--shards     | x      | --shards",
        "--max-side   | -1     | --max-side=-1",
        "--quality    | 101    | --quality=101",
        "--seed       | abc    | --seed",
        "--on-corrupt | ignore | --on-corrupt takes fail or skip, but got ignore",
    })
    void bothEntryPointsRefuseABadValueNamingItsOption(String option, String value, String named,
                                                        @TempDir Path tmp) {
        List<String> args = new ArrayList<>(List.of(tmp.toString(), tmp.resolve("out").toString(), option, value));
        if (!option.equals("--shards")) {
            args.addAll(List.of("--shards", "2"));
        }
        String[] line = args.toArray(String[]::new);
        IllegalArgumentException submitted = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.Invocation.parse(line));
        assertTrue(submitted.getMessage().contains(named) && submitted.getMessage().contains(value),
                submitted.getMessage());
        List<String> cliArgs = new ArrayList<>(List.of("shard"));
        cliArgs.addAll(args);
        CliRun r = CliRun.of(cliArgs.toArray(String[]::new));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains(named) && r.err().contains(value), r.all());
    }

    @Test
    void anOptionGivenTwiceIsRefusedByBothEntryPoints(@TempDir Path tmp) {
        String[] args = {tmp.toString(), tmp.resolve("out").toString(), "--shards", "2", "--shards", "3"};
        IllegalArgumentException submitted = assertThrows(IllegalArgumentException.class,
                () -> ShardJob.Invocation.parse(args));
        assertTrue(submitted.getMessage().contains("--shards"), submitted.getMessage());
        List<String> cliArgs = new ArrayList<>(List.of("shard"));
        cliArgs.addAll(List.of(args));
        CliRun r = CliRun.of(cliArgs.toArray(String[]::new));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--shards"), r.all());
    }

    private static ShardCommand parsed(String... args) {
        ShardCommand command = new ShardCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
