/**
 * Images, decoders, folder datasets and torchvision-style transforms.
 *
 * <p>JPEG decoding: gray, RGB and YCbCr JPEGs use a native libjpeg-turbo path (a small C library built with the
 * module when gcc and the libjpeg headers are installed, called through {@code java.lang.foreign}) when it is
 * available, and pure Java ({@code javax.imageio} with the TwelveMonkeys plugin) otherwise; CMYK/YCCK JPEGs and all
 * other formats are always decoded in pure Java. Both JPEG paths give PIL's pixels. On the benchmark photos the
 * native path decodes about 3.3 times as many images per CPU-second (about 890 against 270), and can decode just a
 * region ({@link org.dataloader4j.vision.Decoders#decodeRegion}), which
 * {@code RandomResizedCrop.decoding(decoders)} uses. {@link org.dataloader4j.vision.Decoders#describe()} says which
 * path is in use and why; to get the native one, {@code apt-get install gcc libjpeg62-turbo-dev} before building.
 * The module's README.md has the details and the measurements.
 */
package org.dataloader4j.vision;
