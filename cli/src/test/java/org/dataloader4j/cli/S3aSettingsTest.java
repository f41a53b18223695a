package org.dataloader4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The S3 settings of the command line mapped onto the S3A keys of the shard job's Spark session. */
class S3aSettingsTest {

    @Test
    void endpointPathStyleAndRegionBecomeS3aKeysAndCredentialsComeFromTheSdkChain() {
        Map<String, String> settings = Map.of("endpoint", "http://127.0.0.1:9000 ", "pathStyle", "TRUE",
                "region", "eu-west-1");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000");
        expected.put("spark.hadoop.fs.s3a.path.style.access", "true");
        expected.put("spark.hadoop.fs.s3a.endpoint.region", "eu-west-1");
        expected.put("spark.hadoop.fs.s3a.aws.credentials.provider",
                "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider");
        assertEquals(expected, S3aSettings.sparkConf(settings::get, key -> null));
    }

    @Test
    void unsetSettingsAreLeftToS3aAndSystemPropertiesWin() {
        Map<String, String> properties = Map.of("spark.hadoop.fs.s3a.aws.credentials.provider", "my.Provider",
                "spark.hadoop.fs.s3a.endpoint", "http://other:9000");
        Map<String, String> conf = S3aSettings.sparkConf(Map.of("endpoint", "http://minio:9000")::get, properties::get);
        assertEquals(Map.of(), conf, "nothing set over what the user gave Spark directly");
        assertEquals(Map.of("spark.hadoop.fs.s3a.aws.credentials.provider", S3aSettings.DEFAULT_CREDENTIALS),
                S3aSettings.sparkConf(name -> null, key -> null));
    }

    @Test
    void aPathStyleOtherThanTrueOrFalseIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3aSettings.sparkConf(Map.of("pathStyle", "yes")::get, key -> null));
        assertTrue(e.getMessage().contains("pathStyle") && e.getMessage().contains("\"yes\""), e.getMessage());
    }
}
