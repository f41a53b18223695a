package org.dataloader4j.collate;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.SequencedMap;
import java.util.Set;

/**
 * The batch of records that cannot hold their batched values (see {@link DefaultCollate}): an unmodifiable map
 * from component name to batched value, in declaration order, which {@link Batch#get(int)} also reads by position.
 */
final class RecordMap extends AbstractMap<String, Object> implements SequencedMap<String, Object> {
    private final SequencedMap<String, Object> values;

    /** Wraps {@code values}, which the caller no longer changes. */
    RecordMap(SequencedMap<String, Object> values) {
        this.values = Collections.unmodifiableSequencedMap(values);
    }

    /** The value of component {@code i}. */
    Object component(int i) {
        int k = 0;
        for (Object value : values.sequencedValues()) {
            if (k++ == i) {
                return value;
            }
        }
        throw new IndexOutOfBoundsException("component " + i + " of " + values.size());
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return values.entrySet();
    }

    @Override
    public Object get(Object key) {
        return values.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return values.containsKey(key);
    }

    @Override
    public SequencedMap<String, Object> reversed() {
        return values.reversed();
    }
}
