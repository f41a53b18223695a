package org.dataloader4j.spark;

import java.nio.charset.StandardCharsets;
import org.dataloader4j.random.CounterRandom;

/**
 * Sample keys and their placement: which shard a sample goes to and where in it, both functions of (seed, key)
 * alone, so the output does not depend on the input's order, its partitioning or the cluster.
 */
final class ShardKeys {
    /** Keys are at most this long, so that {@code <key>.jpg} fits a plain ustar name (100 bytes). */
    static final int MAX_KEY = 90;

    private ShardKeys() {
    }

    /**
     * A WebDataset-safe key for a sample id (for example a relative path without its extension): letters, digits,
     * {@code _}, {@code -} and {@code /} are kept and everything else (dots included, which would end the key)
     * becomes {@code _}; leading and repeated slashes are dropped; an over-long key keeps its start and gets a hash
     * of the whole id.
     */
    static String sanitize(String id) {
        StringBuilder sb = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-';
            if (c == '/') {
                if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '/') {
                    sb.append('/');
                }
            } else {
                sb.append(keep ? c : '_');
            }
        }
        while (!sb.isEmpty() && sb.charAt(sb.length() - 1) == '/') {
            sb.setLength(sb.length() - 1);
        }
        if (sb.isEmpty()) {
            sb.append('_');
        }
        if (sb.length() > MAX_KEY) {
            String hash = String.format("%016x", hash(id));
            sb.setLength(MAX_KEY - hash.length() - 1);
            sb.append('_').append(hash);
        }
        return sb.toString();
    }

    /** A 64-bit hash of the key's UTF-8 bytes (FNV-1a, then mixed). */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return CounterRandom.mix64(h);
    }

    /** The shard of {@code key}: uniform over {@code 0 .. shards - 1}. */
    static int shard(long seed, String key, int shards) {
        return (int) Math.floorMod(CounterRandom.key(seed, hash(key), 1), (long) shards);
    }

    /** Where {@code key} goes within its shard: samples are written in increasing (rank, key) order. */
    static long rank(long seed, String key) {
        return CounterRandom.key(seed, hash(key), 2);
    }
}
