package org.dataloader4j.spark;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads the regular files of a tar archive one after another from a stream, without seeking: what a WebDataset
 * shard needs. It reads ustar and the older v7 headers, takes long names from pax extended headers ({@code path},
 * and {@code size} for large files) and GNU long-name entries, and skips directories, links and other special
 * entries. Every header's checksum is verified; a truncated archive or a bad header is an {@link IOException}
 * naming the source and the byte offset.
 *
 * <pre>{@code
 * try (InputStream in = Files.newInputStream(shard)) {
 *     TarReader tar = new TarReader(in, shard.toString());
 *     for (TarReader.Entry e; (e = tar.next()) != null; ) {
 *         byte[] data = tar.read();      // or tar.skip() to pass over it
 *     }
 * }
 * }</pre>
 */
public final class TarReader {
    private static final int BLOCK = TarWriter.BLOCK;
    private static final int MAX_META = 1 << 20;

    /** A regular file of the archive: its name and size in bytes. */
    public record Entry(String name, long size) {
    }

    private final InputStream in;
    private final String source;
    private final byte[] header = new byte[BLOCK];
    private long offset;
    private Entry current;
    private boolean dataPending;
    private boolean ended;

    /**
     * A reader of the archive in {@code in}; {@code source} names it in error messages. The caller closes
     * {@code in}.
     */
    public TarReader(InputStream in, String source) {
        this.in = Objects.requireNonNull(in, "in");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * The next regular file, or {@code null} at the end of the archive. The data of the previous entry, if not
     * read, is skipped.
     *
     * @throws IOException if the archive is truncated or a header is corrupt (naming the source and offset)
     */
    public Entry next() throws IOException {
        if (ended) {
            return null;
        }
        if (dataPending) {
            skip();
        }
        String longName = null;
        Long paxSize = null;
        while (true) {
            long at = offset;
            if (!readBlock(header, true)) {
                return end();
            }
            if (isZero(header)) {
                return end();
            }
            verifyChecksum(at);
            String name = string(header, 0, 100);
            long size = number(header, 124, 12, at);
            byte type = header[156];
            if (isUstar(header)) {
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            switch (type) {
                case 'x' -> {   // pax extended header for the next entry
                    String records = new String(meta(size, at), StandardCharsets.UTF_8);
                    Pax pax = parsePax(records, at);
                    if (pax.path != null) {
                        longName = pax.path;
                    }
                    if (pax.size != null) {
                        paxSize = pax.size;
                    }
                }
                case 'L' -> {   // GNU long name for the next entry
                    byte[] raw = meta(size, at);
                    int end = 0;
                    while (end < raw.length && raw[end] != 0) {
                        end++;
                    }
                    longName = new String(raw, 0, end, StandardCharsets.UTF_8);
                }
                case '0', 0, '7' -> {
                    if (longName != null) {
                        name = longName;
                    }
                    if (paxSize != null) {
                        size = paxSize;
                    }
                    current = new Entry(name, size);
                    dataPending = true;
                    return current;
                }
                default -> {    // directories, links, devices, global pax headers, GNU extras: not samples
                    skipBytes(size + TarWriter.padding(size), at);
                    longName = null;
                    paxSize = null;
                }
            }
        }
    }

    /**
     * The data of the current entry.
     *
     * @throws IllegalStateException if there is no current entry or its data was already read or skipped
     */
    public byte[] read() throws IOException {
        Entry e = pending();
        if (e.size > Integer.MAX_VALUE - 8) {
            throw new IOException("entry " + e.name + " of " + source + " has " + e.size
                    + " bytes, too many for one array");
        }
        byte[] data = new byte[(int) e.size];
        readFully(data, 0, data.length);
        skipBytes(TarWriter.padding(e.size), offset);
        dataPending = false;
        return data;
    }

    /** Passes over the data of the current entry. */
    public void skip() throws IOException {
        Entry e = pending();
        skipBytes(e.size + TarWriter.padding(e.size), offset);
        dataPending = false;
    }

    /** Bytes of the archive consumed so far. */
    public long offset() {
        return offset;
    }

    private Entry pending() {
        if (current == null || !dataPending) {
            throw new IllegalStateException("no entry whose data is still to be read in " + source);
        }
        return current;
    }

    private Entry end() {
        ended = true;
        current = null;
        dataPending = false;
        return null;
    }

    private byte[] meta(long size, long at) throws IOException {
        if (size > MAX_META) {
            throw new IOException("corrupt tar " + source + ": a " + size + "-byte extended header at offset " + at);
        }
        byte[] raw = new byte[(int) size];
        readFully(raw, 0, raw.length);
        skipBytes(TarWriter.padding(size), at);
        return raw;
    }

    private record Pax(String path, Long size) {
    }

    private Pax parsePax(String records, long at) throws IOException {
        String path = null;
        Long size = null;
        int pos = 0;
        while (pos < records.length()) {
            int space = records.indexOf(' ', pos);
            if (space < 0) {
                break;
            }
            int length;
            try {
                length = Integer.parseInt(records.substring(pos, space));
            } catch (NumberFormatException e) {
                throw new IOException("corrupt pax header in " + source + " at offset " + at + ": " + e.getMessage());
            }
            // the length counts bytes; records are ASCII in practice, and for non-ASCII paths we re-measure in bytes
            byte[] rest = records.substring(pos).getBytes(StandardCharsets.UTF_8);
            if (length <= 0 || length > rest.length) {
                throw new IOException("corrupt pax header in " + source + " at offset " + at);
            }
            String record = new String(rest, 0, length, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(record.indexOf(' ') + 1, eq);
                String value = record.substring(eq + 1, record.length() - (record.endsWith("\n") ? 1 : 0));
                if (key.equals("path")) {
                    path = value;
                } else if (key.equals("size")) {
                    size = Long.parseLong(value);
                }
            }
            pos += record.length();
        }
        return new Pax(path, size);
    }

    private boolean readBlock(byte[] block, boolean endAllowed) throws IOException {
        int n = 0;
        while (n < block.length) {
            int r = in.read(block, n, block.length - n);
            if (r < 0) {
                if (n == 0 && endAllowed) {
                    return false;   // no end-of-archive blocks: accepted, as tar and Python do
                }
                throw new EOFException("truncated tar " + source + ": the archive ends inside a header at offset "
                        + offset);
            }
            n += r;
            offset += r;
        }
        return true;
    }

    private void readFully(byte[] data, int from, int length) throws IOException {
        int n = 0;
        while (n < length) {
            int r = in.read(data, from + n, length - n);
            if (r < 0) {
                throw new EOFException("truncated tar " + source + ": entry " + (current == null ? "?" : current.name)
                        + " ends early at offset " + offset);
            }
            n += r;
            offset += r;
        }
    }

    private void skipBytes(long n, long at) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("truncated tar " + source + ": the archive ends at offset " + offset
                            + " inside the entry whose header is at offset " + at);
                }
                s = 1;
            }
            left -= s;
            offset += s;
        }
    }

    private void verifyChecksum(long at) throws IOException {
        long stored = number(header, 148, 8, at);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xFF;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("corrupt tar " + source + ": bad header checksum at offset " + at + " (stored "
                    + stored + ", computed " + unsigned + "); not a tar archive, or damaged");
        }
    }

    private long number(byte[] h, int offset, int length, long at) throws IOException {
        if ((h[offset] & 0x80) != 0) {   // GNU base-256
            long v = h[offset] & 0x7F;
            for (int i = 1; i < length; i++) {
                v = (v << 8) | (h[offset + i] & 0xFF);
            }
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            byte b = h[i];
            if (b == 0 || (b == ' ' && digits)) {
                break;
            }
            if (b == ' ') {
                continue;
            }
            if (b < '0' || b > '7') {
                throw new IOException("corrupt tar " + source + ": a header at offset " + at
                        + " has a non-octal number field");
            }
            v = v * 8 + (b - '0');
            digits = true;
        }
        return v;
    }

    private static boolean isUstar(byte[] h) {
        // POSIX "ustar\0"; GNU's "ustar  " keeps other fields where ustar has its prefix
        return h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[262] == 0;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }
}
