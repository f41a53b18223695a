package org.dataloader4j.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-request-per-connection HTTP proxy on 127.0.0.1 in front of S3Mock that injects faults into the responses
 * of GETs whose path ends with a given name (or of PUTs, for a name given as {@code "PUT " + name}): 503 SlowDown, 500, a dropped connection, a truncated or corrupted
 * body, a delay. Everything else passes through unchanged. Counts the GETs per name.
 */
final class FaultProxy implements AutoCloseable {
    /** What to do to one response. */
    enum Fault {
        /** Answer 503 SlowDown without asking the server. */
        SLOW_DOWN,
        /** Answer 500 InternalError without asking the server. */
        INTERNAL_ERROR,
        /** Close the connection without answering. */
        DROP,
        /** Send the headers (with the full Content-Length) and half of the body, then close. */
        TRUNCATE,
        /** Send a consistent response (Content-Length adjusted) that lacks the last 100 bytes of the body. */
        SHORT,
        /** Send a consistent response (Content-Length adjusted) with 70,000 zero bytes after the body. */
        LONG,
        /** Flip one bit in the middle of the body. */
        CORRUPT,
        /** Wait 400 ms, then answer normally. */
        SLOW,
        /** Send the headers, then stall for 4 s before the body. */
        STALL
    }

    private final ServerSocket server;
    private final int upstream;
    private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final java.util.List<String> requests = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final Thread acceptor;
    private volatile boolean closed;

    FaultProxy(int upstreamPort) throws IOException {
        this.upstream = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy").start(this::accept);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The next {@code times} GETs of an object named {@code name} get {@code fault}. */
    void inject(String name, Fault fault, int times) {
        Deque<Fault> q = faults.computeIfAbsent(name, k -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < times; i++) {
                q.add(fault);
            }
        }
    }

    /** GETs of objects named {@code name} so far ({@code "PUT " + name}: PUTs). */
    int gets(String name) {
        AtomicInteger n = gets.get(name);
        return n == null ? 0 : n.get();
    }

    /** Every request so far as {@code "METHOD name"}, in arrival order. */
    java.util.List<String> requests() {
        synchronized (requests) {
            return java.util.List.copyOf(requests);
        }
    }

    void reset() {
        faults.clear();
        gets.clear();
        requests.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread.ofPlatform().daemon().name("fault-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    e.printStackTrace();
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            String[] requestLine = headText.substring(0, headText.indexOf("\r\n")).split(" ");
            if (headText.toLowerCase(java.util.Locale.ROOT).contains("\r\nexpect: 100-continue")) {
                client.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                client.getOutputStream().flush();
                headText = headText.replaceAll("(?im)^expect:.*\r\n", "");
            }
            long length = contentLength(headText);
            byte[] body = in.readNBytes((int) Math.max(0, length));
            String path = requestLine[1];
            int q = path.indexOf('?');
            String name = (q < 0 ? path : path.substring(0, q));
            name = name.substring(name.lastIndexOf('/') + 1);
            Fault fault = null;
            requests.add(requestLine[0] + " " + name);
            if (requestLine[0].equals("GET") || requestLine[0].equals("PUT")) {
                gets.computeIfAbsent(requestLine[0].equals("GET") ? name : "PUT " + name, k -> new AtomicInteger())
                        .incrementAndGet();
                Deque<Fault> faultQueue = faults.get(requestLine[0].equals("GET") ? name : "PUT " + name);
                if (faultQueue != null) {
                    synchronized (faultQueue) {
                        fault = faultQueue.poll();
                    }
                }
            }
            OutputStream out = client.getOutputStream();
            if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR) {
                boolean slow = fault == Fault.SLOW_DOWN;
                String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + (slow ? "SlowDown"
                        : "InternalError") + "</Code><Message>injected</Message></Error>";
                out.write(("HTTP/1.1 " + (slow ? "503 Slow Down" : "500 Internal Server Error") + "\r\n"
                        + "Content-Type: application/xml\r\nContent-Length: " + xml.length()
                        + "\r\nConnection: close\r\n\r\n" + xml).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            if (fault == Fault.DROP) {
                client.setSoLinger(true, 0);   // a reset, as a crashed server or a load balancer gives
                return;
            }
            byte[] response = forward(headText, body);
            int split = indexOf(response, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) + 4;
            String responseHead = new String(response, 0, split, StandardCharsets.ISO_8859_1);
            byte[] responseBody = java.util.Arrays.copyOfRange(response, split, response.length);
            boolean chunked = responseHead.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked");
            if (fault != null && chunked) {
                throw new IllegalStateException("cannot inject " + fault + " into a chunked response for " + path);
            }
            if (fault == Fault.SLOW) {
                Thread.sleep(400);
            }
            if (fault == Fault.CORRUPT) {
                responseBody[responseBody.length / 2] ^= 0x10;
            }
            if (fault == Fault.LONG) {
                responseBody = java.util.Arrays.copyOf(responseBody, responseBody.length + 70_000);
                responseHead = responseHead.replaceAll("(?i)content-length: *\\d+", "Content-Length: "
                        + responseBody.length);
            }
            if (fault == Fault.SHORT) {
                responseBody = java.util.Arrays.copyOf(responseBody, Math.max(0, responseBody.length - 100));
                responseHead = responseHead.replaceAll("(?i)content-length: *\\d+", "Content-Length: "
                        + responseBody.length);
            }
            out.write(responseHead.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (fault == Fault.STALL) {
                Thread.sleep(4000);
            }
            if (fault == Fault.TRUNCATE) {
                out.write(responseBody, 0, responseBody.length / 2);
                out.flush();
                return;
            }
            out.write(responseBody);
            out.flush();
        } catch (SocketException e) {
            // the client gave up (for example after its read timeout): nothing to answer
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (!closed) {
                e.printStackTrace();
            }
        }
    }

    /** Sends the request upstream with {@code Connection: close} and returns the whole response. */
    private byte[] forward(String head, byte[] body) throws IOException {
        String rewritten = head.replaceAll("(?im)^connection:.*\r\n", "");
        rewritten = rewritten.substring(0, rewritten.length() - 2) + "Connection: close\r\n\r\n";
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), upstream)) {
            OutputStream out = s.getOutputStream();
            out.write(rewritten.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return s.getInputStream().readAllBytes();
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return 0;
    }

    private static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no end of headers in the upstream response");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
