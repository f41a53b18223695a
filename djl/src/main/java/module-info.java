/**
 * dataloader4j for DJL: a {@code DataLoader} as a DJL {@code Dataset}, and conversions between dataloader4j's
 * tensors and batches and DJL's {@code NDArray}/{@code NDList}. Works with any DJL engine the application brings.
 */
module org.dataloader4j.djl {
    requires transitive org.dataloader4j.core;
    requires transitive ai.djl.api;

    exports org.dataloader4j.djl;
}
