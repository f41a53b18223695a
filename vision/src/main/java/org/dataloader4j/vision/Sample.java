package org.dataloader4j.vision;

import org.dataloader4j.collate.AsInt64;

/**
 * One sample of a {@link DatasetFolder} (an {@link ImageFolder}): the transformed input and its class index,
 * torchvision's {@code (sample, target)} tuple. The default collate batches a list of them into an ordered map
 * {@code {input, target}}, read by position as PyTorch reads the batched tuple: with an image transform ending in
 * {@code ToTensor}, {@code batch.tensor(0)} is a FLOAT32 tensor {@code [B, C, H, W]} and {@code batch.tensor(1)} the
 * class indices as an INT64 tensor {@code [B]}, as PyTorch batches Python ints (the component is
 * {@link AsInt64}). A target transform is a {@code map} over the dataset to a record of one's own:
 *
 * <pre>{@code
 * DatasetFolder<Image> folder = ImageFolder.of(Path.of("/data/train"));
 * Sample<Image> s = folder.get(0);
 * try (Image img = s.input()) {
 *     System.out.println(folder.classes().get(s.target()) + ": " + img);
 * }
 * record Named(Image input, String label) {}
 * Dataset<Named> named = folder.map((x, rng) -> new Named(x.input(), folder.classes().get(x.target())));
 * }</pre>
 *
 * @param input  the loaded file after the dataset's transform
 * @param target the index of the sample's class in {@link DatasetFolder#classes()}
 * @param <X>    input type
 */
public record Sample<X>(X input, @AsInt64 int target) {
}
