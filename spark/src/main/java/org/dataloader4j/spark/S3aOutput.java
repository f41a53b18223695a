package org.dataloader4j.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BulkDelete;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.VersionInfo;

/**
 * A shard job's output in an object store, written through Hadoop's {@code FileSystem} API with S3A
 * ({@code hadoop-aws}), configured by the session's Hadoop configuration ({@code spark.hadoop.fs.s3a.*}), which
 * travels with this object to the executors.
 *
 * <p>S3 has no rename, and needs none: S3A uploads what a stream was given when the stream is closed (one PUT, or
 * a multipart upload whose parts go up while writing and which is completed on close), and the object becomes
 * visible only then, whole. A task that fails aborts its stream ({@link #abort}), so nothing of it appears; a
 * retried or speculative attempt writes the same key with the same bytes (placement is deterministic).
 */
final class S3aOutput implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The normalized location the user gave ({@code s3://bucket/prefix} or {@code s3a://...}). */
    private final String location;
    /** The driver's Hadoop configuration, as {@link Configuration#write} wrote it. */
    private final byte[] configuration;

    private S3aOutput(String location, byte[] configuration) {
        this.location = location;
        this.configuration = configuration;
    }

    /**
     * The output at a normalized object-store {@code location}, with the driver's Hadoop configuration.
     *
     * @param location      from {@link OutputLocation#normalize}
     * @param configuration the session's Hadoop configuration
     * @return the output
     */
    static S3aOutput of(String location, Configuration configuration) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            configuration.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the Hadoop configuration: " + e, e);
        }
        return new S3aOutput(location, bytes.toByteArray());
    }

    /** {@return the location, as the user gave it (normalized)} */
    String location() {
        return location;
    }

    /** {@return the location of {@code file} in the output} */
    String location(String file) {
        return OutputLocation.child(location, file);
    }

    /** A file system of its own (closed by the caller), so that each job sees its own settings. */
    FileSystem fileSystem() throws IOException {
        return FileSystem.newInstance(URI.create(OutputLocation.hadoopUri(location) + "/"), configuration());
    }

    private Configuration configuration() throws IOException {
        Configuration conf = new Configuration(false);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(configuration))) {
            conf.readFields(in);
        }
        return conf;
    }

    private org.apache.hadoop.fs.Path path(String file) {
        return new org.apache.hadoop.fs.Path(OutputLocation.hadoopUri(location) + "/" + file);
    }

    /**
     * Checks that the output can be listed and holds no earlier run, or deletes the earlier run's shards and
     * manifest with {@code overwrite}.
     *
     * @throws IllegalArgumentException if an earlier run is there and {@code overwrite} is false
     * @throws UncheckedIOException     naming the location, the bucket and the endpoint if the store cannot be
     *                                  reached or the bucket does not exist
     * @throws IllegalStateException    naming hadoop-aws and its version if S3A is not on the class path
     */
    void prepare(boolean overwrite) {
        try (FileSystem fs = fileSystem()) {
            FileStatus[] entries;
            try {
                entries = fs.listStatus(new org.apache.hadoop.fs.Path(OutputLocation.hadoopUri(location)));
            } catch (FileNotFoundException e) {
                entries = new FileStatus[0];   // nothing under the prefix yet
            }
            List<FileStatus> earlier = new ArrayList<>();
            for (FileStatus f : entries) {
                if (f.isFile() && ShardJob.isJobFile(f.getPath().getName())) {
                    earlier.add(f);
                }
            }
            earlier.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
            if (earlier.isEmpty()) {
                return;
            }
            if (!overwrite) {
                throw new IllegalArgumentException("the output " + location + " already holds shards or a manifest ("
                        + earlier.getFirst().getPath().getName() + (earlier.size() > 1 ? " and " + (earlier.size() - 1)
                        + " more" : "") + "); choose an empty prefix or set overwrite");
            }
            delete(fs, earlier);
        } catch (IOException e) {
            throw failure("cannot use the output " + location, e);
        } catch (RuntimeException e) {
            if (causedBy(e, ClassNotFoundException.class)) {
                throw new IllegalStateException("cannot write to " + location + ": Hadoop's S3A is not on the class"
                        + " path; add org.apache.hadoop:hadoop-aws:" + VersionInfo.getVersion() + " (the release of"
                        + " the Hadoop that Spark runs) and the AWS SDK v2 it needs (" + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes the files with Hadoop's bulk delete (a multi-object DELETE in S3A, in pages), which, unlike
     * {@code FileSystem.delete}, leaves no empty directory marker ({@code prefix/}) behind.
     */
    private void delete(FileSystem fs, List<FileStatus> files) throws IOException {
        org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(OutputLocation.hadoopUri(location));
        try (BulkDelete bulk = fs.createBulkDelete(base)) {
            int page = Math.max(1, bulk.pageSize());
            for (int from = 0; from < files.size(); from += page) {
                List<org.apache.hadoop.fs.Path> paths = new ArrayList<>();
                for (FileStatus f : files.subList(from, Math.min(files.size(), from + page))) {
                    paths.add(f.getPath());
                }
                List<Map.Entry<org.apache.hadoop.fs.Path, String>> failed = bulk.bulkDelete(paths);
                if (!failed.isEmpty()) {
                    throw new IOException("cannot delete " + failed.getFirst().getKey() + " of an earlier run: "
                            + failed.getFirst().getValue() + (failed.size() > 1 ? " (and " + (failed.size() - 1)
                            + " more)" : ""));
                }
            }
        }
    }

    /**
     * Starts writing {@code file}: nothing is visible until the stream is closed; {@link #abort} it on failure.
     *
     * @param fs   from {@link #fileSystem()}
     * @param file the file name within the output
     * @return the stream
     * @throws IOException if the store refuses
     */
    FSDataOutputStream create(FileSystem fs, String file) throws IOException {
        return fs.create(path(file), true);
    }

    /**
     * Abandons a stream from {@link #create}: its upload is aborted, so no object (and no partial object) appears.
     * Failures to abort are added to {@code cause}.
     */
    static void abort(FSDataOutputStream out, Throwable cause) {
        try {
            out.abort();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Writes {@code manifest.json} (after every shard: a reader that finds it finds all of them).
     *
     * @param json the manifest
     * @return the manifest's location
     */
    String writeManifest(String json) {
        String where = location(Manifest.FILE_NAME);
        try (FileSystem fs = fileSystem()) {
            FSDataOutputStream out = create(fs, Manifest.FILE_NAME);
            try {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                abort(out, e);
                throw e;
            }
            out.close();
        } catch (IOException e) {
            throw failure("cannot write " + where, e);
        }
        return where;
    }

    /** An error naming what failed, the bucket and, where one is set, the endpoint. */
    UncheckedIOException failure(String what, IOException e) {
        return new UncheckedIOException(what + " (bucket " + OutputLocation.bucket(location) + endpoint() + "): "
                + e.getMessage(), e);
    }

    /** The configured endpoint of the output's bucket ({@code fs.s3a.bucket.B.endpoint} or {@code fs.s3a.endpoint}), for messages. */
    private String endpoint() {
        Configuration conf;
        try {
            conf = configuration();
        } catch (IOException e) {
            return "";
        }
        String bucket = OutputLocation.bucket(location);
        String endpoint = conf.getTrimmed("fs.s3a.bucket." + bucket + ".endpoint", conf.getTrimmed("fs.s3a.endpoint"));
        return endpoint == null || endpoint.isEmpty() ? "" : ", endpoint " + endpoint;
    }
}
