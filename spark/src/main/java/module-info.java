/**
 * dataloader4j's WebDataset shards: the Spark job that writes them ({@code ShardJob}) and {@code ShardedDataset},
 * which reads them without Spark.
 *
 * <p>Spark's jars have no module names (nor valid automatic ones: {@code spark-sql_2.13} does not give one), so
 * this module does not {@code require} Spark: it is compiled with {@code --add-reads
 * org.dataloader4j.spark=ALL-UNNAMED}. Reading shards ({@code ShardedDataset}, {@code Manifest}, {@code ShardStore})
 * touches no Spark class and works on the module path as is. To run {@code ShardJob} on the module path, put
 * Spark on the class path and pass {@code --add-reads org.dataloader4j.spark=ALL-UNNAMED}; on the class path
 * ({@code spark-submit}) nothing is needed.
 */
module org.dataloader4j.spark {
    requires transitive org.dataloader4j.core;
    requires transitive org.dataloader4j.vision;

    exports org.dataloader4j.spark;

    exports org.dataloader4j.spark.internal to org.dataloader4j.s3, org.dataloader4j.cli;
}
