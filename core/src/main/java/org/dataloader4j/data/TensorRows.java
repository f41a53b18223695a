package org.dataloader4j.data;

import java.util.List;
import org.dataloader4j.tensor.DType;
import org.dataloader4j.tensor.Shape;
import org.dataloader4j.tensor.Tensor;

/**
 * What a dataset whose sample {@code i} is row {@code i} of each of a list of tensors (as {@link TensorDataset}'s
 * samples are) can do beyond {@link Dataset#get}: copy the rows of many samples straight into batch tensors. A
 * {@code DataLoader} with the default collate uses it, through {@link Dataset#tensorRows()}, instead of reading samples
 * and stacking them: one copy per row, no object per sample, and the rows of one batch copied by several workers in
 * parallel. The result is exactly what collating the samples gives.
 *
 * <p>{@link TensorDataset} has rows; {@link Subset} and {@link ConcatDataset} have them when the datasets they wrap
 * do (a concatenation when every part has rows of the same layout); a {@code map}ped dataset has none, since its
 * transform sees each sample (it keeps one {@link Dataset#getBatch} call per batch instead).
 *
 * <pre>{@code
 * TensorRows rows = dataset.tensorRows().orElseThrow();
 * List<Tensor> batch = rows.layout().stream()
 *         .map(r -> Tensor.zeros(r.dtype(), r.shape().prepend(2))).toList();
 * rows.copyRows(new long[] {7, 3}, new int[] {0, 1}, batch);   // samples 7 and 3 into rows 0 and 1
 * }</pre>
 */
public interface TensorRows {

    /**
     * The dtype and the shape of one row of a tensor.
     *
     * @param dtype the element type
     * @param shape the shape of one sample's row (the tensor's shape without its first dimension)
     */
    record Row(DType dtype, Shape shape) {
    }

    /**
     * The rows of one sample, in the order of the sample's list of tensors.
     *
     * @return one entry per tensor
     */
    List<Row> layout();

    /**
     * For each {@code k}, copies the rows of sample {@code indices[k]} into row {@code rows[k]} of each tensor of
     * {@code batch} (one tensor per {@link #layout()} entry, of that dtype, with rows of that shape). Safe to call
     * concurrently for disjoint {@code rows} of the same batch.
     *
     * @param indices the samples' indices
     * @param rows for each sample, the batch row to fill
     * @param batch the batch tensors, one per layout entry
     * @throws IndexOutOfBoundsException naming an index outside the dataset
     */
    void copyRows(long[] indices, int[] rows, List<Tensor> batch);
}
