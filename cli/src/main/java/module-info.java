/**
 * The {@code dataloader4j} command ({@code demo}, {@code info}, {@code stats}, {@code shard}, {@code bench}). It is
 * shipped as one runnable jar on the class path (the launcher adds Spark for {@code shard}); this descriptor keeps
 * the command to the packages the library modules export (and the internal ones exported to it) and lets picocli
 * read the command classes when it runs on a module path.
 */
module org.dataloader4j.cli {
    requires org.dataloader4j.core;
    requires org.dataloader4j.vision;
    requires org.dataloader4j.spark;
    requires org.dataloader4j.s3;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires java.management; // bench --fresh-first-batch starts JVMs with this one's options (FreshProcess)

    opens org.dataloader4j.cli to info.picocli;
}
