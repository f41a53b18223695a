package org.dataloader4j.collate.internal;

import java.util.Iterator;

/**
 * An iterator of a stream whose last stage can write the element it returns into a preallocated batch row: the loader
 * calls {@link #next(SampleSlots)} with the element's row, and only that stage's transform (run during this call, on
 * the element it returns) is served rows by {@link BatchMemory#allocateSample}. Whatever the stages below it produce
 * (an element that a shuffle buffer returns later, say) never lands in a batch row, so no element can outlive the
 * batch whose memory it uses.
 *
 * <pre>{@code
 * T element = iterator instanceof SlotWriting<T> rows ? rows.next(batch.slots(k)) : iterator.next();
 * }</pre>
 *
 * @param <T> the type of one element
 */
public interface SlotWriting<T> extends Iterator<T> {

    /**
     * {@return the next element, its last stage writing into {@code slots} where its tensors fit them}
     *
     * @param slots the element's rows of the preallocated batch
     */
    T next(SampleSlots slots);
}
