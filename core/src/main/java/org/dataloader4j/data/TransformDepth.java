package org.dataloader4j.data;

/**
 * Implemented by datasets that wrap other datasets, so that a {@link MappedDataset} on top of them
 * can choose a random stream that no {@code map} stage below it uses.
 */
interface TransformDepth {

    /** The number of {@code map} stages in the deepest chain below and including this dataset. */
    int transformDepth();

    /** The transform depth of any dataset: 0 unless it reports one. */
    static int of(Object dataset) {
        return dataset instanceof TransformDepth d ? d.transformDepth() : 0;
    }

    /** The deepest transform depth among {@code datasets}, the parts of a composite dataset: 0 if there is none. */
    static int deepest(java.util.List<?> datasets) {
        int max = 0;
        for (Object d : datasets) {
            max = Math.max(max, of(d));
        }
        return max;
    }
}
