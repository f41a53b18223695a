package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ./dataloader4j launcher finds a JDK >= 25 by itself and says what to install when there is none. */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "dataloader4j").toAbsolutePath().normalize();

    private record Result(int code, String output) {
    }

    private static Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = LAUNCHER.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out.strip());
    }

    @Test
    void withoutAnyJdk25ItSaysWhatToInstallAndFails(@TempDir Path emptyRoot) throws Exception {
        Result r = launch(Map.of("JAVA_HOME", "", "DATALOADER4J_JVM_ROOT", emptyRoot.toString()), "demo");
        assertEquals(1, r.code());
        assertTrue(r.output().contains("no JDK 25 or newer found") && r.output().contains("install"), r.output());
        assertEquals(1, r.output().lines().count(), "one clear line: " + r.output());
    }

    @Test
    void anOlderJavaHomeIsSkippedForANewerJdkUnderTheJvmRoot(@TempDir Path root) throws Exception {
        Path current = Path.of(System.getProperty("java.home"));
        assumeTrue(Runtime.version().feature() >= 25);
        Files.createSymbolicLink(root.resolve("jdk-current"), current);
        Path fakeOld = root.resolve("jdk-8");
        Files.createDirectories(fakeOld.resolve("bin"));
        for (String tool : new String[] {"java", "javac"}) {
            Path script = fakeOld.resolve("bin").resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho '    java.specification.version = 1.8' >&2\n");
            script.toFile().setExecutable(true);
        }
        Result r = launch(Map.of("JAVA_HOME", fakeOld.toString(), "DATALOADER4J_JVM_ROOT", root.toString()), "jdk");
        assertEquals(0, r.code(), r.output());
        assertEquals(root.resolve("jdk-current").toString(), r.output());
    }

    @Test
    void aJavaHomeOf25OrNewerIsUsedAsIs(@TempDir Path emptyRoot) throws Exception {
        String home = System.getProperty("java.home");
        assumeTrue(Runtime.version().feature() >= 25 && Files.isExecutable(Path.of(home, "bin", "javac")));
        Result r = launch(Map.of("JAVA_HOME", home, "DATALOADER4J_JVM_ROOT", emptyRoot.toString()), "jdk");
        assertEquals(0, r.code(), r.output());
        assertEquals(home, r.output());
    }
}
