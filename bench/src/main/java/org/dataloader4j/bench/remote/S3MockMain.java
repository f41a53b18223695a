package org.dataloader4j.bench.remote;

import java.nio.file.Path;

/**
 * The child JVM of {@link S3MockServer#child}: starts S3Mock on a free port of 127.0.0.1 (plain HTTP), prints
 * {@code S3MOCK_HTTP_PORT=<port>} once it serves, and runs until the parent ends it.
 */
public final class S3MockMain {
    /** The line S3MockMain prints when it serves, followed by the port. */
    static final String READY = "S3MOCK_HTTP_PORT=";

    private S3MockMain() {
    }

    /**
     * Starts the server.
     *
     * @param args the bucket to create and the folder for the objects
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: S3MockMain BUCKET ROOT_FOLDER");
            System.exit(2);
        }
        S3MockServer server = S3MockServer.inProcess(args[0], Path.of(args[1]));
        System.out.println(READY + server.endpoint().getPort());
        System.out.flush();
        Thread.currentThread().join();   // until the parent destroys this process
    }
}
