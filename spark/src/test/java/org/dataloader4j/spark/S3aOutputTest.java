package org.dataloader4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The object-store output's own checks, without Spark or a server. */
class S3aOutputTest {

    @Test
    void withoutHadoopAwsTheErrorSaysWhichArtifactAndVersionToAdd() {
        Configuration conf = new Configuration(false);
        conf.set("fs.s3a.impl", "org.example.NotOnTheClassPath");   // as when hadoop-aws is missing
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> S3aOutput.of("s3://bucket/shards", conf).prepare(false));
        assertTrue(e.getMessage().startsWith("cannot write to s3://bucket/shards: Hadoop's S3A is not on the class path;"
                + " add org.apache.hadoop:hadoop-aws:3.5.0 "), e.getMessage());
    }

    @Test
    void locationsAreNormalizedAndWrittenWithTheS3aScheme() {
        assertEquals("s3://bucket/a/b", OutputLocation.normalize("S3://bucket/a/b//"));
        assertEquals("s3a://bucket", OutputLocation.normalize("s3a://bucket/"));
        assertEquals("s3a://bucket/a/b", OutputLocation.hadoopUri("s3://bucket/a/b"));
        assertEquals("bucket", OutputLocation.bucket("s3://bucket/a/b"));
        assertEquals("/data/shards", OutputLocation.normalize("file:///data/shards"));
        assertEquals("relative/out", OutputLocation.normalize("relative/out"));
        assertTrue(OutputLocation.isObjectStore("s3a://b/p") && !OutputLocation.isObjectStore("/s3a/b"));
    }
}
