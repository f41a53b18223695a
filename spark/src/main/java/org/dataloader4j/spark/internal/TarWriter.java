package org.dataloader4j.spark.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes a POSIX ustar archive of regular files, the container of WebDataset shards: each file is a 512-byte
 * header followed by its bytes padded to a multiple of 512, and the archive ends with two zero blocks. Headers
 * are reproducible (mode 0644, owner 0, modification time 0), so the same files in the same order give the same
 * bytes. Python's {@code tarfile}, GNU tar and WebDataset read the result.
 *
 * <p>Names are ASCII, at most 100 bytes, or up to 255 when a {@code '/'} splits them into ustar's prefix and
 * name; the writer refuses anything else rather than silently truncating it. The caller closes the stream it
 * gave; {@link #finish()} writes the end-of-archive blocks.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(shard)) {
 *     TarWriter tar = new TarWriter(out);
 *     tar.add("n01440764_10026.jpg", jpegBytes);
 *     tar.add("n01440764_10026.cls", "0".getBytes(US_ASCII));
 *     tar.finish();
 * }
 * }</pre>
 */
public final class TarWriter {
    static final int BLOCK = 512;
    /** The largest file ustar's 11 octal digits can state: 8 GiB - 1. */
    static final long MAX_SIZE = 077777777777L;

    private final OutputStream out;
    private long written;
    private boolean finished;

    /**
     * A writer appending to {@code out}.
     *
     * @param out the stream that receives the archive
     */
    public TarWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Adds a regular file.
     *
     * @param name the path of the file in the archive
     * @param data its content
     * @return this writer
     * @throws IllegalArgumentException if the name is empty, not ASCII, contains NUL, or does not fit ustar
     * @throws IllegalStateException    after {@link #finish()}
     * @throws IOException if writing fails
     */
    public TarWriter add(String name, byte[] data) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        if (finished) {
            throw new IllegalStateException("the archive is finished; cannot add " + name);
        }
        byte[] header = header(name, data.length);
        out.write(header);
        out.write(data);
        int pad = padding(data.length);
        if (pad > 0) {
            out.write(new byte[pad]);
        }
        written += BLOCK + data.length + pad;
        return this;
    }

    /**
     * Writes the two zero blocks that end an archive (idempotent); the stream stays open.
     *
     * @throws IOException if writing fails
     */
    public void finish() throws IOException {
        if (!finished) {
            out.write(new byte[2 * BLOCK]);
            written += 2 * BLOCK;
            finished = true;
        }
        out.flush();
    }

    /** {@return bytes written so far} */
    public long bytesWritten() {
        return written;
    }

    static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    static byte[] header(String name, long size) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a tar entry needs a non-empty name");
        }
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("entry " + name + " has " + size + " bytes; ustar allows 0 to " + MAX_SIZE);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0 || c > 127) {
                throw new IllegalArgumentException("tar entry names must be ASCII without NUL, but got " + quoted(name));
            }
        }
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        String prefix = "";
        String base = name;
        if (bytes.length > 100) {
            int split = -1;
            for (int i = name.length() - 1; i > 0; i--) {
                if (name.charAt(i) == '/' && i <= 155 && name.length() - i - 1 <= 100 && name.length() - i - 1 > 0) {
                    split = i;
                    break;
                }
            }
            if (split < 0) {
                throw new IllegalArgumentException("tar entry name " + quoted(name) + " has " + bytes.length
                        + " bytes; ustar allows 100, or 255 split at a '/' into at most 155 + 100");
            }
            prefix = name.substring(0, split);
            base = name.substring(split + 1);
        }
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, base);
        put(h, 100, 8, "0000644");
        put(h, 108, 8, "0000000");
        put(h, 116, 8, "0000000");
        put(h, 124, 12, String.format("%011o", size));
        put(h, 136, 12, "00000000000");
        h[156] = '0';
        put(h, 257, 6, "ustar");   // "ustar\0"
        h[263] = '0';
        h[264] = '0';
        put(h, 329, 8, "0000000");
        put(h, 337, 8, "0000000");
        put(h, 345, 155, prefix);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, 7, String.format("%06o", sum));   // six digits, NUL, and the space already there
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int offset, int length, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, h, offset, Math.min(v.length, length));
    }

    /** {@code s} in quotes for an error message, control characters escaped, at most 300 characters. */
    public static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            sb.append(c < 32 || c == 127 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.append(s.length() > 300 ? "...\"" : "\"").toString();
    }
}
