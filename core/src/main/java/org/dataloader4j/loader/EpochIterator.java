package org.dataloader4j.loader;

/** What every engine's epoch iterator tells the loader, so that it can report a {@link LoaderState}. */
interface EpochIterator<B> extends LoaderIterator<B> {

    /** The epoch this iterator loads. */
    long epoch();

    /** The batches delivered so far (read on the consuming thread). */
    DeliveredBatches delivered();
}
