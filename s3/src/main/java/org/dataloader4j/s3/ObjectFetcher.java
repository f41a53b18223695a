package org.dataloader4j.s3;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.dataloader4j.spark.Manifest;
import org.dataloader4j.spark.internal.Checksums;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * GETs (and PUTs) objects with retries: throttling (503 SlowDown, 429), other 5xx, reset or dropped connections, timeouts and
 * downloads that do not match the manifest (truncated, corrupt) are tried again with {@link RetryPolicy}'s backoff;
 * a missing object or bucket, or a refusal (403, 400), fails at once. Every failure names the object.
 */
final class ObjectFetcher {
    private static final Set<String> RETRYABLE_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed");

    private final S3Client client;
    private final RetryPolicy retry;
    final LongAdder bytesDownloaded = new LongAdder();
    final LongAdder retries = new LongAdder();

    ObjectFetcher(S3Client client, RetryPolicy retry) {
        this.client = client;
        this.retry = retry;
    }

    /** The whole object (a manifest: small), retried. */
    byte[] readAll(S3Location where) throws IOException {
        return withRetries(where, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(where, out, null, Long.MAX_VALUE);
            return out.toByteArray();
        });
    }

    /**
     * Downloads a shard to {@code target} (through {@code target + ".part"}) and verifies its size and, where the
     * manifest records one, its SHA-256; a mismatch is retried like a network failure.
     */
    void download(S3Location where, Manifest.Shard shard, Path target) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            withRetries(where, () -> {
                MessageDigest md = Checksums.sha256();
                long n;
                try (OutputStream out = Files.newOutputStream(part)) {
                    n = copy(where, out, md, shard.bytes());
                }
                String mismatch = Checksums.mismatch(shard, new Checksums.Digest(n, Checksums.hex(md.digest())));
                if (mismatch != null) {
                    throw new Mismatch("the download of " + where + " does not match the manifest: " + mismatch);
                }
                return null;
            });
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Uploads {@code file} to {@code where}, retried like a download, and checks with a HEAD request that the store
     * holds {@code file}'s size.
     */
    void upload(Path file, S3Location where) throws IOException {
        long size = Files.size(file);
        withRetries(where, () -> {
            client.putObject(PutObjectRequest.builder().bucket(where.bucket()).key(where.key()).contentLength(size)
                    .build(), RequestBody.fromFile(file));
            long stored = client.headObject(HeadObjectRequest.builder().bucket(where.bucket()).key(where.key())
                    .build()).contentLength();
            if (stored != size) {
                throw new Mismatch("the store holds " + stored + " bytes at " + where + " after uploading the "
                        + size + " of " + file);
            }
            return null;
        });
    }

    /** A download that arrived whole but differs from the manifest: retried, then refused. */
    private static final class Mismatch extends IOException {
        Mismatch(String message) {
            super(message);
        }
    }

    private interface Attempt<T> {
        T run() throws IOException;
    }

    /**
     * Copies the object to {@code out}, hashing into {@code md} if given; stops reading and writing one byte past
     * {@code limit} (the download is then too long, and the cache's accounting of the file stays true). Returns the
     * bytes copied.
     */
    private long copy(S3Location where, OutputStream out, MessageDigest md, long limit) throws IOException {
        GetObjectRequest request = GetObjectRequest.builder().bucket(where.bucket()).key(where.key()).build();
        long n = 0;
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
            byte[] buffer = new byte[1 << 16];
            for (int r; (r = read(in, buffer)) >= 0; ) {
                bytesDownloaded.add(r);
                long room = limit - n;
                int keep = room >= r ? r : (int) room + 1;   // one byte past the limit shows it is too long
                out.write(buffer, 0, keep);
                if (md != null) {
                    md.update(buffer, 0, keep);
                }
                n += keep;
                if (n > limit) {
                    break;   // longer than the manifest says: no need to read on, nor to fill the disk
                }
            }
        }
        return n;
    }

    private static int read(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private <T> T withRetries(S3Location where, Attempt<T> attempt) throws IOException {
        List<String> failures = new ArrayList<>();
        for (int n = 1; ; n++) {
            Exception failure;
            try {
                return attempt.run();
            } catch (NoSuchKeyException e) {
                throw new FileNotFoundException("object " + where + " does not exist (the store answered "
                        + status(e) + ")");
            } catch (NoSuchBucketException e) {   // also a PUT into a missing bucket
                throw new FileNotFoundException("bucket " + where.bucket() + " of " + where + " does not exist (the"
                        + " store answered " + status(e) + ")");
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    throw new FileNotFoundException("object " + where + " does not exist (the store answered "
                            + status(e) + ")");
                }
                if (!retryable(e)) {
                    throw new IOException("cannot read " + where + ": the store refused with " + status(e), e);
                }
                failure = e;
            } catch (SdkException | IOException e) {   // connection reset or dropped, timeouts, truncated or corrupt
                if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                    throw (InterruptedIOException) e;
                }
                failure = e;
            }
            failures.add("attempt " + n + ": " + describe(failure));
            if (n >= retry.maxAttempts()) {
                String what = failure instanceof Mismatch ? "refusing " + where + " after " + n + " transfers that"
                        + " did not match the manifest" : "cannot transfer " + where + " after " + n + " attempts";
                throw new IOException(what + " (" + String.join("; ", failures) + ")", failure);
            }
            retries.increment();
            try {
                Thread.sleep(retry.delay(n, ThreadLocalRandom.current()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to retry " + where);
            }
        }
    }

    private static boolean retryable(S3Exception e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return status >= 500 || status == 429 || status == 408 || (code != null && RETRYABLE_CODES.contains(code));
    }

    private static String status(S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return "HTTP " + e.statusCode() + (code == null ? "" : " " + code);
    }

    private static String describe(Exception e) {
        if (e instanceof S3Exception s) {
            return status(s);
        }
        String m = e.getMessage();
        return e instanceof Mismatch ? m : e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
