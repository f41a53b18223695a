package org.dataloader4j.spark.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.dataloader4j.spark.Manifest;

/**
 * The SHA-256 checksums that {@link org.dataloader4j.spark.ShardJob} records per shard in the manifest and that readers verify.
 *
 * <pre>{@code
 * String hex = Checksums.sha256(in).sha256();   // what the manifest's "sha256" of that shard must be
 * }</pre>
 */
public final class Checksums {
    private Checksums() {
    }

    /**
     * What reading a stream to its end found.
     *
     * @param bytes  how many bytes it held
     * @param sha256 their SHA-256, lower-case hex
     */
    public record Digest(long bytes, String sha256) {
    }

    /** {@return a fresh SHA-256 digest (every JDK has one)} */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * {@return lower-case hex of a digest}
     *
     * @param digest the digest's bytes
     */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /**
     * Reads {@code in} to its end (without closing it): its length and SHA-256.
     *
     * @param in the stream to read
     * @return the number of bytes read and their SHA-256
     * @throws IOException if reading fails
     */
    public static Digest sha256(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buffer = new byte[1 << 16];
        long n = 0;
        for (int r; (r = in.read(buffer)) >= 0; ) {
            md.update(buffer, 0, r);
            n += r;
        }
        return new Digest(n, hex(md.digest()));
    }

    /**
     * {@return null if {@code found} is what the manifest states for {@code shard}, otherwise why not (size first, then
     * SHA-256 where the manifest records one), for an error message that names the object}
     *
     * @param shard the manifest's entry of the shard
     * @param found the length and digest read
     */
    public static String mismatch(Manifest.Shard shard, Digest found) {
        if (found.bytes() != shard.bytes()) {
            return "it holds " + found.bytes() + " bytes but the manifest states " + shard.bytes()
                    + (found.bytes() < shard.bytes() ? " (truncated)" : "");
        }
        if (shard.sha256() != null && !shard.sha256().equals(found.sha256())) {
            return "its SHA-256 is " + found.sha256() + " but the manifest states " + shard.sha256() + " (corrupt)";
        }
        return null;
    }
}
