package org.dataloader4j.vision;

/**
 * One sample of a {@link DatasetFolder}: the (transformed) input and its (transformed) target, torchvision's
 * {@code (sample, target)} tuple. The default collate batches a list of them into a {@code Sample} of batched
 * values: with an image transform ending in {@code ToTensor} and no target transform, {@code input} becomes a
 * FLOAT32 tensor {@code [B, C, H, W]} and {@code target} an INT64 tensor {@code [B]}.
 *
 * <pre>{@code
 * DatasetFolder<Image, Long> folder = ImageFolder.of(Path.of("/data/train"));
 * Sample<Image, Long> s = folder.get(0);
 * try (Image img = s.input()) {
 *     System.out.println(folder.classes().get(s.target().intValue()) + ": " + img);
 * }
 * }</pre>
 *
 * @param input  the loaded file after the dataset's transform
 * @param target the class index (a {@code Long}) after the dataset's target transform
 * @param <X>    input type
 * @param <Y>    target type
 */
public record Sample<X, Y>(X input, Y target) {
}
