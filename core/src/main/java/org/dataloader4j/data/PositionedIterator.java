package org.dataloader4j.data;

import java.util.Iterator;

/**
 * An iterator of an elastic stream ({@link IterableDataset#elasticPartition()}) that knows where the element it
 * returned last stands in the epoch's global order. {@link IterableDataset#map} keys the generator of such an element
 * by ({@link WorkerInfo#epochSeed()}, its global position, the stage) instead of by worker and element count, so an
 * augmentation is the same whatever the number of ranks and workers and whether the epoch was resumed; the mapped
 * iterator is positioned too.
 *
 * <pre>{@code
 * PositionedIterator<Row> rows = (PositionedIterator<Row>) elastic.iterator(worker, StreamStart.BEGINNING);
 * Row row = rows.next();
 * long where = rows.position();     // its place in the global order of the epoch
 * }</pre>
 *
 * @param <T> the type of one element
 */
public interface PositionedIterator<T> extends Iterator<T> {

    /**
     * {@return the global position of the element that {@link #next()} returned last}
     *
     * @throws IllegalStateException before the first {@code next()}
     */
    long position();
}
