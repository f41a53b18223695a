/**
 * dataloader4j's S3 shard store: {@code S3ShardStore}, a {@code ShardStore} over S3 and S3-compatible object
 * stores with the AWS SDK for Java v2.
 */
module org.dataloader4j.s3 {
    requires transitive org.dataloader4j.spark;
    requires transitive software.amazon.awssdk.services.s3;
    requires transitive software.amazon.awssdk.auth;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache;

    exports org.dataloader4j.s3;
}
