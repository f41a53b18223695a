package org.dataloader4j.vision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether gcc can build and link a program under AddressSanitizer and UBSan here, for the tests that run the
 * native code's checks under them (they skip, saying why, where it cannot).
 */
public final class SanitizerProbe {
    private SanitizerProbe() {
    }

    /**
     * Builds {@code source} with {@code gcc -fsanitize=address,undefined} and {@code libraries}; null if that works,
     * else why not.
     */
    public static String whyNot(String source, String... libraries) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("dl4j-asan");
        try {
            Path c = Files.writeString(dir.resolve("probe.c"), source);
            String[] command = new String[5 + libraries.length];
            command[0] = "gcc";
            command[1] = "-fsanitize=address,undefined";
            command[2] = c.toString();
            System.arraycopy(libraries, 0, command, 3, libraries.length);
            command[3 + libraries.length] = "-o";
            command[4 + libraries.length] = dir.resolve("probe").toString();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "gcc did not finish a probe build in 60 s";
            }
            return p.exitValue() == 0 ? null : "gcc cannot build with -fsanitize=address,undefined "
                    + String.join(" ", libraries) + ": " + out;
        } catch (IOException e) {
            return "gcc is not available: " + e.getMessage();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
