package org.dataloader4j.bench.remote;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adobe S3Mock serving one bucket on 127.0.0.1 over plain HTTP, either in a child JVM (the default of {@link
 * RemoteShardBenchmark}: its heap, RSS and CPU are then not the loader's, and its CPU time is read from
 * {@code /proc/PID/stat}) or inside this JVM (quicker to start, for tests).
 */
abstract sealed class S3MockServer implements AutoCloseable {
    /** How long a child S3Mock may take to answer its first request. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /** The server's base URI, {@code http://127.0.0.1:PORT}. */
    abstract URI endpoint();

    /** The server's CPU seconds so far (user + system), or NaN where it cannot be told apart from this JVM's. */
    abstract double cpuSeconds();

    /** The server's resident set size now, in bytes, or -1 where it cannot be told apart from this JVM's. */
    abstract long rssBytes();

    /** What kind of server this is, for the report. */
    abstract String describe();

    @Override
    public abstract void close();

    /**
     * Chooses SLF4J's no-operation provider for this JVM unless one is chosen already. The bench class path holds
     * two providers that refuse each other (Spark's log4j-slf4j2-impl, and Logback with log4j-to-slf4j from S3Mock's
     * Spring Boot), and the benchmark has nothing to log; call it before anything logs.
     */
    static void bindLogging() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");   // not a line about the choice itself
            }
        }
    }

    /** Starts S3Mock inside this JVM, its objects under {@code root}, with {@code bucket} created. */
    static S3MockServer inProcess(String bucket, Path root) {
        bindLogging();
        // The bench class path holds Spark's log4j SLF4J provider beside S3Mock's Logback; Spring Boot refuses to
        // start with Logback present but not bound, unless it is told to leave logging alone.
        if (System.getProperty("org.springframework.boot.logging.LoggingSystem") == null) {
            System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        }
        // Hadoop's client jar (Spark's, on the bench class path) registers its shaded Woodstox as the JDK's StAX
        // provider, and it refuses the settings S3Mock gives Woodstox: name the real Woodstox S3Mock brings.
        System.setProperty("javax.xml.stream.XMLOutputFactory", "com.ctc.wstx.stax.WstxOutputFactory");
        System.setProperty("javax.xml.stream.XMLInputFactory", "com.ctc.wstx.stax.WstxInputFactory");
        Map<String, Object> props = new HashMap<>();
        props.put(S3MockApplication.PROP_HTTP_PORT, "0");
        props.put(S3MockApplication.PROP_HTTPS_PORT, "0");
        props.put(S3MockApplication.PROP_INITIAL_BUCKETS, bucket);
        props.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
        props.put(S3MockApplication.PROP_SECURE_CONNECTION, "false");
        props.put(S3MockApplication.PROP_SILENT, "true");
        return new InProcess(S3MockApplication.start(props));
    }

    /**
     * Starts S3Mock in a child JVM with this JVM's class path, its objects under {@code root}, with {@code bucket}
     * created; waits until it answers HTTP on 127.0.0.1. Its output goes to {@code log}.
     *
     * @throws IOException if it cannot be started or does not answer within three minutes (the log's tail is in
     *                     the message)
     */
    static S3MockServer child(String bucket, Path root, Path log, String maxHeap) throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                // Spark's log4j SLF4J provider is left out below: bind Logback, which Spring Boot wants
                "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider",
                "-cp", serverClassPath(System.getProperty("java.class.path")),
                S3MockMain.class.getName(), bucket, root.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Child child = new Child(process, log);
        try {
            child.awaitReady();
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
        return child;
    }

    /**
     * The bench class path without Spark, Hadoop and Spark's log4j SLF4J provider: Hadoop's client jar registers its
     * shaded Woodstox as the JDK's StAX provider, which refuses the settings S3Mock gives Woodstox.
     */
    static String serverClassPath(String classPath) {
        return java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator))
                .filter(e -> !e.contains("/org/apache/hadoop/") && !e.contains("/org/apache/spark/")
                        && !e.contains("log4j-slf4j2-impl"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** S3Mock in this JVM. */
    private static final class InProcess extends S3MockServer {
        private final S3MockApplication app;

        InProcess(S3MockApplication app) {
            this.app = app;
        }

        @Override
        URI endpoint() {
            return URI.create("http://127.0.0.1:" + app.getHttpPort());
        }

        @Override
        double cpuSeconds() {
            return Double.NaN;
        }

        @Override
        long rssBytes() {
            return -1;
        }

        @Override
        String describe() {
            return "S3Mock 4.7.0 in this JVM (its CPU and memory count as the loader's)";
        }

        @Override
        public void close() {
            app.stop();
        }
    }

    /** S3Mock in a child JVM. */
    private static final class Child extends S3MockServer {
        private final Process process;
        private final Path log;
        private URI endpoint;

        Child(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** Waits for {@link S3MockMain}'s line with the port in the log. */
        void awaitReady() throws IOException {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (true) {
                for (String line : Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith(S3MockMain.READY)) {
                        endpoint = URI.create("http://127.0.0.1:" + Integer.parseInt(line.substring(
                                S3MockMain.READY.length()).trim()));
                        return;
                    }
                }
                if (!process.isAlive()) {
                    throw new IOException("S3Mock exited with status " + process.exitValue() + " before serving;"
                            + " its log " + log + " ends with:\n" + tail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("S3Mock did not start within " + START_TIMEOUT.toSeconds() + " s; its log "
                            + log + " ends with:\n" + tail());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for S3Mock to start");
                }
            }
        }

        private String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "(cannot read it: " + e + ")";
            }
        }

        @Override
        URI endpoint() {
            return endpoint;
        }

        @Override
        double cpuSeconds() {
            try {
                return ProcStat.cpuSeconds(Path.of("/proc", Long.toString(process.pid()), "stat"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CPU time of S3Mock (pid " + process.pid() + ")", e);
            }
        }

        @Override
        long rssBytes() {
            try {
                return ProcStat.statusBytes(Path.of("/proc", Long.toString(process.pid()), "status"), "VmRSS");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the RSS of S3Mock (pid " + process.pid() + ")", e);
            }
        }

        @Override
        String describe() {
            return "S3Mock 4.7.0 in a child JVM (pid " + process.pid() + ")";
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
