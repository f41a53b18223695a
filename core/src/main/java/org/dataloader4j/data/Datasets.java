package org.dataloader4j.data;

/**
 * Static helpers for datasets.
 *
 * <pre>{@code
 * public Sample get(long index) {
 *     Datasets.checkIndex(index, size());
 *     ...
 * }
 * }</pre>
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Checks {@code 0 <= index < size}.
     *
     * @return {@code index}
     * @throws IndexOutOfBoundsException naming the index and the size
     */
    public static long checkIndex(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for a dataset of size " + size);
        }
        return index;
    }
}
