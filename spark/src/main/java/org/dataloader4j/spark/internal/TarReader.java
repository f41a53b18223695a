package org.dataloader4j.spark.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads the regular files of a tar archive one after another from a stream, without seeking: what a WebDataset
 * shard needs. It reads ustar and the older v7 headers, takes long names from pax extended headers ({@code path},
 * and {@code size} for large files) and GNU long-name entries, and skips directories, links and other special
 * entries. Every header's checksum is verified; a truncated archive or a bad header is an {@link IOException}
 * naming the source and the byte offset. Memory is bounded by what the archive really holds, not by what its headers
 * claim: an entry's array grows as its bytes arrive, so a forged size cannot allocate gigabytes.
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
    /** The largest entry size accepted: its padded end must still be a {@code long}. */
    private static final long MAX_SIZE = Long.MAX_VALUE - BLOCK;
    /** The first allocation for an entry's data; larger entries grow by doubling as their bytes arrive. */
    private static final int FIRST_CHUNK = 1 << 20;

    /**
     * A regular file of the archive: its name and size in bytes.
     *
     * @param name the path of the file in the archive
     * @param size its length in bytes
     */
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
     *
     * @param in the archive's bytes
     * @param source the archive's name, for error messages
     */
    public TarReader(InputStream in, String source) {
        this.in = Objects.requireNonNull(in, "in");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * {@return the next regular file, or {@code null} at the end of the archive} The data of the previous entry, if not
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
            long size = size(number(header, 124, 12, at), at);
            byte type = header[156];
            if (isUstar(header)) {
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            switch (type) {
                case 'x' -> {   // pax extended header for the next entry
                    Pax pax = parsePax(meta(size, at), at);
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
     * {@return the data of the current entry}
     *
     * @throws IllegalStateException if there is no current entry or its data was already read or skipped
     * @throws IOException if reading fails or the archive ends early
     */
    public byte[] read() throws IOException {
        Entry e = pending();
        if (e.size > Integer.MAX_VALUE - 8) {
            throw new IOException("entry " + e.name + " of " + source + " has " + e.size
                    + " bytes, too many for one array");
        }
        int size = (int) e.size;
        byte[] data = new byte[Math.min(size, FIRST_CHUNK)];
        int filled = 0;
        while (true) {
            readFully(data, filled, data.length - filled);
            filled = data.length;
            if (filled == size) {
                break;
            }
            data = Arrays.copyOf(data, (int) Math.min(size, 2L * filled));   // grows only with bytes that arrived
        }
        skipBytes(TarWriter.padding(e.size), offset);
        dataPending = false;
        return data;
    }

    /**
     * Passes over the data of the current entry.
     *
     * @throws IOException if reading fails or the archive ends early
     */
    public void skip() throws IOException {
        Entry e = pending();
        skipBytes(e.size + TarWriter.padding(e.size), offset);
        dataPending = false;
    }

    /** {@return bytes of the archive consumed so far} */
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

    /**
     * Parses pax records, {@code "<length> <key>=<value>\n"} where the decimal length counts the bytes of the whole
     * record; keys and values are UTF-8.
     */
    private Pax parsePax(byte[] raw, long at) throws IOException {
        String path = null;
        Long size = null;
        int pos = 0;
        while (pos < raw.length) {
            int space = pos;
            long length = 0;
            while (space < raw.length && raw[space] >= '0' && raw[space] <= '9') {
                length = Math.min(length * 10 + (raw[space] - '0'), raw.length + 1L);   // saturates: too long anyway
                space++;
            }
            if (space == pos || space >= raw.length || raw[space] != ' ') {
                if (raw[pos] == 0) {
                    break;   // NUL padding after the last record
                }
                throw new IOException("corrupt pax header in " + source + " at offset " + at + ": the record at byte "
                        + pos + " does not start with its decimal length and a space");
            }
            if (length <= space - pos || length > raw.length - pos) {
                throw new IOException("corrupt pax header in " + source + " at offset " + at + ": the record at byte "
                        + pos + " claims " + clip(new String(raw, pos, space - pos, StandardCharsets.US_ASCII))
                        + " bytes, but " + (raw.length - pos) + " remain");
            }
            int end = pos + (int) length;
            int valueEnd = raw[end - 1] == '\n' ? end - 1 : end;
            int eq = space + 1;
            while (eq < valueEnd && raw[eq] != '=') {
                eq++;
            }
            if (eq < valueEnd && eq > space + 1) {
                String key = new String(raw, space + 1, eq - space - 1, StandardCharsets.UTF_8);
                String value = new String(raw, eq + 1, valueEnd - eq - 1, StandardCharsets.UTF_8);
                if (key.equals("path")) {
                    path = value;
                } else if (key.equals("size")) {
                    size = paxSize(value, at);
                }
            }
            pos = end;
        }
        return new Pax(path, size);
    }

    private long paxSize(String value, long at) throws IOException {
        long size;
        try {
            size = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IOException("corrupt pax header in " + source + " at offset " + at + ": size '" + clip(value)
                    + "' is not a decimal number of at most " + MAX_SIZE + " bytes");
        }
        if (size < 0) {
            throw new IOException("corrupt pax header in " + source + " at offset " + at + ": size " + size
                    + " is negative");
        }
        return size(size, at);
    }

    /** {@code size}, if a padded entry of that many bytes can be skipped without overflowing an offset. */
    private long size(long size, long at) throws IOException {
        if (size > MAX_SIZE) {
            throw new IOException("corrupt tar " + source + ": the header at offset " + at + " gives a size of "
                    + size + " bytes, too large (at most " + MAX_SIZE + ")");
        }
        return size;
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
            if ((h[offset] & 0x40) != 0) {
                throw new IOException("corrupt tar " + source + ": a header at offset " + at + " has a negative"
                        + " base-256 number field; expected a size or checksum of at least 0");
            }
            long v = h[offset] & 0x3F;
            for (int i = 1; i < length; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    throw new IOException("corrupt tar " + source + ": a header at offset " + at + " has a base-256"
                            + " number field that is too large (more than " + Long.MAX_VALUE + ")");
                }
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

    /** {@code text}, shortened to its first 40 characters for a message. */
    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
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
