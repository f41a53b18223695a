package org.dataloader4j.vision;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The JPEG files the native path has seen decode cleanly (no error, no repaired data) in full, each remembered as a
 * 64-bit fingerprint of its path, size and modification time (JPEG data held in memory, such as a shard's entries: of
 * its bytes), so that a later region decode of the same file may stop below the region instead of entropy-decoding
 * the rest of the scan again: the verdict cannot change while the file does not, so every epoch and every pipeline
 * still gives the file the same verdict. A file rewritten with the same size and modification time, to the
 * nanosecond the file system reports, would keep its old verdict.
 *
 * <p>An open-addressing set of longs: about 16 bytes per file (ImageNet's 1.28 million files: about 32 MiB), at
 * most {@value #MAX_SLOTS} slots; beyond that new files are not remembered and are validated on every decode.
 * Lookups take no lock; a lookup racing with a resize may miss a file, which only costs a full decode. Thread-safe.
 * Package-private.
 */
final class CleanJpegFiles {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int MAX_SLOTS = 1 << 24;
    private static final CleanJpegFiles INSTANCE = new CleanJpegFiles();

    private volatile AtomicLongArray slots = new AtomicLongArray(1 << 12);
    private int count;   // guarded by this

    private CleanJpegFiles() {
    }

    /** The set shared by all decoders. */
    static CleanJpegFiles shared() {
        return INSTANCE;
    }

    /** The fingerprint of a file: never 0 (0 marks an empty slot). */
    static long fingerprint(Path path, long size, long modifiedNanos) {
        long h = 0xcbf29ce484222325L;
        for (byte b : path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        h = mix(h ^ mix(size + 0x9E3779B97F4A7C15L) ^ Long.rotateLeft(mix(modifiedNanos), 17));
        return h == 0 ? 1 : h;
    }

    /**
     * The fingerprint of JPEG data held in memory (a shard's entry, downloaded bytes): a 64-bit hash of its
     * {@code length} bytes and the length, never 0. The decoder is deterministic, so equal bytes get equal verdicts;
     * two different byte strings share a fingerprint only by a 64-bit hash collision, and even then the old verdict
     * only lets a region decode skip the scan below the region, whose pixels it does not return. Four independent
     * lanes of multiply-mix over 8-byte words: a few microseconds for a 100 KB file.
     */
    static long fingerprint(MemorySegment data, long length) {
        long a = 0x9E3779B97F4A7C15L;
        long b = 0xC2B2AE3D27D4EB4FL;
        long c = 0x165667B19E3779F9L;
        long d = 0xD6E8FEB86659FD93L;
        long words = length >>> 3;
        long i = 0;
        for (; i + 4 <= words; i += 4) {
            long at = i << 3;
            a = (a ^ data.get(WORD, at)) * 0x9FB21C651E98DF25L;
            b = (b ^ data.get(WORD, at + 8)) * 0x9FB21C651E98DF25L;
            c = (c ^ data.get(WORD, at + 16)) * 0x9FB21C651E98DF25L;
            d = (d ^ data.get(WORD, at + 24)) * 0x9FB21C651E98DF25L;
            a ^= a >>> 29;
            b ^= b >>> 29;
            c ^= c >>> 29;
            d ^= d >>> 29;
        }
        for (; i < words; i++) {
            a = mix(a ^ data.get(WORD, i << 3));
        }
        long tail = 0;
        for (long at = words << 3; at < length; at++) {
            tail = (tail << 8) | (data.get(ValueLayout.JAVA_BYTE, at) & 0xFF);
        }
        long h = mix(a) ^ Long.rotateLeft(mix(b), 16) ^ Long.rotateLeft(mix(c), 32) ^ Long.rotateLeft(mix(d), 48);
        h = mix(h ^ mix(tail ^ 0x5851F42D4C957F2DL) ^ mix(length + 0x2545F4914F6CDD1DL));
        return h == 0 ? 1 : h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** True if the file with this fingerprint was seen to decode cleanly. */
    boolean contains(long fingerprint) {
        AtomicLongArray t = slots;
        return t.get(slot(t, fingerprint)) == fingerprint;
    }

    /** Remembers that the file with this fingerprint decodes cleanly (a no-op once the set is full). */
    synchronized void add(long fingerprint) {
        AtomicLongArray t = slots;
        if ((count + 1) * 2L > t.length()) {
            if (t.length() >= MAX_SLOTS) {
                return;
            }
            AtomicLongArray bigger = new AtomicLongArray(t.length() * 2);
            for (int i = 0; i < t.length(); i++) {
                long v = t.get(i);
                if (v != 0) {
                    insert(bigger, v);
                }
            }
            slots = bigger;
            t = bigger;
        }
        if (insert(t, fingerprint)) {
            count++;
        }
    }

    /** Number of files remembered. */
    synchronized int size() {
        return count;
    }

    private static boolean insert(AtomicLongArray t, long v) {
        int i = slot(t, v);
        if (t.get(i) == v) {
            return false;
        }
        t.set(i, v);
        return true;
    }

    /**
     * Linear probing from {@code v}'s home slot: the slot that holds {@code v}, or the empty one where the probe
     * ends (there is always one: the table is at most half full).
     */
    private static int slot(AtomicLongArray t, long v) {
        int mask = t.length() - 1;
        int i = (int) v & mask;
        for (long cur = t.get(i); cur != v && cur != 0; cur = t.get(i)) {
            i = (i + 1) & mask;
        }
        return i;
    }
}
