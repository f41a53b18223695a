package org.dataloader4j.collate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an {@code int} record component: the {@link DefaultCollate} batches it to an INT64 tensor {@code [B]} instead
 * of INT32, the dtype PyTorch gives batched Python ints (class indices, which its losses expect as int64), while
 * the sample keeps a plain {@code int} to index with. On a component of another type it is an error when the
 * record is collated.
 *
 * <pre>{@code
 * record Labeled(Tensor image, @AsInt64 int label) {}
 * try (Batch batch = Collate.<Labeled>defaultCollate().collate(List.of(new Labeled(a, 3), new Labeled(b, 7)))) {
 *     batch.tensor(1);   // INT64 [2]: 3, 7
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
public @interface AsInt64 {
}
