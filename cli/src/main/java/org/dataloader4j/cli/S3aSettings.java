package org.dataloader4j.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The Spark settings with which {@code dataloader4j shard SRC s3://bucket/prefix} has the job write through S3A:
 * the S3 settings the other commands read ({@code dataloader4j.s3.endpoint} / {@code DATALOADER4J_S3_ENDPOINT},
 * {@code pathStyle}, {@code region}; see {@code S3ShardStore.environmentSetting}) mapped onto S3A's keys, and
 * credentials from the AWS SDK's default chain, as {@code info s3://...} and {@code S3ShardStore} use them. A key
 * given as a {@code spark.hadoop.fs.s3a.*} system property (which Spark reads itself) is left as it is.
 *
 * <pre>{@code
 * Map<String, String> conf = S3aSettings.sparkConf(S3ShardStore::environmentSetting, System::getProperty);
 * }</pre>
 */
final class S3aSettings {
    /** The AWS SDK's default credentials chain, which S3A instantiates with its static {@code create()}. */
    static final String DEFAULT_CREDENTIALS = "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider";

    private S3aSettings() {
    }

    /**
     * The Spark configuration entries.
     *
     * @param setting        the S3 settings by name ({@code endpoint}, {@code pathStyle}, {@code region}), null if unset
     * @param systemProperty the JVM's system properties, null if unset
     * @return the entries, in a fixed order
     * @throws IllegalArgumentException naming the setting if {@code pathStyle} is not {@code true} or {@code false}
     */
    static Map<String, String> sparkConf(Function<String, String> setting, Function<String, String> systemProperty) {
        Map<String, String> conf = new LinkedHashMap<>();
        String endpoint = setting.apply("endpoint");
        if (endpoint != null) {
            conf.put("spark.hadoop.fs.s3a.endpoint", endpoint.trim());
        }
        String pathStyle = setting.apply("pathStyle");
        if (pathStyle != null) {
            String v = pathStyle.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("the S3 pathStyle setting must be true or false, but is \""
                        + pathStyle + "\"");
            }
            conf.put("spark.hadoop.fs.s3a.path.style.access", v);
        }
        String region = setting.apply("region");
        if (region != null) {
            conf.put("spark.hadoop.fs.s3a.endpoint.region", region.trim());
        }
        conf.put("spark.hadoop.fs.s3a.aws.credentials.provider", DEFAULT_CREDENTIALS);
        conf.keySet().removeIf(key -> systemProperty.apply(key) != null);
        return conf;
    }
}
