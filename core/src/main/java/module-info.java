/**
 * dataloader4j's core: tensors, datasets, samplers, collate, the {@code DataLoader}, NumPy files and running
 * statistics. No dependency beyond {@code java.base}.
 *
 * <p>The packages a training loop or a custom dataset, sampler, transform or collate uses are exported. The
 * {@code .internal} packages hold the engine's plumbing and are exported only to the dataloader4j modules that
 * need them. The core calls native code for page-locked batch memory ({@code pinMemory}) and memory-mapped batch
 * slabs; {@code --enable-native-access=org.dataloader4j.core} allows it without a warning (on the class path:
 * {@code ALL-UNNAMED}); where it is denied the core falls back to plain Java memory. The default collate reads the
 * components of sample records by reflection: a record in a package the application does not export must be
 * opened to this module ({@code opens my.pkg to org.dataloader4j.core}), or batched with a custom collate.
 */
module org.dataloader4j.core {
    exports org.dataloader4j.collate;
    exports org.dataloader4j.data;
    exports org.dataloader4j.io;
    exports org.dataloader4j.loader;
    exports org.dataloader4j.random;
    exports org.dataloader4j.sampler;
    exports org.dataloader4j.stats;
    exports org.dataloader4j.tensor;

    exports org.dataloader4j.collate.internal to org.dataloader4j.vision;
    exports org.dataloader4j.io.internal to org.dataloader4j.spark, org.dataloader4j.cli;
    exports org.dataloader4j.internal to org.dataloader4j.vision, org.dataloader4j.spark, org.dataloader4j.djl;
}
